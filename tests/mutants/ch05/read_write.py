"""5.5 file I/O: wrong implementations, each rejected by its check."""

import torch


def roundtrip_without_saving(obj, path):
    return obj


def roundtrip_wraps_in_list(obj, path):
    torch.save([obj], path)
    return torch.load(path, weights_only=True)


def save_whole_model(net, path):
    torch.save(net, path)


def save_parameter_list(net, path):
    torch.save(list(net.parameters()), path)


MUTANTS = {
    "ch05.save_load_roundtrip": [
        ("never writes the file", roundtrip_without_saving, "no file"),
        ("saves [obj]", roundtrip_wraps_in_list, "output: expected"),
    ],
    "ch05.save_params": [
        ("saves the whole model", save_whole_model, "state_dict"),
        ("saves a list of parameters", save_parameter_list, "the file's content: expected"),
    ],
}
