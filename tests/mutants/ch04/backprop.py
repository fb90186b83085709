"""4.7 backpropagation: wrong implementations, each rejected by its check."""

import torch


def _forward(X, y, W1, W2):
    z = X @ W1
    h = torch.max(z, torch.zeros_like(z))
    o = h @ W2
    shifted = o - o.max(dim=1, keepdim=True).values
    log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
    one_hot = torch.zeros_like(o)
    one_hot[torch.arange(len(y)), y] = 1
    return z, h, o, log_probs, one_hot


def _backprop(X, y, W1, W2, lambd, *, per_example_scale, penalty_grad=True, relu_mask=True):
    z, h, o, log_probs, one_hot = _forward(X, y, W1, W2)
    n = X.shape[0]
    L = -(log_probs * one_hot).sum() / n
    s = lambd / 2 * ((W1**2).sum() + (W2**2).sum())
    dJ_do = (torch.exp(log_probs) - one_hot) * per_example_scale(n)
    dW2 = h.T @ dJ_do + (lambd * W2 if penalty_grad else 0)
    dJ_dh = dJ_do @ W2.T
    dJ_dz = dJ_dh * ((z > 0).to(z.dtype) if relu_mask else h)
    dW1 = X.T @ dJ_dz + (lambd * W1 if penalty_grad else 0)
    return {"z": z, "h": h, "o": o, "loss": L + s, "dW1": dW1, "dW2": dW2}


def manual_backprop_no_mean(X, y, W1, W2, lambd):
    return _backprop(X, y, W1, W2, lambd, per_example_scale=lambda n: 1)


def manual_backprop_no_penalty_grad(X, y, W1, W2, lambd):
    return _backprop(X, y, W1, W2, lambd, per_example_scale=lambda n: 1 / n, penalty_grad=False)


def manual_backprop_relu_instead_of_mask(X, y, W1, W2, lambd):
    return _backprop(X, y, W1, W2, lambd, per_example_scale=lambda n: 1 / n, relu_mask=False)


def manual_backprop_naive_softmax(X, y, W1, W2, lambd):
    z = X @ W1
    h = torch.max(z, torch.zeros_like(z))
    o = h @ W2
    n = X.shape[0]
    probs = torch.exp(o) / torch.exp(o).sum(dim=1, keepdim=True)
    one_hot = torch.zeros_like(o)
    one_hot[torch.arange(n), y] = 1
    L = -(torch.log(probs) * one_hot).sum() / n
    dJ_do = (probs - one_hot) / n
    dW2 = h.T @ dJ_do + lambd * W2
    dW1 = X.T @ ((dJ_do @ W2.T) * (z > 0).to(z.dtype)) + lambd * W1
    loss = L + lambd / 2 * ((W1**2).sum() + (W2**2).sum())
    return {"z": z, "h": h, "o": o, "loss": loss, "dW1": dW1, "dW2": dW2}


def manual_backprop_autograd(X, y, W1, W2, lambd):
    W1 = W1.detach().clone().requires_grad_(True)
    W2 = W2.detach().clone().requires_grad_(True)
    z, h, o, log_probs, one_hot = _forward(X, y, W1, W2)
    J = -(log_probs * one_hot).sum() / X.shape[0] + lambd / 2 * ((W1**2).sum() + (W2**2).sum())
    J.backward()
    return {
        "z": z.detach(),
        "h": h.detach(),
        "o": o.detach(),
        "loss": J.detach(),
        "dW1": W1.grad,
        "dW2": W2.grad,
    }


MUTANTS = {
    "ch04.manual_backprop": [
        ("sum instead of mean", manual_backprop_no_mean, "MEAN cross-entropy"),
        ("no penalty gradient", manual_backprop_no_penalty_grad, "gradient of the penalty"),
        (
            "multiplies by relu(z), not relu'(z)",
            manual_backprop_relu_instead_of_mask,
            "output['dW1'][0, 0]: expected",
        ),
        ("softmax without max shift", manual_backprop_naive_softmax, "subtract each row's maximum"),
        ("autograd", manual_backprop_autograd, "uses backward"),
    ],
}
