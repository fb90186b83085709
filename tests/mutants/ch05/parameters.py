"""5.2 parameter management: wrong implementations, each rejected by its check."""

from torch import nn


def shapes_from_state_dict(net):
    return {name: tuple(value.shape) for name, value in net.state_dict().items()}


def shapes_one_level(net):
    return {
        f"{child}.{name}": tuple(param.shape)
        for child, module in net.named_children()
        for name, param in module.named_parameters(recurse=False)
    }


def shapes_as_torch_size(net):
    return {name: param.shape for name, param in net.named_parameters()}


def init_normal_unit_std(m):
    if type(m) is nn.Linear:
        nn.init.normal_(m.weight)
        nn.init.zeros_(m.bias)


def init_normal_keeps_bias(m):
    if type(m) is nn.Linear:
        nn.init.normal_(m.weight, mean=0, std=0.01)


def init_normal_every_weight(m):
    if hasattr(m, "weight"):
        nn.init.normal_(m.weight, mean=0, std=0.01)
        nn.init.zeros_(m.bias)


def init_constant_42(m):
    if type(m) is nn.Linear:
        nn.init.constant_(m.weight, 42)
        nn.init.zeros_(m.bias)


def my_init_no_zeroing(m):
    if type(m) is nn.Linear:
        nn.init.uniform_(m.weight, -10, 10)


def my_init_zeroes_large(m):
    if type(m) is nn.Linear:
        nn.init.uniform_(m.weight, -10, 10)
        m.weight.data *= m.weight.data.abs() < 5


def my_init_zeroes_bias(m):
    if type(m) is nn.Linear:
        nn.init.uniform_(m.weight, -10, 10)
        m.weight.data *= m.weight.data.abs() >= 5
        nn.init.zeros_(m.bias)


def shared_layer_net_untied():
    return nn.Sequential(
        nn.Linear(4, 8),
        nn.ReLU(),
        nn.Linear(8, 8),
        nn.ReLU(),
        nn.Linear(8, 8),
        nn.ReLU(),
        nn.Linear(8, 1),
    )


def shared_layer_net_used_once():
    shared = nn.Linear(8, 8)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1))


MUTANTS = {
    "ch05.named_parameter_shapes": [
        ("from state_dict (buffers too)", shapes_from_state_dict, "buffers"),
        ("one level of children", shapes_one_level, "recurses"),
        ("torch.Size values", shapes_as_torch_size, "torch.Size"),
    ],
    "ch05.init_normal": [
        ("std 1", init_normal_unit_std, "std 0.01"),
        ("biases untouched", init_normal_keeps_bias, "biases should be set to 0"),
        ("every layer with a weight", init_normal_every_weight, "only nn.Linear"),
    ],
    "ch05.init_constant": [
        ("42 instead of 1", init_constant_42, "after['weight'][0, 0]: expected")
    ],
    "ch05.my_init": [
        ("no zeroing", my_init_no_zeroing, "half the weights"),
        ("zeroes the large weights", my_init_zeroes_large, "[5, 10]"),
        ("zeroes the biases", my_init_zeroes_bias, "leaves the biases"),
    ],
    "ch05.shared_layer_net": [
        ("two separate layers", shared_layer_net_untied, "separate layers"),
        ("the shared layer used once", shared_layer_net_used_once, "named"),
    ],
}
