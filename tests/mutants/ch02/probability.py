"""2.6 probability: wrong implementations, each rejected by its check."""

import torch


def relative_frequencies_counts(probs, num_samples):
    return torch.distributions.Multinomial(num_samples, probs).sample()


def relative_frequencies_uniform(probs, num_samples):
    draws = torch.randint(len(probs), (num_samples,))
    return torch.bincount(draws, minlength=len(probs)).to(probs.dtype) / num_samples


def relative_frequencies_no_replacement(probs, num_samples):
    draws = torch.multinomial(probs, num_samples)
    return torch.bincount(draws, minlength=len(probs)).to(probs.dtype) / num_samples


def relative_frequencies_probs(probs, num_samples):
    return probs.clone()


def cumulative_estimates_per_group(probs, num_groups, group_size):
    counts = torch.distributions.Multinomial(group_size, probs).sample((num_groups,))
    return counts / group_size


def cumulative_estimates_over_total(probs, num_groups, group_size):
    counts = torch.distributions.Multinomial(group_size, probs).sample((num_groups,))
    return counts.cumsum(dim=0) / (num_groups * group_size)


def cumulative_estimates_float32(probs, num_groups, group_size):
    counts = torch.distributions.Multinomial(group_size, probs.float()).sample((num_groups,))
    cumulative = counts.cumsum(dim=0)
    return cumulative / cumulative.sum(dim=1, keepdim=True)


MUTANTS = {
    "ch02.relative_frequencies": [
        ("returns counts", relative_frequencies_counts, "sum to 1"),
        ("ignores probs", relative_frequencies_uniform, "standard deviations"),
        ("without replacement", relative_frequencies_no_replacement, "replacement"),
        ("returns probs", relative_frequencies_probs, "count divided by num_samples"),
    ],
    "ch02.cumulative_estimates": [
        ("one group per row", cumulative_estimates_per_group, "cumulative sum"),
        ("divides by all draws", cumulative_estimates_over_total, "sum to 1"),
        ("float32 for float64 probs", cumulative_estimates_float32, "dtype"),
    ],
}
