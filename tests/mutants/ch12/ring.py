"""12.7 ring allreduce: wrong implementations, each rejected by its check."""


def _pieces(data):
    return [t.view(-1).tensor_split(len(data)) for t in data]


def reduce_scatter_same_piece(data):
    k, chunks = len(data), _pieces(data)
    for s in range(k - 1):
        for r in range(k):
            chunks[(r + 1) % k][s].add_(chunks[r][s])
    return data


def reduce_scatter_backwards(data):
    k, chunks = len(data), _pieces(data)
    for s in range(k - 1):
        sent = [chunks[r][(r + s) % k].clone() for r in range(k)]
        for r in range(k):
            chunks[(r - 1) % k][(r + s) % k].add_(sent[r])
    return data


def reduce_scatter_one_step_short(data):
    k, chunks = len(data), _pieces(data)
    for s in range(k - 2):
        sent = [chunks[r][(r - s) % k].clone() for r in range(k)]
        for r in range(k):
            chunks[(r + 1) % k][(r - s) % k].add_(sent[r])
    return data


def _reduce_scatter(data):
    k, chunks = len(data), _pieces(data)
    for s in range(k - 1):
        sent = [chunks[r][(r - s) % k].clone() for r in range(k)]
        for r in range(k):
            chunks[(r + 1) % k][(r - s) % k].add_(sent[r])
    return data


def allreduce_gather_adds(data):
    _reduce_scatter(data)
    k, chunks = len(data), _pieces(data)
    for s in range(k - 1):
        sent = [chunks[r][(r + 1 - s) % k].clone() for r in range(k)]
        for r in range(k):
            chunks[(r + 1) % k][(r + 1 - s) % k].add_(sent[r])
    return data


def allreduce_plain_sum(data):
    total = data[0].clone()
    for t in data[1:]:
        total += t
    for t in data:
        t.copy_(total)
    return data


MUTANTS = {
    "ch12.ring_reduce_scatter": [
        ("every rank sends piece s at step s", reduce_scatter_same_piece, "piece (r - s) % k"),
        ("the ring turned backwards", reduce_scatter_backwards, "the ring turns that way"),
        ("k - 2 steps", reduce_scatter_one_step_short, "piece"),
    ],
    "ch12.ring_allreduce": [
        ("the all-gather adds", allreduce_gather_adds, "copies (not adds)"),
        ("a plain sum, not the ring", allreduce_plain_sum, "not the ring's"),
    ],
}
