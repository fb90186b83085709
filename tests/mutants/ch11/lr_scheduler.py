"""11.11 learning-rate schedulers: wrong classes, each rejected by its check through the
notebook's wrapper (the rates of updates 0, 1, ...)."""

import math


def _trace(scheduler, num_updates):
    return [float(scheduler(t)) for t in range(num_updates)]


class SquareRootFromOne:
    def __init__(self, lr=0.1):
        self.lr = lr

    def __call__(self, num_update):
        return self.lr * max(num_update, 1) ** -0.5


class FactorWithoutFloor:
    def __init__(self, factor=1, stop_factor_lr=1e-7, base_lr=0.1):
        self.factor, self.base_lr = factor, base_lr

    def __call__(self, num_update):
        self.base_lr *= self.factor
        return self.base_lr


class CosineWithoutWarmup:
    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0):
        self.max_update, self.base_lr, self.final_lr = max_update, base_lr, final_lr

    def __call__(self, epoch):
        if epoch > self.max_update:
            return self.final_lr
        cos = 1 + math.cos(math.pi * epoch / self.max_update)
        return self.final_lr + (self.base_lr - self.final_lr) * cos / 2


def square_root_from_one(lr, num_updates):
    return _trace(SquareRootFromOne(lr), num_updates)


def factor_without_floor(factor, stop_factor_lr, base_lr, num_updates):
    return _trace(FactorWithoutFloor(factor, stop_factor_lr, base_lr), num_updates)


def cosine_without_warmup(max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr, n):
    scheduler = CosineWithoutWarmup(max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr)
    return _trace(scheduler, n)


MUTANTS = {
    "ch11.SquareRootScheduler": [("counts from 1", square_root_from_one, "(num_update + 1)")],
    "ch11.FactorScheduler": [("no floor", factor_without_floor, "never go below stop_factor_lr")],
    "ch11.CosineScheduler": [("no warm-up", cosine_without_warmup, "warm up first")],
}
