"""2.1 data manipulation: wrong implementations, each rejected by its check."""

import torch


def compare_elementwise_swapped(X, Y):
    return X == Y, X > Y, X < Y


def compare_elementwise_as_floats(X, Y):
    return (X == Y).float(), (X < Y).float(), (X > Y).float()


def broadcast_shape_left_aligned(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    a = tuple(shape_a) + (1,) * (ndim - len(shape_a))
    b = tuple(shape_b) + (1,) * (ndim - len(shape_b))
    return tuple(y if x == 1 else x for x, y in zip(a, b))


def broadcast_shape_max(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    return tuple(max(x, y) for x, y in zip(a, b))


def broadcast_shape_by_expanding(shape_a, shape_b):
    return tuple(torch.broadcast_tensors(torch.empty(shape_a), torch.empty(shape_b))[0].shape)


MUTANTS = {
    "ch02.compare_elementwise": [
        ("< and > swapped", compare_elementwise_swapped, "are swapped"),
        ("converts to float", compare_elementwise_as_floats, "bool"),
    ],
    "ch02.broadcast_shape": [
        ("aligns on the first axis", broadcast_shape_left_aligned, "last axis"),
        ("takes the larger size", broadcast_shape_max, "even to 0"),
        ("lets torch broadcast", broadcast_shape_by_expanding, "uses broadcast_tensors"),
    ],
}
