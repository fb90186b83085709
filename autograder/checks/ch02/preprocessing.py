"""2.2 data preprocessing: a table to tensors, missing values and one-hot columns."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch02._common import _tensor
from autograder.spec import Case, Exercise, Fixture
from d2lkit import preliminaries

NB_PANDAS = "2.2-pandas"

HOUSE_TINY = """NumRooms,Alley,Price
NA,Pave,127500
2,NA,106000
4,NA,178100
NA,NA,140000
"""

HOUSE_BIGGER = """NumRooms,Alley,Area,Roof,Price
NA,Pave,120.5,Tile,127500
2,NA,NA,Slate,106000
4,NA,98.0,NA,178100
NA,NA,150.25,Tile,140000
3,Grvl,NA,Tile,155000
5,Pave,210.0,Slate,260000
"""

HOUSE_NO_TEXT_MISSING = """Zone,Year,Lot,Garage,Price
RL,1999,8450,Attchd,208500
RM,2004,NA,Detchd,181500
RL,1976,11250,NA,223500
FV,2001,9550,Detchd,140000
RL,1915,NA,Attchd,250000
"""

TIED_MISSING = """A,B,C,D
1,NA,x,NA
2,3,NA,4
NA,NA,y,NA
4,5,z,6
"""

NO_MISSING = """Width,Height,Colour
1.5,2,red
2.5,3,blue
"""

NUMBERS_MOST_MISSING = """Name,Score,Bonus,Age
ann,NA,NA,31
bob,7.5,NA,NA
cy,NA,1,40
NA,8,NA,22
"""


def _table(name: str, csv: str, visible: bool = True) -> Case:
    return Case(name, fixture=Fixture("ch02.table", {"csv": csv}), visible=visible)


def preprocess(data: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """The 2.2 pipeline from the references: inputs are every column but the last, the target it."""
    inputs = preliminaries.one_hot(preliminaries.fill_numeric_with_mean(data.iloc[:, :-1]))
    return preliminaries.to_tensor(inputs), preliminaries.to_tensor(data.iloc[:, -1:]).reshape(-1)


def most_missing_column(df: Any) -> str:
    """The name of the column `preliminaries.drop_most_missing` drops."""
    kept = set(preliminaries.drop_most_missing(df).columns)
    return next(str(c) for c in df.columns if c not in kept)


def _to_tensor_cases() -> list[Case]:
    return [
        _table(
            "the book's inputs: a float column and two bool indicators",
            "NumRooms,Alley_Pave,Alley_nan\n3.0,True,False\n2.0,False,True\n4.0,False,True\n"
            "3.0,False,True\n",
        ),
        _table("integers only", "a,b,c\n1,2,3\n4,5,6\n"),
        _table("one float column with a NaN", "x\n0.5\nNA\n-2.25\n", visible=False),
        _table(
            "mixed ints, floats and bools",
            "n,w,flag\n1,0.1,True\n2,0.2,False\n3,0.3,True\n4,0.4,True\n5,0.5,False\n",
            visible=False,
        ),
    ]


def _to_tensor_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if _tensor(got) and got.dtype != torch.float64:
        return "convert with df.to_numpy(dtype=float): a float64 tensor, like the book's"
    return None


def _preprocess_cases() -> list[Case]:
    return [
        _table("the book's house_tiny.csv", HOUSE_TINY),
        _table("six houses, two numeric and two text columns", HOUSE_BIGGER),
        _table("text without missing values, integer columns", HOUSE_NO_TEXT_MISSING, False),
    ]


def _preprocess_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if not (isinstance(got, (list, tuple)) and len(got) == 2 and all(map(_tensor, got))):
        return "return the pair (X, y) of tensors"
    X, want = got[0], expected["output"][0]
    if X.dim() == 2 and X.shape[1] < want.shape[1]:
        return (
            "one-hot with dummy_na=True: each text column gets one column per value plus a "
            "`<name>_nan` indicator, even when nothing is missing"
        )
    if X.is_floating_point() and bool(X.isnan().any()):
        return "missing numbers remain: fill each numeric column with its mean"
    return None


def _most_missing_cases() -> list[Case]:
    return [
        _table("the book's house_tiny.csv", HOUSE_TINY),
        _table("a tie: B and D both miss 2 values", TIED_MISSING),
        _table("nothing missing (a tie at 0)", NO_MISSING, visible=False),
        _table("numeric columns miss the most", NUMBERS_MOST_MISSING, visible=False),
    ]


EXERCISES = [
    Exercise(
        id="ch02.to_tensor",
        origin="kit",
        target="to_tensor",
        points=1,
        reference=preliminaries.to_tensor,
        cases=_to_tensor_cases,
        notebook=NB_PANDAS,
        hint=_to_tensor_hint,
    ),
    Exercise(
        id="ch02.preprocess",
        origin="kit",
        target="preprocess",
        points=2,
        reference=preprocess,
        cases=_preprocess_cases,
        notebook=NB_PANDAS,
        forbidden=(
            "d2lkit.preliminaries.fill_numeric_with_mean",
            "d2lkit.preliminaries.one_hot",
            "d2lkit.preliminaries.to_tensor",
        ),
        hint=_preprocess_hint,
        description="fill numbers with the column mean, one-hot text with a NaN indicator, tensors",
    ),
    Exercise(
        id="ch02.most_missing_column",
        origin="kit",
        target="most_missing_column",
        points=1,
        reference=most_missing_column,
        cases=_most_missing_cases,
        notebook=NB_PANDAS,
        forbidden=("d2lkit.preliminaries.drop_most_missing",),
    ),
]
