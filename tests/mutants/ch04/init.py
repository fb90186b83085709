"""4.8 Xavier initialisation: wrong implementations, each rejected by its check."""

import math

import torch


def _fans(tensor, receptive=True):
    rf = math.prod(tensor.shape[2:]) if receptive else 1
    return tensor.shape[1] * rf, tensor.shape[0] * rf


def xavier_uniform_half_variance(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor)
    a = gain * math.sqrt(3.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-a, a)


def xavier_uniform_no_receptive_field(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor, receptive=False)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-a, a)


def xavier_uniform_fan_in_only(tensor, gain=1.0):
    fan_in, _ = _fans(tensor)
    a = gain * math.sqrt(6.0 / (2 * fan_in))
    with torch.no_grad():
        return tensor.uniform_(-a, a)


def xavier_uniform_draws_normal(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor)
    with torch.no_grad():
        return tensor.normal_(0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def xavier_uniform_not_in_place(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return (torch.rand(tensor.shape, dtype=tensor.dtype) * 2 - 1) * a


def xavier_uniform_ignores_gain(tensor, gain=1.0):
    return _uniform(tensor, 1.0)


def _uniform(tensor, gain):
    fan_in, fan_out = _fans(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-a, a)


def xavier_normal_draws_uniform(tensor, gain=1.0):
    return _uniform(tensor, gain)


def xavier_normal_variance_as_std(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor)
    with torch.no_grad():
        return tensor.normal_(0, gain * 2.0 / (fan_in + fan_out))


def xavier_normal_no_receptive_field(tensor, gain=1.0):
    fan_in, fan_out = _fans(tensor, receptive=False)
    with torch.no_grad():
        return tensor.normal_(0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


MUTANTS = {
    "ch04.xavier_uniform": [
        ("sqrt(3 / (fan_in + fan_out))", xavier_uniform_half_variance, "half"),
        ("no receptive field", xavier_uniform_no_receptive_field, "receptive field"),
        ("fan_in only", xavier_uniform_fan_in_only, "fan_in + fan_out"),
        ("normal draws", xavier_uniform_draws_normal, "not a normal one"),
        ("not in place", xavier_uniform_not_in_place, "in place"),
        ("ignores gain", xavier_uniform_ignores_gain, "multiply the scale by gain"),
    ],
    "ch04.xavier_normal": [
        ("uniform draws", xavier_normal_draws_uniform, "beyond 2 std"),
        ("the variance as std", xavier_normal_variance_as_std, "variance"),
        ("no receptive field", xavier_normal_no_receptive_field, "receptive field"),
    ],
}
