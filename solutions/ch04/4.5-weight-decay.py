# %% [markdown]
# # 4.5 Weight decay — 权重衰减
#
# Penalise the size of the weights to fight overfitting: minimise
# $L(\mathbf{w}, b) + \lambda \cdot \text{penalty}(\mathbf{w})$. The book's setting is made to
# overfit: 200 inputs and only 20 training examples.

# %%
import torch

from autograder import check
from d2lkit import linreg, load_array, plot_curves, sgd, squared_loss, synthetic_data
from d2lkit.mlp import evaluate_loss

# %% [markdown]
# ## The penalties
#
# $$\text{L2: } \frac{1}{2}\|\mathbf{w}\|_2^2 = \frac{1}{2}\sum_i w_i^2, \qquad
# \text{L1: } \|\mathbf{w}\|_1 = \sum_i |w_i|$$
#
# Each returns one number (a 0-d tensor), summed over every entry of `w` whatever its shape. The
# 1/2 makes the gradient of the L2 penalty exactly $\mathbf{w}$; the L1 penalty's gradient,
# $\operatorname{sign}(\mathbf{w})$, pushes weights all the way to 0.


# %% tags=["solution"]
def l2_penalty(w: torch.Tensor) -> torch.Tensor:
    """sum(w^2) / 2 over every entry; w: any shape -> 0-d."""
    ### BEGIN SOLUTION
    return torch.sum(w.pow(2)) / 2
    ### END SOLUTION


# %%
check("ch04.l2_penalty", l2_penalty)


# %% tags=["solution"]
def l1_penalty(w: torch.Tensor) -> torch.Tensor:
    """sum(|w|) over every entry; w: any shape -> 0-d."""
    ### BEGIN SOLUTION
    return torch.sum(torch.abs(w))
    ### END SOLUTION


# %%
check("ch04.l1_penalty", l1_penalty)

# %% [markdown]
# ## One epoch of training with weight decay
#
# The loop body of the book's `train(lambd)`: for each minibatch `(X, y)` of `train_iter`,
# the loss of every example is `squared_loss(linreg(X, w, b), y) + lambd * l2_penalty(w)` (the
# penalty broadcast to each example's loss), then `backward()` of its sum, and
# `sgd([w, b], lr, batch_size)` with the minibatch's size. The bias is not penalised. Update `w`
# and `b` in place; return nothing.


# %% tags=["solution"]
def train_epoch_wd(w: torch.Tensor, b: torch.Tensor, train_iter, lambd: float, lr: float) -> None:
    """w: (num_inputs, 1), b: (1,), both requires_grad; train_iter yields X: (B, num_inputs), y: (B, 1)."""
    ### BEGIN SOLUTION
    for X, y in train_iter:
        l = squared_loss(linreg(X, w, b), y) + lambd * l2_penalty(w)
        l.sum().backward()
        sgd([w, b], lr, X.shape[0])
    ### END SOLUTION


# %%
check("ch04.train_epoch_wd", train_epoch_wd)

# %% [markdown]
# ## The experiment
#
# $y = 0.05 + \sum_{i=1}^{200} 0.01 x_i + \epsilon$, 20 training and 100 test examples, batch 5,
# 100 epochs, lr 0.003. Without the penalty the training loss goes to almost 0 while the test
# loss stays large; with $\lambda = 3$ both stay moderate and $\|\mathbf{w}\|$ shrinks (the book
# prints norms of about 13 and 0.36).

# %%
torch.manual_seed(0)
n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
train_iter = load_array(synthetic_data(true_w, true_b, n_train), batch_size)
test_iter = load_array(synthetic_data(true_w, true_b, n_test), batch_size, is_train=False)

for lambd in (0, 3):
    w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    history = {"train_loss": [], "test_loss": []}
    for epoch in range(100):
        train_epoch_wd(w, b, train_iter, lambd, lr=0.003)
        history["train_loss"].append(evaluate_loss(lambda X: linreg(X, w, b), train_iter, squared_loss))
        history["test_loss"].append(evaluate_loss(lambda X: linreg(X, w, b), test_iter, squared_loss))
    print(f"lambd {lambd}: L2 norm of w {w.norm().item():.3f}, train loss {history['train_loss'][-1]:.2e}, test loss {history['test_loss'][-1]:.3f}")
    plot_curves(history, title=f"lambd = {lambd}")

# %% [markdown] tags=["written"]
# With SGD, an L2 penalty multiplies each weight by (1 - learning rate × lambda) before the usual
# gradient step. Why is it called decay? What happens when learning rate × lambda reaches 1 or
# more?

# %% [markdown] tags=["answer"]
# Without the data term the weights shrink geometrically toward zero. At 1 they are zeroed each
# step; between 1 and 2 they flip sign at every step, and above 2 they also grow: training is
# destroyed.

# %% [markdown] tags=["written"]
# Compare L2 and L1 penalties: which tends to make weights exactly zero, and why? When would you
# want that?

# %% [markdown] tags=["answer"]
# L1: its pull on a weight has the same size however small the weight is, so small weights are
# pushed all the way to zero, while L2's pull is proportional to the weight and fades near zero.
# Sparse weights select features and are easier to interpret.
