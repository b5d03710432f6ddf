"""Reading unit and intervention layers, and writing results without half-written files.

The readers accept a path (GeoPackage, GeoJSON, Shapefile, zipped Shapefile, GeoParquet, CSV),
a PostGIS table or query (a ``postgresql://`` URL; see :mod:`kotaku_gis.database`) or a
(Geo)DataFrame, repair what can be repaired, validate the rest, and attach the
:class:`~kotaku_gis.report.ValidationReport` of what they found and repaired as
``frame.attrs["report"]``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .area import area_ha_array
from .crs import require_crs
from .database import is_database_url, read_source
from .errors import InputError
from .interventions import prepare_interventions
from .report import ValidationReport
from .schema import CRITERIA_2018, DENOMINATORS, id_strings
from .validation import validate, validate_with_areas

__all__ = [
    "atomic_path",
    "read_interventions",
    "read_units",
    "write_gpkg",
]

Source = str | os.PathLike | pd.DataFrame

_VECTOR_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".zip", ".fgb", ".gml", ".kml"}
_PARQUET_SUFFIXES = {".parquet", ".geoparquet"}
_TABLE_SUFFIXES = {".csv"}


# ---------------------------------------------------------------- reading files


def _choose_layer(path: Path, layer: str | int | None, what: str) -> str | int | None:
    try:
        layers = pyogrio.list_layers(_gdal_path(path))
    except Exception as err:  # pyogrio raises several DataSourceError subclasses
        raise InputError(
            f"cannot open {path}: {err}. Check that it is a complete GeoPackage, GeoJSON "
            "or Shapefile (a zipped Shapefile needs its .shp, .shx, .dbf and .prj)."
        ) from err
    names = [str(n) for n in layers[:, 0]]
    if layer is None:
        if len(names) <= 1:
            return None
        if what in names:
            return what
        raise InputError(f"{path} holds {len(names)} layers {names}; choose one with layer='…'.")
    if isinstance(layer, int):
        if not 0 <= layer < len(names):
            raise InputError(f"{path} has layers 0…{len(names) - 1}, not layer {layer}.")
        return layer
    if layer not in names:
        raise InputError(f"{path} has no layer {layer!r}; its layers are {names}.")
    return layer


def _gdal_path(path: Path) -> str:
    if path.suffix.lower() == ".zip":
        return f"/vsizip/{path}"
    return str(path)


def _read_path(path: Path, layer: str | int | None, what: str) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path} does not exist; check the path and the working directory.")
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes); export the layer again.")
    suffix = path.suffix.lower()
    if suffix in _TABLE_SUFFIXES:
        try:
            return pd.read_csv(path)
        except Exception as err:
            raise InputError(
                f"cannot read {path} as CSV: {err}. Save the table as CSV (UTF-8, comma "
                "separated, one header row) and read it again."
            ) from err
    if suffix in _PARQUET_SUFFIXES:
        try:
            return gpd.read_parquet(path)
        except Exception as geo_err:
            # A Parquet table without geometry metadata is a plain table of units or works;
            # a corrupt file fails both ways (pyarrow's ArrowInvalid is a ValueError too).
            try:
                return pd.read_parquet(path)
            except Exception as err:
                raise InputError(
                    f"cannot read {path} as GeoParquet: {geo_err}. Check that the file is "
                    "complete, or export the layer again."
                ) from err
    if suffix not in _VECTOR_SUFFIXES and not path.is_dir():
        raise InputError(
            f"{path}: unsupported file type {suffix!r}; use GeoPackage (.gpkg), GeoJSON, "
            "Shapefile (.shp or zipped .zip), GeoParquet (.parquet) or CSV."
        )
    chosen = _choose_layer(path, layer, what)
    try:
        frame = gpd.read_file(_gdal_path(path), layer=chosen, engine="pyogrio")
    except Exception as err:
        raise InputError(f"cannot read {path}: {err}") from err
    if isinstance(frame, gpd.GeoDataFrame) and frame.crs is None and frame.geometry.notna().any():
        hint = " (the .prj file is missing)" if suffix in {".shp", ".zip"} else ""
        raise InputError(
            f"{path} has no coordinate reference system{hint}. Add it, or read the file "
            "with geopandas and call .set_crs('EPSG:…') before passing the frame."
        )
    return frame


def _load(source: Source, layer: str | int | None, what: str) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        if isinstance(source, gpd.GeoDataFrame) and source.crs is None:
            if source.geometry.notna().any():
                raise InputError(
                    f"the {what} GeoDataFrame has no CRS; set it with "
                    ".set_crs('EPSG:4326') (lon/lat) or the CRS it was drawn in."
                )
        return source.copy(), f"<{what} frame>"
    if isinstance(source, str) and is_database_url(source):
        return read_source(source, layer, what)  # PostGIS: a table, view or query
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return _read_path(path, layer, what), str(path)
    raise InputError(
        f"read_{what} needs a file path or a (Geo)DataFrame, not {type(source).__name__}."
    )


# ---------------------------------------------------------------- repairs


def _repair_geometry(frame: pd.DataFrame, what: str, report: ValidationReport) -> pd.DataFrame:
    """Drop z, make invalid geometries valid, keep only polygons in units; report each."""
    if not isinstance(frame, gpd.GeoDataFrame):
        return frame
    col = frame.geometry.name
    geoms = np.asarray(frame.geometry.array, dtype=object).copy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    z = present & shapely.has_z(geoms)
    if z.any():
        geoms[z] = shapely.force_2d(geoms[z])
        report.add_rows(
            frame.index[z], col, "info", "has_z", "3D coordinates: heights dropped",
            repaired=True,
        )  # fmt: skip
    geoms = repair_invalid(geoms, present, frame.index, col, report)
    if what == "units":
        mixed = np.flatnonzero(present & (shapely.get_type_id(geoms) == 7))
        polys = polygonal_parts(geoms[mixed])
        # A collection without polygons stays as it is: validation reports its type.
        has_polys = ~shapely.is_empty(polys)
        geoms[mixed[has_polys]] = polys[has_polys]
        report.add_rows(
            frame.index[mixed[has_polys]], col, "warning", "geometry_collection",
            "a GeometryCollection: its polygons are kept as the unit, its points "
            "and lines dropped",
            repaired=True,
        )  # fmt: skip
    out = frame.copy()
    out[col] = gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs)
    return out


def polygonal_parts(geoms: np.ndarray) -> np.ndarray:
    """Every polygon in each geometry as one valid (Multi)Polygon; empty where there is none.

    Collections are opened at every depth, so a MultiPolygon inside a GeometryCollection
    gives all its polygons; points and lines are left out. Members that overlap are merged
    (``make_valid``), so no ground is counted twice.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> from kotaku_gis.io import polygonal_parts
    >>> gc = shapely.GeometryCollection([
    ...     shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1)]),
    ...     shapely.LineString([(0, 0), (5, 5)])])
    >>> out = polygonal_parts(np.array([gc, shapely.Point(0, 0)]))
    >>> [g.geom_type for g in out], float(shapely.area(out[0])), bool(out[1].is_empty)
    (['MultiPolygon', 'MultiPolygon'], 2.0, True)
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.array([shapely.MultiPolygon() for _ in range(len(geoms))], dtype=object)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    multi = np.isin(shapely.get_type_id(parts), [4, 5, 6, 7])
    while multi.any():
        sub, sub_owner = shapely.get_parts(parts[multi], return_index=True)
        parts = np.concatenate([parts[~multi], sub])
        owner = np.concatenate([owner[~multi], owner[multi][sub_owner]])
        multi = np.isin(shapely.get_type_id(parts), [4, 5, 6, 7])
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, owner = parts[keep], owner[keep]
    if len(parts):
        order = np.argsort(owner, kind="stable")
        shapely.multipolygons(parts[order], indices=owner[order], out=out)
    invalid = ~shapely.is_valid(out)
    if invalid.any():
        out[invalid] = shapely.make_valid(out[invalid], method="structure", keep_collapsed=False)
    return out


