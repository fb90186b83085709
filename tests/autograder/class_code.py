"""The code of the generated class (`generated_class.py`): chapter 3's exercises written several
genuinely different correct ways, and the seeded mistakes (the planted copies: `class_copies.py`).

Templates are `string.Template`s: `$name` is a local that each student names their own way
(`NAMES`). Each template is a whole solution cell from its `def` or `class` line; the student's
restyling (docstring, comments, blank lines) is added by the generator.
"""

from __future__ import annotations

NAMES = {
    "idx": ["indices", "idx", "order", "perm", "ids"],
    "i": ["i", "start", "k", "pos"],
    "out": ["out", "result", "res", "y_out", "outputs"],
    "e": ["X_exp", "e", "exps", "numer", "expd"],
    "m": ["m", "row_max", "mx", "biggest"],
    "tot": ["partition", "denom", "total", "z", "norm"],
    "n": ["n", "num", "count", "size", "N"],
    "acc": ["correct", "hits", "num_correct", "right"],
    "loss_sum": ["loss_sum", "total_loss", "running_loss", "l_sum"],
    "l": ["l", "loss_value", "losses", "batch_loss"],
    "p": ["p", "param", "w_", "tensor"],
    "names": ["text_labels", "names", "classes", "label_names"],
    "noise": ["noise", "eps", "jitter", "err"],
    "pred": ["preds", "pred", "predicted", "guess"],
}

_LABELS = (
    '["t-shirt", "trouser", "pullover", "dress", "coat", '
    '"sandal", "shirt", "sneaker", "bag", "ankle boot"]'
)

