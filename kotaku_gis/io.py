"""Reading unit and intervention layers, and writing results without half-written files.

The readers accept a path, a PostGIS table or query (a ``postgresql://`` URL; see
:mod:`kotaku_gis.database`) or a (Geo)DataFrame: GeoPackage, GeoJSON, Shapefile (also zipped,
with folders inside the zip), KML and KMZ, GeoParquet, CSV (comma or semicolon separated,
decimal commas where unambiguous) and Excel baselines (``.xlsx``, read like an R0 workbook:
header row below any title block, one sheet per kelurahan). Tables without geometry are
units too, for scoring and summaries. Column names are recognised through the one table of
:mod:`kotaku_gis.columns` (Indonesian headers, Shapefile-truncated names, SIM KOTAKU fields),
every renaming reported. The readers repair what can be repaired, validate the rest, and
attach the :class:`~kotaku_gis.report.ValidationReport` of what they found, renamed and
repaired as ``frame.attrs["report"]``.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from ._numbers import parse_text_numbers
from ._sources import Loaded, Source, load_source
from .area import area_ha_array
from .columns import CONVENTIONS, conventions_for, name_key, recognise_columns
from .crs import require_crs
from .errors import InputError
from .interventions import prepare_interventions
from .schema import DENOMINATORS, id_strings
from .validation import validate, validate_with_areas
from .validation_report import ValidationReport

__all__ = [
    "atomic_path",
    "read_interventions",
    "read_units",
    "write_gpkg",
]

#: Numeric columns of units, typed as float by :func:`read_units`: denominators, criterion
#: volumes, and given percentages, scores and aspect averages.
_UNIT_FLOATS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [*DENOMINATORS]
        + [n for n, c in CONVENTIONS.items() if c.family in ("volume", "pct", "score", "avg")]
    )
)
_PLAIN_NUMBER_RE = re.compile(r"^\s*[+-]?(?:0|[1-9]\d*)(?:\.\d+)?\s*$")


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
    >>> from kotaku_gis.validation_report import ValidationReport
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


def _use_id_column(
    frame: pd.DataFrame, id_column: str, name: str, report: ValidationReport
) -> pd.DataFrame:
    """Rename ``id_column`` to ``unit_id``, keeping a ``unit_id`` already there as
    ``unit_id_original`` (reported) rather than holding two columns of one name."""
    if id_column not in frame.columns:
        raise InputError(f"{name} has no column {id_column!r}; its columns are {list(frame)}.")
    frame = _keep_original_id(frame, f"id_column={id_column!r}", name, report)
    return frame.rename(columns={id_column: "unit_id"})


def _keep_original_id(
    frame: pd.DataFrame, given: str, name: str, report: ValidationReport
) -> pd.DataFrame:
    if "unit_id" not in frame.columns:
        return frame
    if "unit_id_original" in frame.columns:
        raise InputError(
            f"{name} has columns 'unit_id' and 'unit_id_original'; {given} would make "
            "another column the unit_id. Drop or rename 'unit_id' and 'unit_id_original' "
            "first, or leave id_column out."
        )
    report.add(
        None, "unit_id", "warning", "unit_id_renamed",
        f"{given} names the units, so the file's own 'unit_id' column is kept as "
        "'unit_id_original'",
        repaired=True,
    )  # fmt: skip
    return frame.rename(columns={"unit_id": "unit_id_original"})


def _file_column(frame: pd.DataFrame, name: str, file_names: Mapping[str, str]) -> str | None:
    """The frame's column that the file calls ``name`` (a reader may have renamed it); else
    the one column whose name differs from it only in case, spaces or punctuation."""
    if name in frame.columns:
        return name
    hit = next((c for c, n in file_names.items() if n == name and c in frame.columns), None)
    if hit is not None:
        return hit
    key = name_key(name)
    same = [c for c in frame.columns if name_key(file_names.get(c, c)) == key]
    return same[0] if len(same) == 1 else None


def _apply_id_column(
    frame: pd.DataFrame,
    id_column: str | Sequence[str] | None,
    loaded: Loaded,
    columns: Mapping[str, str | None] | None,
    report: ValidationReport,
) -> pd.DataFrame:
    """``unit_id`` from ``id_column``: one column renamed, or several joined with "/"."""
    if id_column is None or (isinstance(id_column, str) and id_column == "unit_id"):
        return frame
    name = loaded.name
    parts = [id_column] if isinstance(id_column, str) else list(id_column)
    if not parts or not all(isinstance(p, str) for p in parts):
        raise InputError(
            f"id_column must be a column name or a list of column names, not {id_column!r}."
        )
    if columns and any(p in columns for p in parts):
        raise InputError(
            f"{name}: {[p for p in parts if p in columns]} are named both in id_column and "
            "in columns=; name the id columns in one place only."
        )
    found = [_file_column(frame, p, loaded.file_names) for p in parts]
    missing = [p for p, f in zip(parts, found, strict=True) if f is None]
    if missing:
        shown = [loaded.file_names.get(c, c) for c in frame.columns]
        raise InputError(f"{name} has no column {missing[0]!r}; its columns are {shown}.")
    if isinstance(id_column, str):
        if found[0] == "unit_id":
            return frame
        return _use_id_column(frame, found[0], name, report)
    text = [id_strings(frame[f]) for f in found]
    joined = text[0]
    for part in text[1:]:
        joined = joined + "/" + part
    frame = _keep_original_id(frame, f"id_column={parts!r}", name, report)
    frame["unit_id"] = joined.astype("string")
    report.add(
        None, "unit_id", "info", "column_mapped",
        f"unit_id made from {parts} joined with '/' (e.g. {joined.dropna().iloc[0]!r})"
        if joined.notna().any() else f"unit_id made from {parts} joined with '/'",
    )  # fmt: skip
    return frame


def _generate_ids(frame: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    """Ids for units that come without any: "<kelurahan>-001" … where a kelurahan is named,
    else "unit-001" …, in file order; reported, since they change when rows do."""
    n = len(frame)
    width = max(3, len(str(n)))
    number = pd.Series(np.arange(n), index=frame.index)
    kel = None
    if "kelurahan" in frame.columns:
        kel = frame["kelurahan"].astype("string").str.strip().replace("", pd.NA)
    has = kel.notna() if kel is not None else pd.Series(False, index=frame.index)
    ids = pd.Series(pd.NA, index=frame.index, dtype="string")
    if has.any():
        seq = kel[has].groupby(kel[has], sort=False).cumcount() + 1
        ids[has] = kel[has] + "-" + seq.astype("string").str.zfill(width)
    if (~has).any():
        seq = number[~has].rank(method="first").astype(int)
        ids[~has] = "unit-" + seq.astype("string").str.zfill(width)
    unique_text = [
        str(c) for c in frame.columns
        if c != getattr(frame, "_geometry_column_name", None)
        and not pd.api.types.is_float_dtype(frame[c])
        and frame[c].notna().all() and frame[c].is_unique and n > 1
    ]  # fmt: skip
    hint = f" Columns with a different value on every row: {unique_text}." if unique_text else ""
    source = "the kelurahan and a sequence" if has.any() else "a sequence"
    report.add(
        None, "unit_id", "warning", "id_generated",
        f"no id column found, so ids were made from {source} in file order "
        f"({', '.join(repr(i) for i in ids.iloc[:2])} …). They change when rows are added or "
        "reordered: pass id_column='…' (or a list such as ['kelurahan', 'rw', 'rt'], joined "
        f"with '/') to use the file's own ids.{hint}",
        repaired=True,
    )  # fmt: skip
    frame = frame.copy()
    frame["unit_id"] = ids
    return frame


def _type_columns(
    frame: pd.DataFrame, what: str, loaded: Loaded, report: ValidationReport
) -> pd.DataFrame:
    """Numbers written as text read as numbers (Indonesian or English separators), and in
    sources that hold only text (semicolon CSV, KML) plain numbers typed; each reading with
    separators reported once per column."""
    known = conventions_for(what)
    geometry = getattr(frame, "_geometry_column_name", None)
    out = {}
    separated: dict[str, tuple[int, int, str, float]] = {}
    for col in frame.columns:
        if col == geometry or col in loaded.added:
            continue
        values = frame[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        conv = known.get(col)
        if conv is not None and conv.kind in ("count", "number"):
            parsed, text, thousands, _ = parse_text_numbers(
                values, count=conv.kind == "count",
                comma_separated=loaded.comma_separated, currency=col == "cost",
            )  # fmt: skip
            out[col] = parsed
            raw = values.astype("string[pyarrow]")
            marked = text & raw.str.contains(",", regex=False).fillna(False).to_numpy(bool)
            if marked.any() or thousands.any():
                k = int(np.flatnonzero(marked | thousands)[0])
                separated[col] = (
                    int((marked | thousands).sum()), int(thousands.sum()), raw.iloc[k],
                    float(parsed.iloc[k]),
                )  # fmt: skip
        elif loaded.untyped and (conv is None or conv.kind not in ("id", "text")):
            present = values.dropna().astype(str)
            present = present[present.str.strip() != ""]
            if len(present) and present.str.match(_PLAIN_NUMBER_RE).all():
                numbers = pd.to_numeric(values.where(values.astype("string").str.strip() != ""))
                whole = numbers.dropna()
                if len(whole) == len(values) and (whole == np.round(whole)).all():
                    numbers = numbers.astype("int64")
                out[col] = numbers
    if separated:
        count = sum(n for n, _, _, _ in separated.values())
        thousands_n = sum(t for _, t, _, _ in separated.values())
        col, (_, _, text_value, number) = next(iter(separated.items()))
        names = ", ".join(repr(c) for c in separated)
        report.add(
            None, col if len(separated) == 1 else None, "info", "number_separators",
            f"{count} value(s) written with Indonesian or English separators were read as "
            f"numbers, in {names} (e.g. {text_value!r} as {number:g})"
            + (f"; in {thousands_n} of them '.' separates thousands" if thousands_n else ""),
        )  # fmt: skip
    if not out:
        return frame
    frame = frame.copy()
    for col, values in out.items():
        frame[col] = values
    return frame


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


def _read_common(
    source: Source,
    *,
    what: str,
    layer: str | int | None,
    columns: Mapping[str, str | None] | None,
    id_column: str | Sequence[str] | None = None,
) -> tuple[pd.DataFrame, str, ValidationReport, Loaded]:
    """Load, name the id, recognise the columns and type the numbers."""
    loaded = load_source(source, layer, what)
    frame, name, report = loaded.frame, loaded.name, loaded.report
    if what == "units":
        frame = _apply_id_column(frame, id_column, loaded, columns, report)
    geometry = getattr(frame, "_geometry_column_name", None)
    skip = {geometry, *loaded.added, "unit_id_original", "area_ha_geom"} - {None}
    skip -= {"layer"}  # a KMZ's folders may name the level
    frame = recognise_columns(
        frame, what=what, columns=columns, report=report, source=name, skip=skip,
        file_names=loaded.file_names,
    )  # fmt: skip
    frame = _type_columns(frame, what, loaded, report)
    return frame, name, report, loaded


def read_units(
    source: Source,
    *,
    layer: str | int | None = None,
    id_column: str | Sequence[str] | None = None,
    columns: Mapping[str, str | None] | None = None,
    strict: bool = False,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read, repair and validate assessment units (RT or kawasan polygons, or a table).

    Parameters
    ----------
    source : path or (Geo)DataFrame
        GeoPackage, GeoJSON, Shapefile (``.shp``, or a ``.zip`` with the Shapefile anywhere
        in its folders), KML or KMZ, GeoParquet, CSV (comma or semicolon separated) or an
        Excel baseline (``.xlsx``: header row found below any title block, one sheet per
        kelurahan, numbers typed the Indonesian way), a frame already in memory, or a PostGIS
        database URL ``postgresql://user@host:5432/db`` with ``layer="schema.table"`` or a
        ``SELECT`` query as ``layer`` (see :mod:`kotaku_gis.database`). Tables without
        geometry are units for scoring and summaries; the overlay functions refuse them.
    layer : str or int, optional
        Layer of a multi-layer file. Without it a single layer, or one named ``"units"``, is
        read; a KML/KMZ's folders (e.g. one per level) are read together when they share
        their fields, with the folder's name in a ``layer`` column.
    id_column : str or list of str, optional
        Column holding the unit identifier, as named in the file (case, spaces and
        punctuation may differ when only one column fits); renamed to ``unit_id``. A
        list of columns is joined with "/" (``["Kelurahan", "RW", "RT"]`` →
        ``"Bintaro/02/005"``). Without it a column recognised as the id (``unit_id``,
        ``ID RT``, ``Kode RT``, …) is used; with none, ids are generated from the kelurahan
        and a sequence (``"Bintaro-001"``) and reported (``id_generated``). A ``unit_id``
        column beside a different ``id_column`` is kept as ``unit_id_original``.
    columns : mapping, optional
        ``{name in the file: convention}`` (``{"Status": "level", "LUAS_M2": None}``;
        None keeps a column under its own name), applied before the automatic recognition
        of :mod:`kotaku_gis.columns`. Every renaming is reported (``column_mapped``);
        names that fit two conventions, or conventions that two columns fit, are left and
        reported (``column_ambiguous``) for this argument to settle.
    strict : bool, default False
        Raise :class:`~kotaku_gis.InputError` when validation finds errors, instead of warning.

    Returns
    -------
    GeoDataFrame or DataFrame
        The units with ``unit_id`` as strings, the conventional column names, numeric
        denominators, criterion volumes and given ``pct_``/``score_``/``avg_`` columns,
        ``area_ha`` (computed from the geometry when absent; when present it is kept as the
        verified area and ``area_ha_geom`` holds the geometry's hectares), the input index,
        and ``attrs["report"]``: the :class:`~kotaku_gis.ValidationReport` of what was
        renamed, repaired and found.

    Raises
    ------
    InputError
        Missing or unreadable file, unknown layer, missing CRS, an ``id_column`` or
        ``columns`` name the file does not have; with ``strict=True`` also any validation
        error.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> frame = gpd.GeoDataFrame({"unit_id": ["RT01"], "households": [40]},
    ...     geometry=[shapely.box(116.10, -8.58, 116.101, -8.579)], crs="EPSG:4326")
    >>> units = kg.read_units(frame)
    >>> round(float(units.loc[0, "area_ha"]), 2), units.attrs["report"].ok
    (1.22, True)

    Indonesian and truncated names are recognised, and each renaming is reported:

    >>> raw = frame.rename(columns={"households": "JUMLAH_KK"}).assign(road_lengt=[310.0])
    >>> units = kg.read_units(raw)
    >>> [c for c in units.columns if c != "geometry"][:3]
    ['unit_id', 'households', 'road_length_m']
    >>> units.attrs["report"].to_frame().query("check == 'column_mapped'")["message"].tolist()
    ["'JUMLAH_KK' read as 'households' (recognised name)", "'road_lengt' read as 'road_length_m' (Shapefile-truncated name of 'road_length_m')"]
    """  # noqa: E501
    frame, name, report, _ = _read_common(
        source, what="units", layer=layer, columns=columns, id_column=id_column
    )
    if "unit_id" not in frame.columns:
        frame = _generate_ids(frame, report)
    frame = _repair_geometry(frame, "units", report)
    measured = None
    if isinstance(frame, gpd.GeoDataFrame):
        measured = area_ha_array(np.asarray(frame.geometry.array), require_crs(frame.crs))
    report.extend(validate_with_areas(frame, "units", source=name, measured_ha=measured))
    frame["unit_id"] = id_strings(frame["unit_id"])
    for col in _UNIT_FLOATS:
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
    columns: Mapping[str, str | None] | None = None,
    radii: dict[str, float] | None = None,
    strict: bool = False,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read, repair and validate intervention sites (points, lines, polygons or table rows).

    Parameters
    ----------
    source : path or (Geo)DataFrame
        As for :func:`read_units`; a CSV, an Excel sheet or a layer without geometry holds
        table rows that name ``unit_id`` and ``criterion``.
    layer : str or int, optional
        Layer of a multi-layer file; without it a single layer, or one named
        ``"interventions"``, is read.
    columns : mapping, optional
        ``{name in the file: convention}``, as for :func:`read_units`; names such as
        ``id_kegiatan``, ``jenis_kegiatan``, ``tahun_anggaran``, ``progres`` or
        ``nilai_kontrak`` are recognised without it.
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
    ...     {"id_kegiatan": ["W1"], "jenis_kegiatan": ["Drainase lingkungan"],
    ...      "tahun": [2022], "status": ["selesai"]},
    ...     geometry=[shapely.LineString([(116.10, -8.58), (116.101, -8.58)])], crs="EPSG:4326")
    >>> out = kg.read_interventions(works)
    >>> out.loc[0, "intervention_id"], out.loc[0, "category"], round(float(out.loc[0, "volume"]), 1)
    ('W1', 'drainase', 110.1)
    """
    frame, name, report, _ = _read_common(
        source, what="interventions", layer=layer, columns=columns
    )
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