def repair_invalid(
    geoms: np.ndarray,
    present: np.ndarray,
    index: pd.Index,
    column: str,
    report: ValidationReport,
) -> np.ndarray:
    """The geometries with the invalid ones among ``present`` made valid, each one reported.

    ``make_valid`` keeps every part (method "structure": both lobes of a bowtie). Returns
    ``geoms`` itself when none is invalid, else a repaired copy.

    Examples
    --------
    >>> import numpy as np, pandas as pd, shapely
    >>> from kotaku_gis.io import repair_invalid
    >>> from kotaku_gis.report import ValidationReport
    >>> bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    >>> report = ValidationReport(what="units")
    >>> out = repair_invalid(np.array([bowtie]), np.array([True]), pd.Index([7]), "geometry",
    ...                      report)
    >>> float(shapely.area(out[0])), [(i.row, i.check, i.repaired) for i in report]
    (2.0, [(7, 'invalid_geometry', True)])
    """
    invalid = present & ~shapely.is_valid(geoms)
    if not invalid.any():
        return geoms
    reasons = shapely.is_valid_reason(geoms[invalid])
    geoms = geoms.copy()
    geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure")
    report.add_rows(
        index[invalid], column, "warning", "invalid_geometry",
        [f"invalid geometry ({r}) repaired with make_valid" for r in reasons],
        repaired=True,
    )  # fmt: skip
    return geoms


