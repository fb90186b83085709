# %% [markdown]
# # 2.2 Data preprocessing — 数据预处理
#
# Raw tables have missing values and text columns. With pandas, fill the missing numbers, turn
# each text column into 0/1 indicator columns, and convert the all-numeric table to a tensor.

# %%
import io

import pandas as pd
import torch

from autograder import check

# %% [markdown]
# The book's `house_tiny.csv` (read here from memory instead of `../data/house_tiny.csv`):

# %%
house_tiny = """NumRooms,Alley,Price
NA,Pave,127500
2,NA,106000
4,NA,178100
NA,NA,140000
"""
data = pd.read_csv(io.StringIO(house_tiny))
print(data)

# %% [markdown]
# ## Handling missing values
#
# Split off the target (the last column), replace each missing number by its column's mean, and
# one-hot encode the text column: `pd.get_dummies(..., dummy_na=True)` makes one column per value
# and one, `Alley_nan`, for the missing ones.

# %%
inputs, outputs = data.iloc[:, 0:2], data.iloc[:, 2]
inputs = inputs.fillna(inputs.mean(numeric_only=True))
inputs = pd.get_dummies(inputs, dummy_na=True)
print(inputs)

# %% [markdown]
# ## Conversion to the tensor format
#
# Once every column is numeric (numbers or bool indicators), the table is a matrix: convert it
# to a float64 tensor of shape (number of rows, number of columns).


# %% tags=["solution"]
def to_tensor(df: pd.DataFrame) -> torch.Tensor:
    """An all-numeric table -> float64 tensor of shape (len(df), len(df.columns))."""
    ### BEGIN SOLUTION
    return torch.tensor(df.to_numpy(dtype=float))
    ### END SOLUTION


# %%
check("ch02.to_tensor", to_tensor)

# %% [markdown]
# ## The whole pipeline
#
# Put the steps together. The inputs are every column but the last and the target is the last:
# fill each numeric input column's missing values with that column's mean, one-hot encode the text
# columns with `dummy_na=True`, and return `X` of shape (n, number of encoded columns) and `y` of
# shape (n,), both float64.


# %% tags=["solution"]
def preprocess(data: pd.DataFrame) -> tuple[torch.Tensor, torch.Tensor]:
    """data: n rows, the target last -> X: (n, d) float64, y: (n,) float64."""
    ### BEGIN SOLUTION
    inputs, outputs = data.iloc[:, :-1], data.iloc[:, -1]
    inputs = inputs.fillna(inputs.mean(numeric_only=True))
    inputs = pd.get_dummies(inputs, dummy_na=True)
    return torch.tensor(inputs.to_numpy(dtype=float)), torch.tensor(outputs.to_numpy(dtype=float))
    ### END SOLUTION


# %%
check("ch02.preprocess", preprocess)

# %%
X, y = preprocess(data)
print(X, y, sep="\n")

# %% [markdown]
# ## The section's exercise: drop the column with the most missing values
#
# Find the column with the most missing values (`NA` in the file); on a tie, the first of them.


# %% tags=["solution"]
def most_missing_column(df: pd.DataFrame) -> str:
    """The name of the column of `df` with the most missing values (the first one on a tie)."""
    ### BEGIN SOLUTION
    return df.isna().sum().idxmax()
    ### END SOLUTION


# %%
check("ch02.most_missing_column", most_missing_column)

# %%
bigger = pd.read_csv(io.StringIO("""NumRooms,Alley,Area,Roof,Price
NA,Pave,120.5,Tile,127500
2,NA,NA,Slate,106000
4,NA,98.0,NA,178100
NA,NA,150.25,Tile,140000
3,Grvl,NA,Tile,155000
5,Pave,210.0,Slate,260000
"""))
print(bigger.isna().sum().to_dict(), "-> drop", most_missing_column(bigger))
X, y = preprocess(bigger.drop(columns=most_missing_column(bigger)))
print(X.shape, X.dtype, y.shape)

# %% [markdown] tags=["written"]
# A numeric column has missing values. Compare filling them with the column's mean and dropping
# the rows that have them: when is each a poor choice, and where must the mean come from?

# %% [markdown] tags=["answer"]
# Dropping rows loses data and biases the sample if values are missing for a reason. Mean filling
# keeps the rows but shrinks the variance and hides that a value was missing (an extra indicator
# column keeps that signal). The mean must come from the training data only, or test data leaks
# into training.

# %% [markdown] tags=["written"]
# Why can it make sense to give a categorical column's missing value its own one-hot column? What
# goes wrong if a column with 10,000 distinct values is one-hot encoded?

# %% [markdown] tags=["answer"]
# That a value is missing can itself carry information, and its own column lets the model use it.
# 10,000 columns make a huge, sparse input and a model with many weights that each see few
# examples: memory grows and the model overfits rare categories; grouping rare values, hashing or
# a learned embedding are the usual fixes.
