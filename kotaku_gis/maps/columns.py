"""From frames to map data: input checks, escaped text columns, rounded numbers, legend rows.

Everything a map writes into its page passes through here: texts are HTML-escaped
(:func:`kotaku_gis.maps.style.esc`), repeated texts are coded once, numbers are rounded and
missing values become ``null``; bad input raises :class:`kotaku_gis.InputError` naming the
frame, column and rows.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..crs import require_crs
from ..errors import InputError
from ..schema import LEVELS
from . import style

__all__ = [
    "by_unit",
    "coded",
    "level_codes",
    "need_columns",
    "need_geoframe",
    "need_polygons",
    "numbers",
    "swatches",
    "text_column",
    "unique_ids",
]


def need_geoframe(frame: Any, name: str) -> gpd.GeoDataFrame:
    """``frame`` if it is a GeoDataFrame with a CRS; else :class:`InputError`.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.columns import need_geoframe
    >>> need_geoframe(pd.DataFrame({"unit_id": ["a"]}), "units")
    Traceback (most recent call last):
    ...
    kotaku_gis.errors.InputError: units has no geometry column; ...
    """
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame:
        raise InputError(
            f"{name} has no geometry column; a map needs geometries. Read the layer with "
            "kg.read_units or kg.read_interventions from a GeoPackage, GeoJSON or Shapefile, "
            "or pass a GeoDataFrame."
        )
    require_crs(frame.crs, name=name)
    return frame


def need_polygons(units: gpd.GeoDataFrame) -> None:
    """Raise :class:`InputError` when units are not (multi)polygons (empty and null pass).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis.maps.columns import need_polygons
    >>> need_polygons(gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), None]))
    """
    types = units.geom_type
    bad = types.notna() & ~types.isin(["Polygon", "MultiPolygon"]) & ~units.geometry.is_empty
    if bad.any():
        raise InputError(
            f"assessed has {int(bad.sum())} unit(s) that are not polygons "
            f"({sorted(set(types[bad]))}, rows {list(units.index[bad][:5])}); units are areas. "
            "Read them with kg.read_units, which repairs and reports such geometries."
        )


def need_columns(frame: pd.DataFrame, columns: Sequence[str], name: str, hint: str) -> None:
    """Raise :class:`InputError` naming the columns ``frame`` lacks, with ``hint``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.columns import need_columns
    >>> need_columns(pd.DataFrame({"unit_id": []}), ["unit_id"], "units", "")
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{name} lacks the column(s) {missing} (it has {list(frame.columns)}). {hint}"
        )