_KNOWN_COLUMNS = frozenset(
    {*CRITERIA_2018, *DENOMINATORS, "unit_id", "intervention_id", "kind", "year", "status",
     "volume", "radius_m", "criterion"}
)  # fmt: skip


def _normalise_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Known column names in lower case without spaces ("1A " → "1a", "Year" → "year")."""
    rename = {}
    for col in frame.columns:
        if isinstance(col, str):
            low = col.strip().lower()
            if low != col and low in _KNOWN_COLUMNS and low not in frame.columns:
                rename[col] = low
    return frame.rename(columns=rename)


def _use_id_column(
    frame: pd.DataFrame, id_column: str, name: str, report: ValidationReport
) -> pd.DataFrame:
    """Rename ``id_column`` to ``unit_id``, keeping a ``unit_id`` already there as
    ``unit_id_original`` (reported) rather than holding two columns of one name."""
    if id_column not in frame.columns:
        raise InputError(f"{name} has no column {id_column!r}; its columns are {list(frame)}.")
    if "unit_id" in frame.columns:
        if "unit_id_original" in frame.columns:
            raise InputError(
                f"{name} has columns {id_column!r}, 'unit_id' and 'unit_id_original'; "
                f"id_column={id_column!r} would make {id_column!r} the unit_id. Drop or "
                "rename 'unit_id' and 'unit_id_original' first, or leave id_column at "
                "'unit_id'."
            )
        frame = frame.rename(columns={"unit_id": "unit_id_original"})
        report.add(
            None, "unit_id", "warning", "unit_id_renamed",
            f"id_column={id_column!r} names the units, so the file's own 'unit_id' column "
            "is kept as 'unit_id_original'",
            repaired=True,
        )  # fmt: skip
    return frame.rename(columns={id_column: "unit_id"})


def _finish(frame: pd.DataFrame, report: ValidationReport, *, strict: bool) -> pd.DataFrame:
    frame.attrs["report"] = report
    if strict:
        report.raise_for_errors()
    elif not report.ok:
        warnings.warn(
            f"{report.summary()}; see frame.attrs['report'].to_frame()",
            UserWarning,
            stacklevel=3,
        )
    return frame


# ---------------------------------------------------------------- public readers


def read_units(
    source: Source,
    *,
    layer: str | int | None = None,
    id_column: str = "unit_id",
    strict: bool = False,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read, repair and validate assessment units (RT or kawasan polygons).

    Parameters
    ----------
    source : path or (Geo)DataFrame
        GeoPackage, GeoJSON, Shapefile, zipped Shapefile, GeoParquet or CSV (a table without
        geometry, for scoring alone), a frame already in memory, or a PostGIS database URL
        ``postgresql://user@host:5432/db`` with ``layer="schema.table"`` or a ``SELECT``
        query as ``layer`` (see :mod:`kotaku_gis.database`).
    layer : str or int, optional
        Layer of a multi-layer file. Without it a single layer, or one named ``"units"``, is read.
    id_column : str, default "unit_id"
        Column holding the unit identifier; renamed to ``unit_id``. A ``unit_id`` column
        already in the layer is then kept as ``unit_id_original`` and the report says so.
    strict : bool, default False
        Raise :class:`~kotaku_gis.InputError` when validation finds errors, instead of warning.

    Returns
    -------
    GeoDataFrame or DataFrame
        The units with ``unit_id`` as strings, numeric denominators and criterion volumes,
        ``area_ha`` (computed from the geometry when absent; when present it is kept as the
        verified area and ``area_ha_geom`` holds the geometry's hectares), the input index,
        and ``attrs["report"]``: the :class:`~kotaku_gis.ValidationReport`.

    Raises
    ------
    InputError
        Missing or unreadable file, unknown layer, missing CRS, missing id column; with
        ``strict=True`` also any validation error.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> frame = gpd.GeoDataFrame({"unit_id": ["RT01"], "households": [40]},
    ...     geometry=[shapely.box(116.10, -8.58, 116.101, -8.579)], crs="EPSG:4326")
    >>> units = kg.read_units(frame)
    >>> round(float(units.loc[0, "area_ha"]), 2), units.attrs["report"].ok
    (1.22, True)
    """
    frame, name = _load(source, layer, "units")
    frame = _normalise_columns(frame)
    report = ValidationReport(what="units", source=name)
    if id_column != "unit_id":
        frame = _use_id_column(frame, id_column, name, report)
    if "unit_id" not in frame.columns:
        raise InputError(
            f"{name} has no 'unit_id' column; its columns are {list(frame.columns)}. "
            "Pass id_column='…' to name the column that identifies each RT or kawasan."
        )
    frame = _repair_geometry(frame, "units", report)
    measured = None
    if isinstance(frame, gpd.GeoDataFrame):
        measured = area_ha_array(np.asarray(frame.geometry.array), require_crs(frame.crs))
    report.extend(validate_with_areas(frame, "units", source=name, measured_ha=measured))
    frame["unit_id"] = id_strings(frame["unit_id"])
    for col in (*DENOMINATORS, *CRITERIA_2018):
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    if measured is not None:
        if "area_ha" in frame.columns:
            frame["area_ha_geom"] = measured
            fill = frame["area_ha"].isna() & ~np.isnan(measured)
            if fill.any():
                frame.loc[fill, "area_ha"] = measured[fill.to_numpy()]
                report.add_rows(
                    frame.index[fill.to_numpy()], "area_ha", "info", "area_from_geometry",
                    "area_ha was blank; the geometry's ellipsoidal hectares are used",
                    repaired=True,
                )  # fmt: skip
        else:
            frame["area_ha"] = measured
    elif "area_ha" not in frame.columns:
        report.add(
            None, "area_ha", "warning", "missing_column",
            "a table without geometry and without area_ha: hectares cannot be summed",
        )  # fmt: skip
    return _finish(frame, report, strict=strict)


