"""Reading unit frames: numbers, geometry, hectares and row matching, shared by the analyses."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .area import area_ha
from .errors import InputError
from .schema import id_strings

__all__ = ["align_rows", "group_keys", "has_geometry", "numbers", "unit_hectares"]


def numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as floats; text that is not a number, and blanks, as NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis._frames import numbers
    >>> numbers(pd.DataFrame({"a": ["1.5", None, "x"]}), "a").tolist()
    [1.5, nan, nan]
    """
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def has_geometry(frame: pd.DataFrame) -> bool:
    """True for a GeoDataFrame whose active geometry column is there and has a CRS.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis._frames import has_geometry
    >>> has_geometry(gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs=4326))
    True
    """
    return (
        isinstance(frame, gpd.GeoDataFrame)
        and frame.active_geometry_name is not None
        and frame.active_geometry_name in frame.columns
        and frame.crs is not None
    )


def unit_hectares(frame: pd.DataFrame) -> np.ndarray:
    """Each unit's hectares: its verified ``area_ha``, else its geometry's (blank as 0).

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis._frames import unit_hectares
    >>> unit_hectares(pd.DataFrame({"area_ha": [1.5, None]})).tolist()
    [1.5, 0.0]
    """
    if "area_ha" in frame.columns:
        ha = pd.to_numeric(frame["area_ha"], errors="coerce").to_numpy(dtype=float)
    elif isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None:
        ha = area_ha(frame).to_numpy(dtype=float)
    else:
        raise InputError(
            "the units have neither an 'area_ha' column nor a geometry with a CRS, so their "
            "hectares are unknown; add area_ha (verified hectares) or the polygons."
        )
    return np.nan_to_num(ha, nan=0.0)


def align_rows(frame: pd.DataFrame, to: pd.DataFrame, *, name: str, other: str) -> pd.DataFrame:
    """Rows of ``frame`` in the order of ``to``: matched on ``unit_id`` when both have it (an
    index of positions says nothing about which unit a row is), else on the index.

    ``name`` and ``other`` say in messages what ``frame`` and ``to`` are ("the baseline",
    "the assessment after works").

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis._frames import align_rows
    >>> after = pd.DataFrame({"unit_id": ["b", "a"], "level": ["x", "y"]})
    >>> base = pd.DataFrame({"unit_id": ["a", "b"]})
    >>> align_rows(after, base, name="after", other="baseline")["level"].to_dict()
    {0: 'y', 1: 'x'}
    """
    both_ids = "unit_id" in frame.columns and "unit_id" in to.columns
    if not both_ids and frame.index.equals(to.index):
        return frame
    if not both_ids:
        raise InputError(
            f"{other} and {name} have different rows and no 'unit_id' to match them; assess "
            "the same units twice."
        )
    ids = id_strings(frame["unit_id"])
    to_ids = id_strings(to["unit_id"])
    if ids.reset_index(drop=True).equals(to_ids.reset_index(drop=True)):
        return frame.set_axis(to.index)
    if ids.duplicated().any():
        raise InputError(f"unit_id values repeat in {name}; make them unique.")
    pos = pd.Index(ids).get_indexer(to_ids)
    if (pos < 0).any():
        missing = to["unit_id"][pos < 0].tolist()[:10]
        raise InputError(f"units {missing} of {other} are not in {name}.")
    return frame.iloc[pos].set_axis(to.index)


def _kawasan_names(frame: pd.DataFrame) -> pd.Series:
    """Each unit's kawasan name where it is a kawasan (``unit_level`` "kawasan", or a
    ``nama_kawasan``): the name, else its ``unit_id``; ``<NA>`` for other units."""
    index = frame.index
    name = pd.Series(pd.NA, index=index, dtype="string")
    if "nama_kawasan" in frame.columns:
        name = frame["nama_kawasan"].astype("string").str.strip().replace("", pd.NA)
    is_kawasan = name.notna()
    if "unit_level" in frame.columns:
        level = frame["unit_level"].astype("string").str.strip().str.lower()
        is_kawasan |= (level == "kawasan").fillna(False)
    if "unit_id" in frame.columns:
        name = name.fillna(id_strings(frame["unit_id"]))
    return name.where(is_kawasan.to_numpy(dtype=bool))


def group_keys(frame: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
    """The values of the group columns with every blank labelled, so that no group is blank.

    A blank ``kelurahan`` of a kawasan (a unit with ``unit_level`` "kawasan" or a
    ``nama_kawasan``, as the kawasan of a kabupaten that are not in one kelurahan) is
    "Kawasan <nama_kawasan, else unit_id>" (the name alone when it starts with "Kawasan");
    any other blank text is "(tanpa <column>)".
    Columns of numbers are kept as they are.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis._frames import group_keys
    >>> units = pd.DataFrame({"unit_id": ["A", "K1"], "kelurahan": ["Dara", None],
    ...     "kecamatan": [None, "Woha"], "unit_level": ["rt", "kawasan"]})
    >>> keys = group_keys(units, ["kecamatan", "kelurahan"])
    >>> keys["kecamatan"].tolist(), keys["kelurahan"].tolist()
    (['(tanpa kecamatan)', 'Woha'], ['Dara', 'Kawasan K1'])
    """
    from .labels import word

    out: dict[str, np.ndarray] = {}
    for col in columns:
        values = frame[col]
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            out[col] = values.to_numpy()
            continue
        text = values.astype("string").str.strip()
        blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
        if blank.any():
            label = pd.Series(word("blank_group").format(column=col), index=frame.index,
                              dtype="string")  # fmt: skip
            if col == "kelurahan":
                kawasan = _kawasan_names(frame)
                named = kawasan.notna().to_numpy(dtype=bool)
                label[named] = [
                    n if n.lower().startswith("kawasan") else word("kawasan").format(name=n)
                    for n in kawasan[named]
                ]
            text = text.where(~blank, label)
        out[col] = text.to_numpy(dtype=object)
    return out
