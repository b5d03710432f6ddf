"""The one exception the library raises for bad input."""

from __future__ import annotations

__all__ = ["InputError"]


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