def read_interventions(
    source: Source,
    *,
    layer: str | int | None = None,
    radii: dict[str, float] | None = None,
    strict: bool = False,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read, repair and validate intervention sites (points, lines, polygons or table rows).

    Parameters
    ----------
    source : path or (Geo)DataFrame
        As for :func:`read_units`; a CSV or a layer without geometry holds table rows that
        name ``unit_id`` and ``criterion``.
    layer : str or int, optional
        Layer of a multi-layer file; without it a single layer, or one named
        ``"interventions"``, is read.
    radii : dict, optional
        Service radius in metres by kind key or category, overriding the catalogue's defaults
        (a ``radius_m`` column overrides both).
    strict : bool, default False
        Raise :class:`~kotaku_gis.InputError` on validation errors instead of warning.

    Returns
    -------
    GeoDataFrame or DataFrame
        The works with ``intervention_id``, ``kind_key``, ``category``, ``year``, ``completed``,
        ``volume``, ``radius_m`` added (see
        :func:`kotaku_gis.interventions.prepare_interventions`), and ``attrs["report"]``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> works = gpd.GeoDataFrame(
    ...     {"intervention_id": ["W1"], "kind": ["Drainase lingkungan"], "year": [2022],
    ...      "status": ["selesai"]},
    ...     geometry=[shapely.LineString([(116.10, -8.58), (116.101, -8.58)])], crs="EPSG:4326")
    >>> out = kg.read_interventions(works)
    >>> out.loc[0, "category"], round(float(out.loc[0, "volume"]), 1)  # metres, measured
    ('drainase', 110.1)
    """
    frame, name = _load(source, layer, "interventions")
    frame = _normalise_columns(frame)
    report = ValidationReport(what="interventions", source=name)
    frame = _repair_geometry(frame, "interventions", report)
    report.extend(validate(frame, "interventions", source=name))
    frame = prepare_interventions(frame, report=report, radii=radii)
    return _finish(frame, report, strict=strict)


# ---------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds.

    A reader of ``path`` sees the old file or the new one, never a half-written file, and an
    interrupted write leaves the previous output intact.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kotaku_gis.io import atomic_path
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.unlink()  # writers such as GDAL want to create the file themselves
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_gpkg(
    layers: dict[str, pd.DataFrame],
    path: str | os.PathLike,
    *,
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> Path:
    """Write frames as layers of one GeoPackage, atomically.

    Frames without geometry are written as attribute tables. Object columns holding
    non-scalar values are written as text.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd, shapely
    >>> from kotaku_gis.io import write_gpkg
    >>> gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(116, -8)], crs=4326)
    >>> out = write_gpkg({"pts": gdf}, pathlib.Path(tempfile.mkdtemp()) / "x.gpkg")
    >>> out.name
    'x.gpkg'
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        for name, frame in layers.items():
            frame = prepare(frame) if prepare else frame
            frame = _writable(frame)
            if isinstance(frame, gpd.GeoDataFrame):
                frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
            else:
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
    return path


def _writable(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.attrs = {}
    for col in out.columns:
        if col == getattr(out, "_geometry_column_name", None):
            continue
        if out[col].dtype == object:
            out[col] = out[col].map(_scalar_text).astype("string")
    return out


def _scalar_text(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
