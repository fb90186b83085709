"""The planted copy pairs of the generated class (`generated_class.py`), over several exercises
each: per exercise, the original and the copy. The first pair's copy is the original itself
(`VERBATIM`; the generator gives each of the two its own comments and blank lines); the second's
(`DISGUISED`) is renamed and reformatted by hand: other names, comments, line breaks, `0.0`
spelled `0.`.
"""

from __future__ import annotations

VERBATIM: dict[str, str] = {
    "ch03.softmax": """def softmax(X):
    shifted = X - X.max(1, keepdim=True)[0]
    log_norm = shifted.exp().sum(1, keepdim=True).log()
    log_probs = shifted - log_norm
    probs = log_probs.exp()
    probs = probs / probs.sum(1, keepdim=True)
    return probs
""",
    "ch03.data_iter": """def data_iter(batch_size, features, labels):
    pool = list(range(len(features)))
    random.shuffle(pool)
    while pool:
        take, pool = pool[:batch_size], pool[batch_size:]
        take = torch.LongTensor(take)
        yield features.index_select(0, take), labels.index_select(0, take)
""",
    "ch03.cross_entropy": """def cross_entropy(y_hat, y):
    rows = torch.arange(y_hat.shape[0])
    chosen = y_hat[rows, y.long()]
    chosen = torch.clamp(chosen, min=1e-12)
    return torch.log(chosen) * -1
""",
    "ch03.train_epoch_ch3": """def train_epoch_ch3(net, train_iter, loss, updater):
    history = {"loss": [], "hits": [], "seen": []}
    for batch_X, batch_y in train_iter:
        out = net(batch_X)
        per_example = loss(out, batch_y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            per_example.mean().backward()
            updater.step()
        else:
            per_example.sum().backward()
            updater(batch_X.shape[0])
        history["loss"].append(per_example.sum().item())
        history["hits"].append(accuracy(out, batch_y))
        history["seen"].append(batch_y.numel())
    seen = sum(history["seen"])
    return sum(history["loss"]) / seen, sum(history["hits"]) / seen
""",
}

DISGUISED: dict[str, tuple[str, str]] = {
    "ch03.synthetic_data": (
        """def synthetic_data(w, b, num_examples):
    design = torch.empty(num_examples, w.numel()).normal_(0.0, 1.0)
    clean = design.matmul(w.view(-1, 1)).add(b)
    jitter = torch.empty_like(clean).normal_(0.0, 0.01)
    return design, clean + jitter
""",
        """def synthetic_data(w, b, num_examples):
    # draw the inputs
    A = torch.empty(num_examples,
                    w.numel()).normal_(0., 1.)
    # targets without noise
    target = A.matmul(
        w.view(-1, 1)
    ).add(b)

    e = torch.empty_like(target).normal_(0., .01)  # small gaussian noise
    return A, target + e
""",
    ),
    "ch03.net": (
        """class SoftmaxRegressionScratch(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, sigma=0.01):
        super().__init__()
        weights = torch.randn(num_outputs, num_inputs).t().contiguous()
        self.W = nn.Parameter(weights.mul(sigma))
        self.b = nn.Parameter(torch.full((num_outputs,), 0.0))

    def forward(self, X):
        batch = X.shape[0]
        scores = X.view(batch, -1).mm(self.W).add(self.b)
        return softmax(scores)
""",
        """class SoftmaxRegressionScratch(nn.Module):

    def __init__(self, num_inputs=784, num_outputs=10, sigma=0.01):
        super().__init__()
        # transposed so that the layout matches W (in, out)
        init = torch.randn(num_outputs, num_inputs).t().contiguous()
        self.W = nn.Parameter(init.mul(sigma))
        self.b = nn.Parameter(torch.full((num_outputs, ), 0.))

    def forward(self, X):
        bs = X.shape[0]
        z = X.view(bs, -1).mm(self.W).add(self.b)   # logits
        return softmax(z)
""",
    ),
    "ch03.accuracy": (
        """def accuracy(y_hat, y):
    guesses = y_hat
    if guesses.dim() == 2 and guesses.size(1) != 1:
        guesses = guesses.max(dim=1)[1]
    guesses = guesses.reshape(-1).long()
    matches = torch.eq(guesses, y.reshape(-1).long())
    return matches.double().sum().item()
""",
        """def accuracy(y_hat, y):
    g = y_hat
    if g.dim() == 2 and g.size(1) != 1:   # scores: take the best class
        g = g.max(dim=1)[1]
    g = g.reshape(-1).long()

    eq = torch.eq(g,
                  y.reshape(-1).long())
    return eq.double().sum().item()
""",
    ),
    "ch03.evaluate_accuracy": (
        """def evaluate_accuracy(net, data_iter):
    tally = [0.0, 0.0]
    for inputs, targets in data_iter:
        with torch.no_grad():
            scores = net(inputs)
        tally[0] += accuracy(scores, targets)
        tally[1] += float(targets.numel())
    return tally[0] / tally[1]
""",
        """def evaluate_accuracy(net, data_iter):
    t = [0., 0.]  # correct, seen
    for xb, yb in data_iter:
        with torch.no_grad():
            s = net(xb)
        t[0] += accuracy(s, yb)
        t[1] += float(yb.numel())

    return t[0] / t[1]
""",
    ),
}
