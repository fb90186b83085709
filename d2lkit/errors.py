"""Errors a user can cause: the CLIs print these on one line, without a traceback."""


class D2lkitError(Exception):
    """Base class of every error caused by bad input (a missing dataset, an unknown model, …)."""
