"""What the mutants of 9.1-9.4 share: parameters drawn like the book's, a tanh layer."""

import torch


def normal(shape, device, scale=0.01):
    return torch.randn(size=shape, device=device) * scale


def gate(num_inputs, num_hiddens, device, scale=0.01, bias=False):
    return [
        normal((num_inputs, num_hiddens), device, scale),
        normal((num_hiddens, num_hiddens), device, scale),
        normal((num_hiddens,), device) if bias else torch.zeros(num_hiddens, device=device),
    ]


def with_output(layers, num_hiddens, vocab_size, device, scale=0.01):
    params = [
        *layers,
        normal((num_hiddens, vocab_size), device, scale),
        torch.zeros(vocab_size, device=device),
    ]
    for param in params:
        param.requires_grad_(True)
    return params


def tanh_layer(inputs, H, W_xh, W_hh, b_h):
    Hs = []
    for X in inputs:
        H = torch.tanh(X @ W_xh + H @ W_hh + b_h)
        Hs.append(H)
    return torch.stack(Hs)
