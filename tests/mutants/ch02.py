"""Plausible wrong implementations of the chapter-2 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).
"""

import math

import pandas as pd
import torch

# 2.1 ------------------------------------------------------------------------------------------------


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


# 2.2 ------------------------------------------------------------------------------------------------


def to_tensor_values(df):
    return torch.tensor(df.values)


def to_tensor_float32(df):
    return torch.tensor(df.to_numpy(dtype=float), dtype=torch.float32)


def to_tensor_by_columns(df):
    return torch.tensor([df[c].to_numpy(dtype=float).tolist() for c in df.columns])


def preprocess_fill_zero(data):
    inputs, outputs = data.iloc[:, :-1], data.iloc[:, -1]
    inputs = pd.get_dummies(
        inputs.fillna({c: 0 for c in inputs.select_dtypes("number")}), dummy_na=True
    )
    return torch.tensor(inputs.to_numpy(dtype=float)), torch.tensor(outputs.to_numpy(dtype=float))


def preprocess_no_dummy_na(data):
    inputs, outputs = data.iloc[:, :-1], data.iloc[:, -1]
    inputs = pd.get_dummies(inputs.fillna(inputs.mean(numeric_only=True)))
    return torch.tensor(inputs.to_numpy(dtype=float)), torch.tensor(outputs.to_numpy(dtype=float))


def preprocess_target_column(data):
    inputs, outputs = data.iloc[:, :-1], data.iloc[:, -1:]
    inputs = pd.get_dummies(inputs.fillna(inputs.mean(numeric_only=True)), dummy_na=True)
    return torch.tensor(inputs.to_numpy(dtype=float)), torch.tensor(outputs.to_numpy(dtype=float))


def most_missing_column_fewest(df):
    return df.isna().sum().idxmin()


def most_missing_column_last_on_tie(df):
    return df.isna().sum()[::-1].idxmax()


def most_missing_column_by_row(df):
    return df.isna().sum(axis=1).idxmax()


# 2.3 ------------------------------------------------------------------------------------------------


def frobenius_norm_builtin(X):
    return torch.linalg.norm(X)


def frobenius_norm_no_sqrt(X):
    return (X * X).sum()


def frobenius_norm_of_rows(X):
    return (X * X).sum(dim=-1).sqrt()


def frobenius_norm_l1(X):
    return X.abs().sum()


def row_normalize_no_keepdim(A):
    return A / A.sum(dim=1)


def row_normalize_columns(A):
    return A / A.sum(dim=0, keepdim=True)


def matvec_builtin(A, x):
    return torch.mv(A, x)


def matvec_transposed(A, x):
    return (A * x.reshape(-1, 1)).sum(dim=0)


def matvec_sums_everything(A, x):
    return (A * x).sum()


def matmul_operator(A, B):
    return A @ B


def matmul_elementwise(A, B):
    return A * B


def matmul_loops_transposed_b(A, B):
    m, n, p = A.shape[0], A.shape[1], B.shape[1]
    return torch.stack(
        [
            torch.stack([sum(A[i, k] * B[j, k] for k in range(n)) for j in range(p)])
            for i in range(m)
        ]
    )


# 2.4 ------------------------------------------------------------------------------------------------


def numerical_lim_central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_lim_no_division(f, x, h):
    return f(x + h) - f(x)


def numerical_grad_forward(f, x, h=1e-4):
    x = x.detach().clone().double()
    grad = torch.empty_like(x)
    fx = float(f(x))
    for i in range(x.numel()):
        shifted = x.clone()
        shifted.view(-1)[i] += h
        grad.view(-1)[i] = (float(f(shifted)) - fx) / h
    return grad


def numerical_grad_flat(f, x, h=1e-4):
    shape, flat = x.shape, x.detach().clone().double().reshape(-1)
    grad = torch.empty_like(flat)
    for i in range(flat.numel()):
        plus, minus = flat.clone(), flat.clone()
        plus[i] += h
        minus[i] -= h
        grad[i] = (float(f(plus.reshape(shape))) - float(f(minus.reshape(shape)))) / (2 * h)
    return grad


def numerical_grad_float32(f, x, h=1e-4):
    x = x.detach().clone().float()
    grad = torch.empty_like(x)
    for i in range(x.numel()):
        plus, minus = x.clone(), x.clone()
        plus.view(-1)[i] += h
        minus.view(-1)[i] -= h
        grad.view(-1)[i] = (float(f(plus)) - float(f(minus))) / (2 * h)
    return grad


def grad_of_quadratic_exp_no_power_rule(x):
    return torch.stack([3 * x[0], 5 * torch.exp(x[1])])


def grad_of_quadratic_exp_detached(x):
    return torch.tensor([6 * x[0].item(), 5 * math.exp(x[1].item())], dtype=x.dtype)


def grad_of_quadratic_exp_autograd(x):
    x = x.detach().requires_grad_(True)
    (3 * x[0] ** 2 + 5 * torch.exp(x[1])).backward()
    return x.grad


def grad_of_l2_norm_squared(x):
    return 2 * x


def grad_of_l2_norm_builtin(x):
    return x / x.norm()


