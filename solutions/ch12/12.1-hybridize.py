# %% [markdown]
# # 12.1 Compilers and interpreters — 编译器和解释器
#
# Python runs a model one operation at a time (imperative programming): easy to write and to
# debug, but every operation pays the interpreter's overhead and nothing sees the whole
# computation. A compiler that sees the whole program (symbolic programming) can fuse operations,
# drop the interpreter and save the program for a runtime without Python. PyTorch offers both:
# `torch.jit.script` turns a module into TorchScript, and `torch.compile` traces it into graphs
# that it compiles with fused kernels. (Recent PyTorch releases warn that `torch.jit.script` is
# deprecated in favour of `torch.compile` and `torch.export`; it still works, and shows the idea.)
#
# This notebook is not graded. Its timings are measured on this machine, a CPU without a GPU
# when it was written (see `docs/results.md` for the figures); the cells that time are tagged
# `demo`. The book (a V100): 1000 forward passes of a (1, 512) input take 0.1361 s without
# TorchScript and 0.1204 s with it.

# %%
import os
import tempfile

import torch

from d2lkit.performance import Benchmark, get_net

# %% [markdown]
# ## Imperative and symbolic
#
# The same little program, first run line by line, then written out as source text that is
# compiled once and executed as a whole (Python's own `compile` and `exec` stand for the
# compiler here).


# %%
def add(a, b):
    return a + b


def fancy(a, b, c, d):
    return add(add(a, b), add(c, d))


print("imperative:", fancy(1, 2, 3, 4))

program = "\n".join(
    [
        "def add(a, b): return a + b",
        "def fancy(a, b, c, d): return add(add(a, b), add(c, d))",
        "result = fancy(1, 2, 3, 4)",
    ]
)
namespace = {}
exec(compile(program, "<symbolic>", "exec"), namespace)
print("symbolic:", namespace["result"])

# %% [markdown]
# ## The book's MLP, eager and scripted
#
# `get_net()` is the section's MLP (512 → 256 → 128 → 2). `Benchmark(description)` is a context
# manager that prints how long its block took. One input row is too little work to share
# between threads (handing it out costs more than it saves), so the timings use one thread.

# %%
torch.set_num_threads(1)
torch.manual_seed(0)
net = get_net().eval()
x = torch.randn(1, 512)
scripted = torch.jit.script(net)
torch.testing.assert_close(scripted(x), net(x))


# %% tags=["demo"]
def forward_passes(model, repeats: int = 1000) -> None:
    with torch.no_grad():
        for _ in range(repeats):
            model(x)


forward_passes(scripted, 10)  # the first calls of a scripted module optimise it
with Benchmark("eager"):
    forward_passes(net)
with Benchmark("torch.jit.script"):
    forward_passes(scripted)

# %% [markdown]
# ## Serialisation
#
# A scripted module saves its code with its parameters: the file runs without this notebook's
# Python classes, from C++ too. The book's `my_mlp` file is 651K.

# %%
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "my_mlp")
    scripted.save(path)
    print(f"my_mlp: {os.path.getsize(path) / 1024:.0f}K")
    loaded = torch.jit.load(path)
    torch.testing.assert_close(loaded(x), net(x))

# %% [markdown]
# ## torch.compile
#
# `torch.compile` is the compiler PyTorch develops now. It compiles on the first call (tens of
# seconds on a small CPU), then runs the compiled graph. For a net this small, launched one
# example at a time, the gain is Python's overhead at best; it shows on bigger nets and batches.
# Not part of any grade: this cell is a demo.

# %% tags=["demo"]
compiled = torch.compile(net)
with Benchmark("torch.compile, first call (compiling)"):
    forward_passes(compiled, 1)
with Benchmark("torch.compile"):
    forward_passes(compiled)

# %% [markdown] tags=["written"]
# What can a framework do with a compiled graph of the whole computation that an interpreter
# running one operation at a time cannot?

# %% [markdown] tags=["answer"]
# Optimise across operations: fuse them, drop unused work, plan memory, and run without the Python
# interpreter (for speed, or to deploy where there is no Python).

# %% [markdown] tags=["written"]
# Which Python code is hard to turn into a graph (by tracing or scripting), and why?

# %% [markdown] tags=["answer"]
# Control flow that depends on the data (tracing records only the path taken), side effects such
# as printing or changing Python objects, and arbitrary Python types.
