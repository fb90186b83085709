"""2.3 linear algebra: wrong implementations, each rejected by its check."""

import torch


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


MUTANTS = {
    "ch02.frobenius_norm": [
        ("torch.linalg.norm", frobenius_norm_builtin, "uses linalg_norm"),
        ("no square root", frobenius_norm_no_sqrt, "square root"),
        ("one norm per row", frobenius_norm_of_rows, "reduce over every axis"),
        ("L1 norm", frobenius_norm_l1, "output: expected"),
    ],
    "ch02.row_normalize": [
        ("A / A.sum(axis=1)", row_normalize_no_keepdim, "keepdim=True"),
        ("normalises columns", row_normalize_columns, "each row should sum to 1"),
    ],
    "ch02.matvec": [
        ("torch.mv", matvec_builtin, "uses mv"),
        ("x^T A instead of A x", matvec_transposed, "output[0]: expected"),
        ("sums everything", matvec_sums_everything, "shape"),
    ],
    "ch02.matmul": [
        ("the @ operator", matmul_operator, "uses matmul"),
        ("elementwise product", matmul_elementwise, "Hadamard"),
        ("B[j, k] for B[k, j] in the loop", matmul_loops_transposed_b, "output[0, 0]: expected"),
    ],
}
