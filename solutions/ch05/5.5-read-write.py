# %% [markdown]
# # 5.5 File I/O — 读写文件
#
# `torch.save(obj, path)` writes tensors, and lists and dicts of them, to a file; `torch.load`
# reads them back. A model is saved as its parameters (the `state_dict`), not as an object: the
# code that defines the architecture rebuilds the model, and `load_state_dict` fills it.

# %%
import tempfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## Tensors, lists and dicts
#
# Write `save_load_roundtrip(obj, path)`: save `obj` to the file `path`, load it back and return
# what was loaded. Load with `torch.load(path, weights_only=True)`: it unpickles only tensors and
# plain containers, so that opening a file never runs arbitrary code (a file from elsewhere could
# hold any pickled object). The check reads the file back too.


# %% tags=["solution"]
def save_load_roundtrip(obj: Any, path: str | Path) -> Any:
    """Save obj (a tensor, a list or dict of tensors, a state_dict) to path; return it loaded."""
    ### BEGIN SOLUTION
    torch.save(obj, path)
    return torch.load(path, weights_only=True)
    ### END SOLUTION


# %%
check("ch05.save_load_roundtrip", save_load_roundtrip)

# %%
# a temporary folder for the files of this notebook, removed in the last cell
scratch = tempfile.TemporaryDirectory()
folder = Path(scratch.name)
x = torch.arange(4)
print(save_load_roundtrip(x, folder / "x-file"))
y = torch.zeros(4)
print(save_load_roundtrip([x, y], folder / "x-files"))
mydict = {"x": x, "y": y}
print(save_load_roundtrip(mydict, folder / "mydict"))


# %% [markdown]
# ## Model parameters
#
# Write `save_params(net, path)`: save the parameters of `net` (its `state_dict()`) to `path`.
# Not the whole model (`torch.save(net, ...)`): that pickles the class, which
# `weights_only=True` refuses to load, and which breaks as soon as the code changes. Not a list
# of parameters either: without their names, `load_state_dict` cannot put them back.


# %% tags=["solution"]
def save_params(net: nn.Module, path: str | Path) -> None:
    """Write net.state_dict() (parameter and buffer names -> tensors) to path."""
    ### BEGIN SOLUTION
    torch.save(net.state_dict(), path)
    ### END SOLUTION


# %%
check("ch05.save_params", save_params)


# %% [markdown]
# The round trip for a model: save an MLP of the book's shape (20 inputs, 256 hidden ReLUs, 10
# outputs; built from torch's layers, so that your 5.1 `MLP` stays yours to write), build a fresh
# copy of the architecture, load the parameters into it, and compare the outputs.


# %%
def mlp() -> nn.Sequential:
    """X: (batch_size, 20) -> (batch_size, 10)."""
    return nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))


torch.manual_seed(0)
net = mlp()
X = torch.randn(size=(2, 20))
Y = net(X)
save_params(net, folder / "mlp.params")

clone = mlp()
clone.load_state_dict(torch.load(folder / "mlp.params", weights_only=True))
clone.eval()
Y_clone = clone(X)
print(Y_clone == Y)

# %%
scratch.cleanup()

# %% [markdown] tags=["written"]
# Compare saving `net.state_dict()` with saving the whole model object. What does each store, and
# why is the state dict the safer way to share a model?

# %% [markdown] tags=["answer"]
# The state dict is a dictionary of named tensors: the code that builds the architecture is needed
# to load it. The whole object is pickled with a reference to its class, so loading breaks when
# that code moves or changes, and unpickling a file can run arbitrary code.

# %% [markdown] tags=["written"]
# You want to reuse only the first two layers of a trained network in a new model. How can you do
# it with a saved state dict, and what must match?

# %% [markdown] tags=["answer"]
# Load the state dict, keep only the entries of those layers (renaming the keys if needed), and
# load them into the new model (with `strict=False`, or into the sub-block directly). The
# parameter names and shapes must match.
