"""How the overlay engine splits its work and how many threads run it."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import InputError

__all__ = ["EngineSettings", "cores"]


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class EngineSettings:
    """How the overlay engine splits and runs its work (the answers never depend on it).

    :func:`kotaku_gis.coverage`, :func:`kotaku_gis.remaining_area` and
    :func:`kotaku_gis.allocate` take it as ``settings=``. Units are taken frame by frame
    (:func:`kotaku_gis.crs.local_frames`), in Hilbert order, in chunks of ``chunk_units``:
    each chunk is a compact patch, overlaid with the works that can reach it, on a pool of
    threads (shapely and PROJ release the GIL). Every unit is measured in the frame of its
    own cell with the same service areas in the same order whatever its chunk, so the
    hectares and reductions are the same, to the last bit, for any settings.

    Parameters
    ----------
    chunk_units : int, default 1024
        Units overlaid together. Smaller chunks hold less in memory at once; larger ones
        buffer a work that reaches several chunks fewer times.
    workers : int, optional
        Threads running chunks at once; ``None`` uses every core this process may run on.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> kg.EngineSettings(chunk_units=256, workers=1)
    EngineSettings(chunk_units=256, workers=1)
    >>> kg.EngineSettings(chunk_units=0)
    Traceback (most recent call last):
    ...
    kotaku_gis.errors.InputError: chunk_units must be a whole number of at least 1, not 0.
    """

    chunk_units: int = 1024
    workers: int | None = None

    def __post_init__(self) -> None:
        for name in ("chunk_units", "workers"):
            value = getattr(self, name)
            if value is None and name == "workers":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"{name} must be a whole number of at least 1, not {value!r}.")

    def threads(self, tasks: int) -> int:
        """Threads to run ``tasks`` chunks on: at most one per chunk, at least one."""
        return max(1, min(self.workers or cores(), tasks))