def grad_of_l2_norm_ones(x):
    return x / x.abs().sum()


# 2.5 ------------------------------------------------------------------------------------------------


def _control_flow(a, condition):
    b = a * 2
    while condition(b):
        b = b * 2
    return b if b.sum() > 0 else 100 * b


def grad_through_control_flow_no_sum(a):
    a = a.detach().requires_grad_(True)
    c = _control_flow(a, lambda b: b.norm() < 1000)
    c.backward()
    return a.grad


def grad_through_control_flow_l1(a):
    a = a.detach().requires_grad_(True)
    _control_flow(a, lambda b: b.abs().sum() < 1000).sum().backward()
    return a.grad


def grad_through_control_flow_ignores_branch(a):
    a = a.detach().requires_grad_(True)
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    b.sum().backward()
    return a.grad


def sin_derivative_cos(x):
    return torch.cos(x)


def sin_derivative_shifted_sin(x):
    return torch.sin(x + math.pi / 2)


def sin_derivative_finite_difference(x):
    h = 1e-3
    return (torch.sin(x + h) - torch.sin(x)) / h


# 2.6 ------------------------------------------------------------------------------------------------


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
    "ch02.compare_elementwise": [
        ("< and > swapped", compare_elementwise_swapped, "are swapped"),
        ("converts to float", compare_elementwise_as_floats, "bool"),
    ],
    "ch02.broadcast_shape": [
        ("aligns on the first axis", broadcast_shape_left_aligned, "last axis"),
        ("takes the larger size", broadcast_shape_max, "even to 0"),
        ("lets torch broadcast", broadcast_shape_by_expanding, "uses broadcast_tensors"),
    ],
    "ch02.to_tensor": [
        ("torch.tensor(df.values)", to_tensor_values, "object"),
        ("float32", to_tensor_float32, "to_numpy(dtype=float)"),
        ("one row per column", to_tensor_by_columns, "shape"),
    ],
    "ch02.preprocess": [
        ("fills with 0", preprocess_fill_zero, "expected"),
        ("no dummy_na", preprocess_no_dummy_na, "dummy_na=True"),
        ("target as a column", preprocess_target_column, "shape"),
    ],
    "ch02.most_missing_column": [
        ("fewest missing", most_missing_column_fewest, "expected"),
        ("last column on a tie", most_missing_column_last_on_tie, "expected 'B'"),
        ("counts per row", most_missing_column_by_row, "expected 'Alley'"),
    ],
    "ch02.frobenius_norm": [
        ("torch.linalg.norm", frobenius_norm_builtin, "uses linalg_norm"),
        ("no square root", frobenius_norm_no_sqrt, "square root"),
        ("one norm per row", frobenius_norm_of_rows, "reduce over every axis"),
        ("L1 norm", frobenius_norm_l1, "expected"),
    ],
    "ch02.row_normalize": [
        ("A / A.sum(axis=1)", row_normalize_no_keepdim, "keepdim=True"),
        ("normalises columns", row_normalize_columns, "each row should sum to 1"),
    ],
    "ch02.matvec": [
        ("torch.mv", matvec_builtin, "uses mv"),
        ("x^T A instead of A x", matvec_transposed, "expected"),
        ("sums everything", matvec_sums_everything, "shape"),
    ],
    "ch02.matmul": [
        ("the @ operator", matmul_operator, "uses matmul"),
        ("elementwise product", matmul_elementwise, "Hadamard"),
        ("B[j, k] for B[k, j] in the loop", matmul_loops_transposed_b, "expected"),
    ],
    "ch02.numerical_lim": [
        ("central difference", numerical_lim_central, "expected 2.3"),
        ("forgets to divide by h", numerical_lim_no_division, "expected"),
    ],
    "ch02.numerical_grad": [
        ("forward difference", numerical_grad_forward, "central difference"),
        ("returns a flat vector", numerical_grad_flat, "shape"),
        ("float32 arithmetic", numerical_grad_float32, "dtype"),
    ],
    "ch02.grad_of_quadratic_exp": [
        ("forgets the power rule", grad_of_quadratic_exp_no_power_rule, "expected"),
        ("torch.tensor of numbers", grad_of_quadratic_exp_detached, "torch.stack"),
        ("autograd", grad_of_quadratic_exp_autograd, "uses backward"),
    ],
    "ch02.grad_of_l2_norm": [
        ("gradient of the squared norm", grad_of_l2_norm_squared, "squared norm"),
        ("x.norm()", grad_of_l2_norm_builtin, "uses norm"),
        ("divides by the L1 norm", grad_of_l2_norm_ones, "expected"),
    ],
    "ch02.grad_through_control_flow": [
        ("backward on a vector", grad_through_control_flow_no_sum, "scalar outputs"),
        ("L1 norm in the loop", grad_through_control_flow_l1, "expected"),
        ("ignores the branch", grad_through_control_flow_ignores_branch, "expected"),
    ],
    "ch02.sin_derivative": [
        ("torch.cos", sin_derivative_cos, "uses cos"),
        ("sin(x + pi/2)", sin_derivative_shifted_sin, "expected"),
        ("finite difference", sin_derivative_finite_difference, "expected"),
    ],
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
