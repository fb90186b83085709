# %% [markdown]
# # 11.11 Learning Rate Scheduling — 学习率调度器
#
# How the learning rate changes during training matters as much as its initial value. A schedule
# is here a callable object: `scheduler(num_update)` returns the rate for update
# `num_update = 0, 1, ...` (an epoch, in the book's training loop, which sets every parameter
# group's `lr` to it). You will write three of them: a square-root decay, a geometric decay with
# a floor, and a cosine with an optional linear warm-up.
#
# A scheduler is an object, not plain data, so each check goes through a given wrapper that asks
# your class for a list of rates (leave the wrappers as they are). Visible cases run here; when
# your notebook is graded, hidden cases (other rates, lengths and warm-ups) run as well.
# `torch.optim.lr_scheduler` is off limits for these exercises.
#
# The whole comparison of schedules on Fashion-MNIST (a LeNet with ReLU and max-pooling) is a
# command: `d2lkit train lenet-schedule --scheduler constant|sqrt|multistep|cosine|cosine-warmup`.

# %%
import math

from autograder import check


def lr_trace(scheduler, num_updates: int) -> list[float]:
    """The rates of updates 0, 1, ..., num_updates - 1, as floats."""
    return [float(scheduler(t)) for t in range(num_updates)]


# %% [markdown]
# ## Square-root decay
#
# $\eta_t = \eta_0 (t + 1)^{-1/2}$.


# %% tags=["solution"]
class SquareRootScheduler:
    """lr * (num_update + 1) ** -0.5."""

    def __init__(self, lr: float = 0.1) -> None:
        ### BEGIN SOLUTION
        self.lr = lr
        ### END SOLUTION

    def __call__(self, num_update: int) -> float:
        ### BEGIN SOLUTION
        return self.lr * (num_update + 1.0) ** -0.5
        ### END SOLUTION


# %%
def square_root_lrs(lr, num_updates):
    return lr_trace(SquareRootScheduler(lr), num_updates)


# %%
check("ch11.SquareRootScheduler", square_root_lrs)

# %% [markdown]
# ## Geometric decay with a floor
#
# Each call multiplies the current rate by `factor` and returns it, never going below
# `stop_factor_lr`: the first call already returns `base_lr * factor`. The rate is the object's
# state, so the argument is not needed.


# %% tags=["solution"]
class FactorScheduler:
    """Each call: base_lr = max(stop_factor_lr, base_lr * factor); return base_lr."""

    def __init__(self, factor: float = 1, stop_factor_lr: float = 1e-7, base_lr: float = 0.1):
        ### BEGIN SOLUTION
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.base_lr = base_lr
        ### END SOLUTION

    def __call__(self, num_update: int) -> float:
        ### BEGIN SOLUTION
        self.base_lr = max(self.stop_factor_lr, self.base_lr * self.factor)
        return self.base_lr
        ### END SOLUTION


# %%
def factor_lrs(factor, stop_factor_lr, base_lr, num_updates):
    return lr_trace(FactorScheduler(factor, stop_factor_lr, base_lr), num_updates)


# %%
check("ch11.FactorScheduler", factor_lrs)

# %% [markdown]
# ## Cosine with warm-up
#
# For $t <$ `warmup_steps` $= w$ the rate rises linearly from `warmup_begin_lr` towards
# `base_lr`: $\eta_t = \eta_{\text{begin}} + (\eta_0 - \eta_{\text{begin}})\, t / w$. Then, for
# $w \le t \le T$ (`max_update`), a half cosine:
# $$\eta_t = \eta_T + \frac{\eta_0 - \eta_T}{2}\left(1 + \cos\frac{\pi (t - w)}{T - w}\right),$$
# and $\eta_T$ (`final_lr`) after $T$.


# %% tags=["solution"]
class CosineScheduler:
    """A linear warm-up, then a half cosine from base_lr to final_lr at max_update."""

    def __init__(
        self,
        max_update: int,
        base_lr: float = 0.01,
        final_lr: float = 0.0,
        warmup_steps: int = 0,
        warmup_begin_lr: float = 0.0,
    ) -> None:
        ### BEGIN SOLUTION
        self.max_update = max_update
        self.base_lr = base_lr
        self.final_lr = final_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        ### END SOLUTION

    def __call__(self, epoch: int) -> float:
        ### BEGIN SOLUTION
        if epoch < self.warmup_steps:
            rise = (self.base_lr - self.warmup_begin_lr) * epoch / self.warmup_steps
            return self.warmup_begin_lr + rise
        if epoch > self.max_update:
            return self.final_lr
        progress = (epoch - self.warmup_steps) / (self.max_update - self.warmup_steps)
        return (
            self.final_lr + (self.base_lr - self.final_lr) * (1 + math.cos(math.pi * progress)) / 2
        )
        ### END SOLUTION


# %%
def cosine_lrs(max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr, num_updates):
    scheduler = CosineScheduler(max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr)
    return lr_trace(scheduler, num_updates)


# %%
check("ch11.CosineScheduler", cosine_lrs)

# %% [markdown]
# The book's cosine runs 20 of its 30 epochs from 0.3 down to 0.01, with or without a 5-epoch
# warm-up.

# %% tags=["demo"]
print([round(lr, 3) for lr in cosine_lrs(20, 0.3, 0.01, 5, 0.0, 30)])
print([round(lr, 3) for lr in factor_lrs(0.9, 1e-2, 2.0, 50)][::5])

# %% [markdown] tags=["written"]
# Why warm the learning rate up at the start of training?

# %% [markdown] tags=["answer"]
# At the start the parameters are random and the gradients large and unreliable; a large rate can
# make training diverge. Growing it over a few epochs lets training settle first.

# %% [markdown] tags=["written"]
# Compare a piecewise-constant (step) schedule with a cosine schedule.

# %% [markdown] tags=["answer"]
# Step schedules need the drop epochs and factors chosen and change the rate abruptly; cosine
# decays smoothly from the maximum to the minimum with few settings. Both end with a small rate
# for fine convergence.
