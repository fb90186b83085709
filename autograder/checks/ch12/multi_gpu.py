"""12.5 training on several devices from scratch: `split_batch`, `allreduce`, `train_batch`.

Devices are CPU "devices", [torch.device('cpu')] * k, so every machine grades them: split_batch's
shards are compared with the reference's (torch.chunk's sizes), allreduce's tensors after the call
(the sum everywhere, in place), and train_batch's replicas after one step with the reference's
(every replica takes the step one net takes on the whole batch, and the gradients are reset).
"""

from __future__ import annotations

import torch

from autograder.spec import Case, Compare, Exercise, Fixture
from autograder.strategies import randint, randn
from d2lkit import multi_device

NB_MULTI_GPU = "12.5-multiple-gpus"
PARAM_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4")


# ---------------------------------------------------------------- split_batch


def _split_case(name: str, n: int, k: int, seed: int, visible: bool = True) -> Case:
    X = randn(n, 3, seed=seed)
    y = randint(10, n, seed=seed + 1)
    params = {"X": X, "y": y, "num_devices": k}
    return Case(name, fixture=Fixture("ch12.batch_on_devices", params), visible=visible)


def _split_cases() -> list[Case]:
    return [
        _split_case("20 rows on 2 devices", 20, 2, 301),
        _split_case("10 rows on 3 devices: 4, 4, 2", 10, 3, 303),
        _split_case("10 rows on 4 devices: 3, 3, 3, 1", 10, 4, 305),
        _split_case("6 rows on 1 device", 6, 1, 307, visible=False),
        _split_case("256 rows on 3 devices", 256, 3, 309, visible=False),
        _split_case("9 rows on 4 devices: 3, 3, 3", 9, 4, 311, visible=False),
    ]


def _sizes(shards) -> list[int]:
    return [s.shape[0] for s in shards if isinstance(s, torch.Tensor)]


def _split_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the pair (X_shards, y_shards)"
    want, got = _sizes(expected["output"][0]), _sizes(out[0])
    if sum(got) == sum(want) and got != want:
        return (
            f"shard sizes {got}; nn.parallel.scatter (torch.chunk) cuts ceil(n / k) rows per "
            f"shard, the last ones smaller: {want}"
        )
    return None


# ---------------------------------------------------------------- allreduce


def _allreduce_cases() -> list[Case]:
    def tensors(k: int, shape: tuple[int, ...], seed: int, dtype=torch.float32) -> list:
        return [randn(*shape, seed=seed + i, dtype=dtype) for i in range(k)]

    return [
        Case("the book's [[1, 1]] and [[2, 2]]", ([torch.ones(1, 2), torch.ones(1, 2) * 2],)),
        Case("3 devices, (4, 3)", (tensors(3, (4, 3), 321),)),
        Case("4 devices, (5,)", (tensors(4, (5,), 325),)),
        Case("1 device: nothing to add", (tensors(1, (2, 2), 329),), visible=False),
        Case("2 devices, float64", (tensors(2, (3, 3), 331, torch.float64),), visible=False),
        Case("5 devices, (2, 3, 4)", (tensors(5, (2, 3, 4), 335),), visible=False),
    ]


def _check_allreduce(case: Case, expected: dict, student: dict) -> str | None:
    if student.get("output") is not None:
        return "allreduce works in place and returns None"
    want, got = expected["args_after"][0], student["args_after"][0]
    for i, (e, g) in enumerate(zip(want, got)):
        if not torch.allclose(g["value"], e["value"], rtol=1e-5, atol=1e-6):
            return (
                f"data[{i}] after allreduce: expected {e['value'].flatten().tolist()[:6]}, "
                f"got {g['value'].flatten().tolist()[:6]}"
            )
    return None


def _allreduce_hint(case: Case, expected: dict, student: dict) -> str | None:
    data = case.args[0]
    total = torch.stack(data).sum(0)
    got = [g["value"] for g in student["args_after"][0]]
    if torch.allclose(got[0], total) and not all(torch.allclose(g, total) for g in got):
        return "copy the sum in data[0] back to every other device (the broadcast)"
    if all(torch.allclose(g, total / len(data)) for g in got):
        return "sum the tensors; do not average them"
    if torch.equal(got[0], data[0]):
        return (
            "write into the tensors in place (data[0][:] += ...): rebinding a name changes nothing"
        )
    return None


