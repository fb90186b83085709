# %% [markdown]
# # 3.5 The image classification dataset — 图像分类数据集
#
# Fashion-MNIST: 60,000 training and 10,000 test images of clothing, 28x28 greyscale, in 10
# classes. `d2lkit` keeps the whole dataset in memory as uint8 tensors and makes each minibatch by
# indexing, so an epoch of reading takes a fraction of a second.

# %%
import time

import torch

from autograder import check
from d2lkit import load_data_fashion_mnist, show_images
from d2lkit.data import fashion_mnist_tensors

# %%
train_images, train_labels = fashion_mnist_tensors(train=True)
test_images, test_labels = fashion_mnist_tensors(train=False)
print(len(train_images), len(test_images), train_images.shape[1:], train_images.dtype)

# %% [markdown]
# ## Label names
#
# The labels are the integers 0–9. Map each to its class name, in this order: t-shirt, trouser,
# pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot. Accept a tensor or a list.


# %% tags=["solution"]
def get_fashion_mnist_labels(labels) -> list[str]:
    """labels: (n,) integers in [0, 10) -> n class names."""
    ### BEGIN SOLUTION
    text_labels = ["t-shirt", "trouser", "pullover", "dress", "coat",
                   "sandal", "shirt", "sneaker", "bag", "ankle boot"]
    return [text_labels[int(i)] for i in labels]
    ### END SOLUTION


# %%
check("ch03.get_fashion_mnist_labels", get_fashion_mnist_labels)

# %% tags=["demo"]
show_images(train_images[:18].float() / 255, 2, 9, titles=get_fashion_mnist_labels(train_labels[:18]))

# %% [markdown]
# ## Minibatches
#
# `load_data_fashion_mnist(batch_size, resize=None)` returns the training and test iterators. Time
# one pass over the training set (the book's DataLoader takes several seconds).

# %% tags=["demo"]
train_iter, test_iter = load_data_fashion_mnist(256)
start = time.perf_counter()
for X, y in train_iter:
    continue
print(f"{time.perf_counter() - start:.2f} sec for {train_iter.num_examples} examples")
X, y = next(iter(load_data_fashion_mnist(32, resize=64)[0]))
print(X.shape, X.dtype, y.shape, y.dtype)
assert X.shape == torch.Size([32, 1, 64, 64])

# %% [markdown] tags=["written"]
# Reading the data with more worker processes speeds an epoch up only to a point. What limits it?
# Why does the batch size also change how fast data can be read?

# %% [markdown] tags=["answer"]
# The CPU cores, memory and disk bandwidth, the cost of passing batches between processes, and the
# point where the model's own computation is the bottleneck. Each batch has a fixed overhead, so
# larger batches spread it over more images.

# %% [markdown] tags=["written"]
# Which Fashion-MNIST classes do you expect a linear classifier to confuse most, and why? Why does
# the dataset come with a separate test set?

# %% [markdown] tags=["answer"]
# Shirt, T-shirt/top, pullover and coat (and sandal, sneaker, ankle boot) have similar shapes and
# pixel layouts. The test set is never used to train or choose the model, so it estimates how well
# the model does on images it has not seen.