def unique_ids(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame["unit_id"]`` as strings; :class:`InputError` when an id repeats.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.columns import unique_ids
    >>> unique_ids(pd.DataFrame({"unit_id": [1, 2]}), "units").tolist()
    ['1', '2']
    """
    ids = frame["unit_id"].astype("string")
    dup = ids[ids.duplicated(keep=False) & ids.notna()]
    if len(dup):
        raise InputError(
            f"{name} has repeated unit_id values {sorted(set(dup))[:5]} (rows "
            f"{list(dup.index[:5])}); each unit must appear once. Fix or aggregate them first."
        )
    return ids


def level_codes(values: pd.Series, name: str) -> np.ndarray:
    """Position of each level label in LEVELS (worst first); -1 where missing.

    Labels are matched case-insensitively; any other label is an :class:`InputError`.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.columns import level_codes
    >>> level_codes(pd.Series(["Kumuh Berat", None, "tidak kumuh"]), "level").tolist()
    [0, -1, 3]
    """
    text = values.astype("string").str.strip().str.lower()
    codes = text.map({label: i for i, label in enumerate(LEVELS)})
    unknown = text.notna() & codes.isna()
    if unknown.any():
        raise InputError(
            f"{name} has level labels that are not slum levels: "
            f"{sorted(set(text[unknown]))[:5]} (rows {list(values.index[unknown][:5])}). "
            f"Use {list(LEVELS)}, as kg.assess writes them."
        )
    return codes.fillna(-1).astype(np.int64).to_numpy()


def numbers(values: pd.Series | np.ndarray, decimals: int) -> list:
    """Rounded numbers for JSON (integers when ``decimals`` is 0); missing become None.

    Examples
    --------
    >>> from kotaku_gis.maps.columns import numbers
    >>> numbers([1.234, float("nan")], 2), numbers([3.0, None], 0)
    ([1.23, None], [3, None])
    """
    arr = pd.to_numeric(pd.Series(np.asarray(values)), errors="coerce").astype("float64")
    arr = arr.round(decimals)
    missing = arr.isna().to_numpy()
    if decimals == 0:
        out = arr.fillna(0).astype(np.int64).to_numpy().astype(object)
    else:
        out = arr.to_numpy().astype(object)
    out[missing] = None
    return out.tolist()


def coded(values: pd.Series) -> dict[str, list]:
    """Escaped distinct texts ``v`` and each row's index ``i`` into them (-1: missing).

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.columns import coded
    >>> coded(pd.Series(["a<b", None, "a<b"]))
    {'v': ['a&lt;b'], 'i': [0, -1, 0]}
    """
    codes, distinct = pd.factorize(pd.Series(values).astype("string"), use_na_sentinel=True)
    return {"v": style.esc(pd.Series(distinct, dtype=object)), "i": codes.tolist()}


def text_column(values: pd.Series) -> list[str] | dict[str, list]:
    """Escaped texts; repeated ones (kelurahan, kind, status) coded as in :func:`coded`.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.columns import text_column
    >>> text_column(pd.Series(["x", "y"])), text_column(pd.Series(["x"] * 3))
    (['x', 'y'], {'v': ['x'], 'i': [0, 0, 0]})
    """
    table = coded(values)
    return style.esc(values) if len(table["v"]) * 2 > len(table["i"]) else table


def by_unit(units: pd.Series, other: pd.DataFrame, column: str, name: str) -> pd.Series:
    """``other[column]`` matched to ``units`` (unit ids) on unit_id; NA where no row.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.maps.columns import by_unit
    >>> other = pd.DataFrame({"unit_id": ["b"], "level": ["tidak kumuh"]})
    >>> by_unit(pd.Series(["a", "b"]), other, "level", "after").tolist()
    [nan, 'tidak kumuh']
    """
    ids = unique_ids(other, name)
    lookup = pd.Series(other[column].to_numpy(), index=ids.to_numpy())
    return pd.Series(lookup.reindex(units.to_numpy()).to_numpy(), index=units.index)


# ----------------------------------------------------------------- legend


def swatches(
    title: str,
    colours: Sequence[str],
    labels: Sequence[str],
    *,
    dot: bool = False,
    hatch: bool = False,
    view: str | None = None,
) -> str:
    """A legend section; ``view`` ties it to the unit views that use it (shown with them).

    ``dot`` draws round swatches (sites), ``hatch`` hatched ones (unserved parts).

    Examples
    --------
    >>> from kotaku_gis.maps.columns import swatches
    >>> swatches("Level", ["#b2182b"], ["kumuh <berat>"], view="level")[:40]
    '<div data-kg-view="level"><h5>Level</h5>'
    """
    shape = "kg-swatch kg-dot" if dot else "kg-swatch"
    fill = "background:repeating-linear-gradient(135deg,{c} 0 2px,transparent 2px 5px)"
    rows = "".join(
        f'<div class="kg-key"><span class="{shape}" '
        f'style="{fill.format(c=c) if hatch else "background:" + c}"></span>'
        f"{html.escape(str(label))}</div>"
        for c, label in zip(colours, labels, strict=True)
    )
    attr = f' data-kg-view="{view}"' if view else ""
    return f"<div{attr}><h5>{html.escape(title)}</h5>{rows}</div>"
