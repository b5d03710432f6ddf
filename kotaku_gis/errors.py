"""The one exception the library raises for bad input."""

from __future__ import annotations

__all__ = ["InputError", "is_dask", "reject_dask"]


class InputError(ValueError):
    """Input that kotaku_gis cannot work with.

    The message names the file, row or column at fault and says what to do about it.
    It is a :class:`ValueError`, so ``except ValueError`` also catches it.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> try:
    ...     kg.get_ruleset("no-such-rule")
    ... except kg.InputError as err:
    ...     print("unknown" in str(err))
    True
    """


def is_dask(frame: object) -> bool:
    """True for a dask(-geopandas) collection, without importing dask."""
    return type(frame).__module__.split(".")[0] in ("dask", "dask_geopandas")


def reject_dask(frame: object, *, function: str) -> None:
    """Raise :class:`InputError` for a dask frame given to a function that needs one in memory.

    Only :func:`kotaku_gis.coverage` and :func:`kotaku_gis.remaining_area` run on dask
    partitions; everything else takes their (computed) results.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.errors import reject_dask
    >>> reject_dask(pd.DataFrame(), function="kg.summarize")  # a pandas frame passes
    """
    if is_dask(frame):
        raise InputError(
            f"{function} needs a frame in memory, not a dask {type(frame).__name__}; call "
            ".compute() first (only kg.coverage and kg.remaining_area run on dask partitions)."
        )
