"""The overlay engine behind coverage, remaining area, allocation and planning (internal).

The engine works chunk by chunk. Units are grouped by cells of a quarter degree, each with a
Lambert azimuthal equal-area frame centred on the cell (:func:`kotaku_gis.crs.local_frames`),
and taken in Hilbert order in chunks (:class:`EngineSettings`), so a chunk covers a compact
patch. For each chunk the works that can reach it are projected into the frame and buffered
there (so a disc is a disc in metres); then

* :mod:`.overlay` takes the service areas touching each unit off the unit one after another
  (overlaps counted once): covered hectares and the unserved part;
* :mod:`.claims` cuts each work's piece of each unit and lets the works claim overlapping
  pieces in time order: the measures the reductions table is made of.

Areas are measured in the unit's own frame, so every unit gets the same hectares whatever
its chunk, thread or dask partition. Chunks run on a pool of threads: shapely and PROJ release
the GIL. :mod:`.selection` checks the units and picks the works that count.

The modules of this package are the engine's whole interface to the public modules; their
names carry no leading underscore because the package itself is private.
"""

from .claims import (
    KIND_BY_VOLUME,
    KIND_HAS_METRES,
    KIND_HAS_SERVICE,
    NEGLIGIBLE_M2,
    Counts,
    Criteria,
    Measured,
    capacity_factors,
    capacity_rules,
    claiming_order,
    kind_table,
    measure,
    ranges,
    service_pieces,
)
from .layers import QUAD_SEGS, Chunk, UnitLayer, Works, buffer, union_box
from .overlay import coverage_table, groups, remaining_table, subtract
from .selection import (
    as_units,
    as_works,
    checked_units,
    counted_works,
    select_inputs,
    split_column,
)
from .settings import EngineSettings, cores

__all__ = [
    "KIND_BY_VOLUME",
    "KIND_HAS_METRES",
    "KIND_HAS_SERVICE",
    "NEGLIGIBLE_M2",
    "QUAD_SEGS",
    "Chunk",
    "Counts",
    "Criteria",
    "EngineSettings",
    "Measured",
    "UnitLayer",
    "Works",
    "as_units",
    "as_works",
    "buffer",
    "capacity_factors",
    "capacity_rules",
    "checked_units",
    "claiming_order",
    "cores",
    "counted_works",
    "coverage_table",
    "groups",
    "kind_table",
    "measure",
    "ranges",
    "remaining_table",
    "select_inputs",
    "service_pieces",
    "split_column",
    "subtract",
    "union_box",
]