VARIANTS: dict[str, list[str]] = {
    "ch03.synthetic_data": [
        """def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = X @ w + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape(-1, 1)
""",
        """def synthetic_data(w, b, num_examples):
    X = torch.randn(num_examples, w.shape[0])
    $noise = 0.01 * torch.randn(num_examples, 1)
    y = torch.matmul(X, w.reshape(-1, 1)) + b + $noise
    return X, y
""",
        """def synthetic_data(w, b, num_examples):
    X = torch.randn(num_examples, len(w))
    y = (X * w).sum(dim=1, keepdim=True) + b
    y = y + torch.randn_like(y) * 0.01
    return X, y
""",
    ],
    "ch03.data_iter": [
        """def data_iter(batch_size, features, labels):
    $n = len(features)
    $idx = list(range($n))
    random.shuffle($idx)
    for $i in range(0, $n, batch_size):
        batch = torch.tensor($idx[$i : $i + batch_size])
        yield features[batch], labels[batch]
""",
        """def data_iter(batch_size, features, labels):
    $n = features.shape[0]
    shuffled = torch.randperm($n)
    Xs, ys = features[shuffled], labels[shuffled]
    $i = 0
    while $i < $n:
        yield Xs[$i : $i + batch_size], ys[$i : $i + batch_size]
        $i += batch_size
""",
        """def data_iter(batch_size, features, labels):
    for $idx in torch.randperm(len(labels)).split(batch_size):
        yield features[$idx], labels[$idx]
""",
    ],
    "ch03.linreg": [
        "def linreg(X, w, b):\n    return X @ w + b\n",
        "def linreg(X, w, b):\n    return torch.matmul(X, w) + b\n",
        "def linreg(X, w, b):\n    $out = torch.mm(X, w)\n    return $out + b\n",
    ],
    "ch03.squared_loss": [
        "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n",
        "def squared_loss(y_hat, y):\n    d = y_hat - y.view(y_hat.shape)\n    return 0.5 * d * d\n",
        "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape_as(y_hat)).pow(2) * 0.5\n",
    ],
    "ch03.sgd": [
        """def sgd(params, lr, batch_size):
    with torch.no_grad():
        for $p in params:
            $p -= lr * $p.grad / batch_size
            $p.grad.zero_()
""",
        """def sgd(params, lr, batch_size):
    step = lr / batch_size
    with torch.no_grad():
        for $p in params:
            $p.add_($p.grad, alpha=-step)
            $p.grad = None
""",
        """def sgd(params, lr, batch_size):
    for $p in params:
        $p.data.sub_(lr * $p.grad.data / batch_size)
        $p.grad.data.zero_()
""",
    ],
    "ch03.get_fashion_mnist_labels": [
        f"""def get_fashion_mnist_labels(labels):
    $names = {_LABELS}
    return [$names[int($i)] for $i in labels]
""",
        f"""NAMES = {_LABELS}


def get_fashion_mnist_labels(labels):
    $out = []
    for label in torch.as_tensor(labels).tolist():
        $out.append(NAMES[label])
    return $out
""",
        f"""def get_fashion_mnist_labels(labels):
    lookup = dict(enumerate({_LABELS}))
    return list(map(lambda k: lookup[int(k)], labels))
""",
    ],
    "ch03.softmax": [
        """def softmax(X):
    $e = torch.exp(X - X.max(dim=1, keepdim=True).values)
    return $e / $e.sum(dim=1, keepdim=True)
""",
        """def softmax(X):
    $m, _ = torch.max(X, 1, keepdim=True)
    $e = (X - $m).exp()
    $tot = $e.sum(1, keepdim=True)
    return $e / $tot
""",
        """def softmax(X):
    return torch.exp(X - torch.logsumexp(X, dim=1, keepdim=True))
""",
        """def softmax(X):
    $m = torch.amax(X, dim=-1, keepdim=True)
    $e = torch.exp(X - $m)
    return $e / torch.sum($e, dim=-1, keepdim=True)
""",
    ],
    "ch03.net": [
        """class SoftmaxRegressionScratch(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, sigma=0.01):
        super().__init__()
        self.W = nn.Parameter(torch.randn(num_inputs, num_outputs) * sigma)
        self.b = nn.Parameter(torch.zeros(num_outputs))

    def forward(self, X):
        return softmax(X.reshape(-1, self.W.shape[0]) @ self.W + self.b)
""",
        """class SoftmaxRegressionScratch(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, sigma=0.01):
        super().__init__()
        self.num_inputs = num_inputs
        self.W = nn.Parameter(torch.normal(0, sigma, size=(num_inputs, num_outputs)))
        self.b = nn.Parameter(torch.zeros(num_outputs))

    def forward(self, X):
        flat = X.reshape(X.shape[0], self.num_inputs)
        logits = torch.matmul(flat, self.W) + self.b
        return softmax(logits)
""",
        """class SoftmaxRegressionScratch(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, sigma=0.01):
        super().__init__()
        W = torch.empty(num_inputs, num_outputs).normal_(0, sigma)
        self.W = nn.Parameter(W)
        self.b = nn.Parameter(torch.zeros(1, num_outputs).squeeze(0))

    def forward(self, X):
        return softmax(torch.addmm(self.b, X.flatten(start_dim=1), self.W))
""",
    ],
    "ch03.cross_entropy": [
        "def cross_entropy(y_hat, y):\n    return -torch.log(y_hat[range(len(y_hat)), y])\n",
        """def cross_entropy(y_hat, y):
    picked = y_hat.gather(1, y.reshape(-1, 1)).squeeze(1)
    return -picked.log()
""",
        """def cross_entropy(y_hat, y):
    one_hot = torch.zeros_like(y_hat)
    one_hot[torch.arange(len(y)), y] = 1
    return -(one_hot * torch.log(y_hat)).sum(dim=1)
""",
        """def cross_entropy(y_hat, y):
    $out = [-torch.log(y_hat[$i, label]) for $i, label in enumerate(y)]
    return torch.stack($out)
""",
    ],
    "ch03.accuracy": [
        """def accuracy(y_hat, y):
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat.type(y.dtype) == y).sum())
""",
        """def accuracy(y_hat, y):
    $pred = y_hat.argmax(axis=1) if len(y_hat.shape) > 1 and y_hat.shape[1] > 1 else y_hat
    same = $pred.to(y.dtype) == y
    return same.sum().item() * 1.0
""",
        """def accuracy(y_hat, y):
    $pred = y_hat
    if y_hat.ndim == 2 and y_hat.shape[1] > 1:
        $pred = torch.max(y_hat, dim=1).indices
    $acc = 0
    for guess, truth in zip($pred.tolist(), y.tolist()):
        if int(guess) == int(truth):
            $acc += 1
    return float($acc)
""",
    ],
    "ch03.evaluate_accuracy": [
        """def evaluate_accuracy(net, data_iter):
    if isinstance(net, nn.Module):
        net.eval()
    $acc, $n = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            $acc += accuracy(net(X), y)
            $n += y.numel()
    return $acc / $n
""",
        """def evaluate_accuracy(net, data_iter):
    $acc = $n = 0
    for X, y in data_iter:
        with torch.no_grad():
            $pred = net(X).argmax(dim=1)
        $acc += ($pred == y).sum().item()
        $n += len(y)
    return $acc / $n
""",
        """def evaluate_accuracy(net, data_iter):
    counts = []
    with torch.no_grad():
        for features, labels in data_iter:
            counts.append((accuracy(net(features), labels), labels.shape[0]))
    return sum(c for c, _ in counts) / sum(t for _, t in counts)
""",
    ],
    "ch03.train_epoch_ch3": [
        """def train_epoch_ch3(net, train_iter, loss, updater):
    if isinstance(net, nn.Module):
        net.train()
    $loss_sum, $acc, $n = 0.0, 0.0, 0
    for X, y in train_iter:
        y_hat = net(X)
        $l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            $l.mean().backward()
            updater.step()
        else:
            $l.sum().backward()
            updater(X.shape[0])
        $loss_sum += float($l.sum())
        $acc += accuracy(y_hat, y)
        $n += y.numel()
    return $loss_sum / $n, $acc / $n
""",
        """def train_epoch_ch3(net, train_iter, loss, updater):
    use_torch = isinstance(updater, torch.optim.Optimizer)
    stats = torch.zeros(3)
    for X, y in train_iter:
        y_hat = net(X)
        $l = loss(y_hat, y)
        if use_torch:
            updater.zero_grad()
        ($l.mean() if use_torch else $l.sum()).backward()
        updater.step() if use_torch else updater(len(y))
        stats += torch.tensor([$l.sum().item(), accuracy(y_hat, y), len(y)])
    return (stats[0] / stats[2]).item(), (stats[1] / stats[2]).item()
""",
        """def train_epoch_ch3(net, train_iter, loss, updater):
    $loss_sum = $acc = $n = 0
    for features, labels in train_iter:
        scores = net(features)
        per_example = loss(scores, labels)
        if hasattr(updater, "step"):
            updater.zero_grad()
            per_example.mean().backward()
            updater.step()
        else:
            per_example.sum().backward()
            updater(features.shape[0])
        $loss_sum += per_example.detach().sum().item()
        $acc += (scores.argmax(dim=1) == labels).sum().item()
        $n += labels.shape[0]
    return $loss_sum / $n, $acc / $n
""",
    ],
}

MISTAKES: dict[str, tuple[str, str, int, str]] = {
    # name: (exercise, code, number of students, words of the hint that fires)
    "softmax without the max shift": (
        "ch03.softmax",
        "def softmax(X):\n    $e = torch.exp(X)\n    return $e / $e.sum(dim=1, keepdim=True)\n",
        12,
        "exp overflows",
    ),
    "cross-entropy averaged": (
        "ch03.cross_entropy",
        "def cross_entropy(y_hat, y):\n    return -torch.log(y_hat[range(len(y_hat)), y]).mean()\n",
        9,
        "one loss per example",
    ),
    "accuracy as a fraction": (
        "ch03.accuracy",
        """def accuracy(y_hat, y):
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat.type(y.dtype) == y).float().mean())
""",
        8,
        "not the fraction",
    ),
}
