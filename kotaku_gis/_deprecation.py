"""Old keyword names kept working for one release, with a ``DeprecationWarning``."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import InputError

__all__ = ["renamed_keywords", "warn_renamed"]

F = TypeVar("F", bound=Callable[..., Any])


def warn_renamed(function: str, old: str, new: str, *, stacklevel: int = 3, hint: str = "") -> None:
    """Warn that ``function(old=...)`` is now ``function(new=...)`` (``hint`` follows).

    Examples
    --------
    >>> import warnings
    >>> from kotaku_gis._deprecation import warn_renamed
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_renamed("kg.summarize", "before", "baseline")
    >>> str(caught[0].message)
    'kg.summarize(before=...) is deprecated; pass baseline=... instead.'
    """
    warnings.warn(
        f"{function}({old}=...) is deprecated; pass {new}=...{hint} instead.",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def renamed_keywords(function: str, **renames: str) -> Callable[[F], F]:
    """Accept the old keyword names of a function (``old="new"``) with a warning.

    Passing both the old and the new name raises :class:`~kotaku_gis.InputError`.

    Examples
    --------
    >>> import warnings
    >>> from kotaku_gis._deprecation import renamed_keywords
    >>> @renamed_keywords("area", before="baseline")
    ... def area(*, baseline=None):
    ...     return baseline
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     area(before=2)
    2
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise InputError(
                        f"{function} got both {old}= (its old name) and {new}=; pass {new}= only."
                    )
                warn_renamed(function, old, new)
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
