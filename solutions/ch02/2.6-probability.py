# %% [markdown]
# # 2.6 Probability — 概率
#
# Sampling from a distribution and estimating probabilities by relative frequencies, which
# converge to the true probabilities as the number of draws grows (the law of large numbers).

# %%
import torch
from torch.distributions import multinomial

from autograder import check

# %%
torch.manual_seed(0)
fair_probs = torch.ones([6]) / 6
print(multinomial.Multinomial(1, fair_probs).sample())

# %% [markdown]
# ## Relative frequencies
#
# Draw `num_samples` outcomes from the categorical distribution `probs` (with replacement) and
# return how often each outcome came up divided by `num_samples`: $\hat{p}_j = n_j / n$. Return a
# tensor of the shape and dtype of `probs`; its entries sum to 1.


# %% tags=["solution"]
def relative_frequencies(probs: torch.Tensor, num_samples: int) -> torch.Tensor:
    """probs: (k,) summing to 1 -> (k,) relative frequencies of num_samples draws."""
    ### BEGIN SOLUTION
    counts = multinomial.Multinomial(num_samples, probs).sample()
    return counts / num_samples
    ### END SOLUTION


# %%
check("ch02.relative_frequencies", relative_frequencies)

# %%
print(relative_frequencies(fair_probs, 1000))

# %% [markdown]
# ## Convergence
#
# The book's experiment: `num_groups` groups of `group_size` draws. Row $i$ of the result holds
# the relative frequencies of all the draws of groups $0, \dots, i$, that is the cumulative counts
# divided by the $(i + 1) \cdot$ `group_size` draws made so far. The rows approach `probs`.
# Shape (num_groups, k), in the dtype of `probs`.


# %% tags=["solution"]
def cumulative_estimates(probs: torch.Tensor, num_groups: int, group_size: int) -> torch.Tensor:
    """probs: (k,) -> (num_groups, k); row i uses the draws of groups 0..i."""
    ### BEGIN SOLUTION
    counts = multinomial.Multinomial(group_size, probs).sample((num_groups,))
    cum_counts = counts.cumsum(dim=0)
    return cum_counts / cum_counts.sum(dim=1, keepdim=True)
    ### END SOLUTION


# %%
check("ch02.cumulative_estimates", cumulative_estimates)

# %%
estimates = cumulative_estimates(fair_probs, 500, 10)
for i in (0, 9, 99, 499):
    print(f"after {(i + 1) * 10:4d} rolls:", [round(v, 3) for v in estimates[i].tolist()])

# %% [markdown] tags=["written"]
# You estimate a die's probabilities by the relative frequencies of n rolls. How does the typical
# error shrink as n grows, and how many more rolls make the estimate twice as accurate?

# %% [markdown] tags=["answer"]
# The standard error of a frequency is sqrt(p(1 - p) / n), shrinking like 1/sqrt(n). Halving the
# error takes four times as many rolls.

# %% [markdown] tags=["written"]
# With P(A) = 0.6 and P(B) = 0.5, which values can P(A and B) and P(A or B) take? When are they at
# their extremes, and what are they if A and B are independent?

# %% [markdown] tags=["answer"]
# P(A and B) lies in [0.1, 0.5] and P(A or B) in [0.6, 1.0]. The intersection is largest when B is
# inside A (union 0.6) and smallest when A and B together cover everything (union 1). Independence
# gives 0.3 and 0.8.