# ---------------------------------------------------------------- train_batch


def _lenet_params(seed: int) -> list[torch.Tensor]:
    shapes = [(20, 1, 3, 3), (20,), (50, 20, 5, 5), (50,), (800, 128), (128,), (128, 10), (10,)]
    # larger than the book's 0.01 so that one step moves every parameter visibly
    return [randn(*s, seed=seed + i, scale=0.1) for i, s in enumerate(shapes)]


def _train_case(name: str, n: int, k: int, lr: float, seed: int, visible: bool = True) -> Case:
    params = {
        "params": _lenet_params(seed),
        "X": randn(n, 1, 28, 28, seed=seed + 20),
        "y": randint(10, n, seed=seed + 21),
        "num_devices": k,
        "lr": lr,
    }
    return Case(name, fixture=Fixture("ch12.lenet_replicas", params), visible=visible)


def _train_cases() -> list[Case]:
    return [
        _train_case("8 examples on 2 devices, lr 0.2", 8, 2, 0.2, 341),
        _train_case("12 examples on 3 devices, lr 0.5", 12, 3, 0.5, 351),
        _train_case("6 examples on 1 device, lr 0.2", 6, 1, 0.2, 361, visible=False),
        _train_case("16 examples on 4 devices, lr 1", 16, 4, 1.0, 371, visible=False),
    ]


def _check_train_batch(case: Case, expected: dict, student: dict) -> str | None:
    want, got = expected["args_after"][2], student["args_after"][2]
    for i, (e_replica, g_replica) in enumerate(zip(want, got)):
        for name, e, g in zip(PARAM_NAMES, e_replica, g_replica):
            if not torch.allclose(g["value"], e["value"], rtol=1e-4, atol=1e-6):
                diff = (g["value"] - e["value"]).abs().max().item()
                return f"replica {i}'s {name} after the step differs by up to {diff:.3g}"
            if g["grad"] is not None and bool(g["grad"].abs().sum() > 0):
                return f"replica {i}'s {name}.grad was not reset to zero (d2l.sgd resets it)"
    return None


def _train_batch_hint(case: Case, expected: dict, student: dict) -> str | None:
    params = case.fixture.params
    k, before = params["num_devices"], params["params"]
    want, got = expected["args_after"][2], student["args_after"][2]
    first = [g["value"] for g in got[0]]
    if any(not torch.equal(g["value"], first[j]) for r in got[1:] for j, g in enumerate(r)):
        return "the replicas differ after the step: allreduce each parameter's gradients first"
    step_want = want[0][0]["value"] - before[0]
    step_got = first[0] - before[0]
    if k > 1 and torch.allclose(step_got, k * step_want, rtol=1e-3, atol=1e-7):
        return "sgd divides by the whole minibatch's size X.shape[0], not a shard's"
    if torch.equal(first[0], before[0]):
        return "the parameters did not change: call sgd on every replica"
    return None


EXERCISES = [
    Exercise(
        id="ch12.split_batch",
        target="split_batch",
        points=1,
        reference=multi_device.split_batch,
        cases=_split_cases,
        notebook=NB_MULTI_GPU,
        forbidden=("d2lkit.multi_device",),
        hint=_split_hint,
        description="shards as torch.chunk cuts them, on 1 to 4 CPU devices",
    ),
    Exercise(
        id="ch12.allreduce",
        target="allreduce",
        points=2,
        reference=multi_device.allreduce,
        cases=_allreduce_cases,
        notebook=NB_MULTI_GPU,
        compare=Compare(checker=_check_allreduce),
        forbidden=("d2lkit.multi_device", "all_reduce"),
        hint=_allreduce_hint,
        description="every tensor holds the sum after the call, in place",
    ),
    Exercise(
        id="ch12.train_batch",
        target="train_batch",
        points=3,
        reference=multi_device.train_batch,
        cases=_train_cases,
        notebook=NB_MULTI_GPU,
        compare=Compare(checker=_check_train_batch),
        forbidden=("d2lkit.multi_device.train_batch", "d2lkit.multi_device.allreduce"),
        hint=_train_batch_hint,
        description="every replica takes one net's SGD step on the whole minibatch",
    ),
]
