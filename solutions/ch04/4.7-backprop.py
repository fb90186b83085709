# %% [markdown]
# # 4.7 Forward propagation, backward propagation, and computational graphs — 前向传播、反向传播和计算图
#
# The section derives, on paper, the gradients of a one-hidden-layer network with L2
# regularisation. Here you compute them with tensors, without autograd, and the check compares your
# numbers with the reference's (and autograd's).
#
# The network of the section, without biases, on a minibatch of $n$ examples:
# $$\mathbf{Z} = \mathbf{X}\mathbf{W}^{(1)}, \quad \mathbf{H} = \phi(\mathbf{Z}), \quad
# \mathbf{O} = \mathbf{H}\mathbf{W}^{(2)},$$
# $$L = \frac{1}{n}\sum_{i=1}^{n} \ell(\mathbf{o}_i, y_i), \quad
# s = \frac{\lambda}{2}\left(\|\mathbf{W}^{(1)}\|_F^2 + \|\mathbf{W}^{(2)}\|_F^2\right), \quad J = L + s,$$
# with $\phi$ the ReLU and $\ell$ the cross-entropy of the softmax of $\mathbf{o}_i$.

# %%
import torch

from autograder import check

# %% [markdown]
# ## Backward, by the chain rule
#
# Going backwards through the graph:
# $$\frac{\partial J}{\partial \mathbf{O}} = \frac{1}{n}\left(\operatorname{softmax}(\mathbf{O})
# - \operatorname{onehot}(\mathbf{y})\right), \qquad
# \frac{\partial J}{\partial \mathbf{W}^{(2)}} = \mathbf{H}^\top \frac{\partial J}{\partial \mathbf{O}}
# + \lambda \mathbf{W}^{(2)},$$
# $$\frac{\partial J}{\partial \mathbf{H}} = \frac{\partial J}{\partial \mathbf{O}} {\mathbf{W}^{(2)}}^\top,
# \qquad \frac{\partial J}{\partial \mathbf{Z}} = \frac{\partial J}{\partial \mathbf{H}} \odot
# \phi'(\mathbf{Z}), \qquad \frac{\partial J}{\partial \mathbf{W}^{(1)}} = \mathbf{X}^\top
# \frac{\partial J}{\partial \mathbf{Z}} + \lambda \mathbf{W}^{(1)}.$$
#
# Return a dict with the forward values `z`, `h`, `o`, the objective `loss` ($J$, a 0-d tensor),
# and the gradients `dW1`, `dW2` (each of its weight's shape). Compute the log-softmax with each
# row's maximum subtracted, or large logits overflow `exp`. No `backward()`, no
# `torch.autograd.grad`, no `F.cross_entropy`.


# %% tags=["solution"]
def manual_backprop(X: torch.Tensor, y: torch.Tensor, W1: torch.Tensor, W2: torch.Tensor, lambd: float) -> dict:
    """X: (n, d), y: (n,) class indices, W1: (d, h), W2: (h, q) -> z, h, o, loss, dW1, dW2."""
    ### BEGIN SOLUTION
    n = X.shape[0]
    z = X @ W1
    h = torch.max(z, torch.zeros_like(z))
    o = h @ W2
    shifted = o - o.max(dim=1, keepdim=True).values
    log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
    one_hot = torch.zeros_like(o)
    one_hot[torch.arange(n), y] = 1
    L = -(log_probs * one_hot).sum() / n
    s = lambd / 2 * ((W1**2).sum() + (W2**2).sum())
    dJ_do = (torch.exp(log_probs) - one_hot) / n
    dW2 = h.T @ dJ_do + lambd * W2
    dJ_dz = (dJ_do @ W2.T) * (z > 0).to(z.dtype)
    dW1 = X.T @ dJ_dz + lambd * W1
    return {"z": z, "h": h, "o": o, "loss": L + s, "dW1": dW1, "dW2": dW2}
    ### END SOLUTION


# %%
check("ch04.manual_backprop", manual_backprop)

# %% [markdown]
# ## Autograd agrees
#
# The same objective through autograd: the computational graph it records is the one you walked
# backwards by hand.

# %%
torch.manual_seed(0)
X, y = torch.randn(8, 5), torch.randint(0, 3, (8,))
W1 = torch.randn(5, 4, requires_grad=True)
W2 = torch.randn(4, 3, requires_grad=True)
lambd = 0.1
J = torch.nn.functional.cross_entropy(torch.relu(X @ W1) @ W2, y) + lambd / 2 * (W1.pow(2).sum() + W2.pow(2).sum())
J.backward()
mine = manual_backprop(X, y, W1.detach(), W2.detach(), lambd)
print("J:", J.item(), mine["loss"].item())
print("dW1 agrees:", torch.allclose(mine["dW1"], W1.grad, atol=1e-6), " dW2 agrees:", torch.allclose(mine["dW2"], W2.grad, atol=1e-6))

# %% [markdown] tags=["written"]
# Backpropagation keeps the intermediate values of the forward pass. Why? How does the memory grow
# with depth and batch size, and what can recomputation trade?

# %% [markdown] tags=["answer"]
# A layer's gradient needs its input and activations, so they are kept until backward reaches it:
# memory grows linearly in depth and in batch size. Checkpointing keeps only some of them and
# recomputes the rest during backward: less memory for about one more forward pass.

# %% [markdown] tags=["written"]
# For a scalar loss of n parameters, why is one backward pass cheaper than estimating each partial
# derivative by perturbing the parameters one at a time?

# %% [markdown] tags=["answer"]
# Backward costs about as much as one forward pass and yields all n partials at once; perturbing
# needs n + 1 forward passes, and finite differences are also less accurate.
