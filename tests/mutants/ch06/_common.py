"""What several sections' mutants share: a plain cross-correlation, and a size read as a pair."""


def _corr2d(X, K):
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))
