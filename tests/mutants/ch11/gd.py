"""11.3 gradient descent: wrong implementations, each rejected by its check."""


def gd_no_start(eta, f_grad):
    x, results = 10.0, []
    for _ in range(10):
        x -= eta * f_grad(x)
        results.append(float(x))
    return results


def gd_ascent(eta, f_grad):
    x, results = 10.0, [10.0]
    for _ in range(10):
        x += eta * f_grad(x)
        results.append(float(x))
    return results


def train_2d_forgets_states(trainer, steps=20, f_grad=None):
    x1, x2 = -5.0, -2.0
    results = [(x1, x2)]
    for _ in range(steps):
        args = (x1, x2, 0.0, 0.0) if f_grad is None else (x1, x2, 0.0, 0.0, f_grad)
        x1, x2, _, _ = trainer(*args)
        results.append((float(x1), float(x2)))
    return results


def newton_without_hessian(eta, f_grad, f_hess, x=10.0, steps=10):
    results = [float(x)]
    for _ in range(steps):
        x = x - eta * f_grad(x)
        results.append(float(x))
    return results


MUTANTS = {
    "ch11.gd": [
        ("the start left out", gd_no_start, "the start x = 10 first"),
        ("gradient ascent", gd_ascent, "step against the gradient"),
    ],
    "ch11.train_2d": [("states reset each step", train_2d_forgets_states, "output[2]")],
    "ch11.newton": [("a gradient step", newton_without_hessian, "inverse Hessian")],
}
