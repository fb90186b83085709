"""8.1 sequence models: wrong implementations, each rejected by its check."""

import torch


def lagged_flat_labels(x, tau=4):
    T = x.shape[0]
    features = torch.stack([x[i : T - tau + i] for i in range(tau)], dim=1)
    return features, x[tau:]


def lagged_shifted_window(x, tau=4):
    # each row starts one step late: x[i + 1 : i + tau + 1] includes the label itself
    T = x.shape[0]
    features = torch.stack([x[i + 1 : T - tau + i + 1] for i in range(tau)], dim=1)
    return features, x[tau:].reshape(-1, 1)


def k_step_from_observations(net, x, tau, max_steps):
    # every column predicted from observed values: one-step predictions, not k-step
    n = x.shape[0] - tau - max_steps + 1
    features = torch.zeros((n, tau + max_steps))
    for i in range(tau):
        features[:, i] = x[i : i + n]
    with torch.no_grad():
        for i in range(tau, tau + max_steps):
            window = torch.stack([x[i - tau + j : i - tau + j + n] for j in range(tau)], 1)
            features[:, i] = net(window).reshape(-1)
    return features


def k_step_one_row_short(net, x, tau, max_steps):
    n = x.shape[0] - tau - max_steps
    features = torch.zeros((n, tau + max_steps))
    for i in range(tau):
        features[:, i] = x[i : i + n]
    with torch.no_grad():
        for i in range(tau, tau + max_steps):
            features[:, i] = net(features[:, i - tau : i]).reshape(-1)
    return features


MUTANTS = {
    "ch08.lagged_features": [
        ("labels not a column", lagged_flat_labels, "the labels are a column"),
        ("window one step late", lagged_shifted_window, "row i of the features is x[i : i + tau]"),
    ],
    "ch08.k_step_preds": [
        (
            "observations instead of predictions",
            k_step_from_observations,
            "feed your predictions back in",
        ),
        ("one starting point too few", k_step_one_row_short, "one row per starting point"),
    ],
}
