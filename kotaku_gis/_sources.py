"""Opening what planners hold: GIS layers, zips with folders, KML/KMZ, CSV and Excel tables.

:func:`load_source` turns a path or a frame into a (Geo)DataFrame and a report of what reading
it involved (folders combined, KML bookkeeping fields left out, the R0 workbook's own report),
before column recognition and validation in :mod:`kotaku_gis.io`.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio

from .columns import FOLDER_COLUMN, name_key
from .database import is_database_url, read_source
from .errors import InputError
from .validation_report import ValidationReport

__all__ = ["Loaded", "load_source"]

Source = str | os.PathLike | pd.DataFrame

_VECTOR_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".fgb", ".gml"}
_KML_SUFFIXES = {".kml", ".kmz"}
_PARQUET_SUFFIXES = {".parquet", ".geoparquet"}
_TABLE_SUFFIXES = {".csv", ".tsv"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
#: Files inside a zip that are read as a layer.
_IN_ZIP = _VECTOR_SUFFIXES | {".kml"}
_FORMATS = (
    "GeoPackage (.gpkg), GeoJSON, Shapefile (.shp, or zipped), KML/KMZ, GeoParquet "
    "(.parquet), CSV or Excel (.xlsx)"
)
#: Fields GDAL's KML drivers add to every placemark; left out when they say nothing.
_KML_BOOKKEEPING = (
    "id", "timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility",
    "drawOrder", "icon", "snippet",
)  # fmt: skip
_KML_TYPED_RE = re.compile(
    rb"""(<SimpleField\b[^>]*?\btype\s*=\s*["'])(?:u?int|u?short|float|double|bool)(["'])"""
)


@dataclass
class Loaded:
    """A source read into memory, before column recognition."""

    frame: pd.DataFrame
    name: str
    report: ValidationReport
    #: Current column → name in the file, where reading renamed columns (R0 workbooks).
    file_names: dict[str, str] = field(default_factory=dict)
    #: The values came from a comma-separated CSV file ("1,500" is ambiguous there).
    comma_separated: bool = False
    #: Every value came as text (semicolon CSV, KML): plain numbers are typed afterwards.
    untyped: bool = False
    #: Columns the reader added (not from the file).
    added: tuple[str, ...] = ()


def load_source(source: Source, layer: str | int | None, what: str) -> Loaded:
    """Read ``source`` (a path or a frame) for a reader of ``what``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis._sources import load_source
    >>> loaded = load_source(pd.DataFrame({"a": [1]}), None, "units")
    >>> loaded.name, list(loaded.frame.columns)
    ('<units frame>', ['a'])
    """
    report = ValidationReport(what=what)
    if isinstance(source, pd.DataFrame):
        if isinstance(source, gpd.GeoDataFrame) and source.crs is None:
            if source.active_geometry_name and source.geometry.notna().any():
                raise InputError(
                    f"the {what} GeoDataFrame has no CRS; set it with "
                    ".set_crs('EPSG:4326') (lon/lat) or the CRS it was drawn in."
                )
        name = f"<{what} frame>"
        report.source = name
        return Loaded(source.copy(), name, report)
    if isinstance(source, str) and is_database_url(source):
        frame, name = read_source(source, layer, what)  # PostGIS: a table, view or query
        report.source = name
        return Loaded(frame, name, report)
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        report.source = str(path)
        loaded = _read_path(path, layer, what, report)
        return loaded
    raise InputError(
        f"read_{what} needs a file path or a (Geo)DataFrame, not {type(source).__name__}."
    )


# ---------------------------------------------------------------- dispatch


def _read_path(path: Path, layer: str | int | None, what: str, report: ValidationReport) -> Loaded:
    if not path.exists():
        raise InputError(f"{path} does not exist; check the path and the working directory.")
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes); export the layer again.")
    suffix = path.suffix.lower()
    name = str(path)
    if suffix in _TABLE_SUFFIXES:
        frame, sep = _read_csv(path)
        return Loaded(frame, name, report, comma_separated=sep == ",", untyped=sep != ",")
    if suffix in _EXCEL_SUFFIXES:
        frame, file_names = _read_excel(path, report, what)
        return Loaded(frame, name, report, file_names=file_names, added=("sheet", "excel_row"))
    if suffix in _PARQUET_SUFFIXES:
        return Loaded(_read_parquet(path), name, report)
    if suffix in _KML_SUFFIXES:
        data = _kml_bytes(path) if suffix == ".kml" else _kmz_bytes(path)
        frame, added = _read_kml(data, path, layer, what, report)
        return Loaded(frame, name, report, untyped=True, added=added)
    if suffix == ".zip":
        return _read_zip(path, layer, what, report)
    if suffix not in _VECTOR_SUFFIXES and not path.is_dir():
        raise InputError(f"{path}: unsupported file type {suffix!r}; use {_FORMATS}.")
    return Loaded(_read_vector(str(path), path, layer, what, suffix), name, report)


# ---------------------------------------------------------------- GIS layers


def _layer_names(gdal_path: str | io.BytesIO, path: Path, hint: str) -> list[str]:
    try:
        layers = pyogrio.list_layers(gdal_path)
    except Exception as err:  # pyogrio raises several DataSourceError subclasses
        raise InputError(f"cannot open {path}: {err}. {hint}") from err
    return [str(n) for n in layers[:, 0]]


def _pick(names: list[str], layer: str | int | None, path: Path, what: str) -> str | int | None:
    """The layer to read: ``layer`` checked against ``names``, else the only one, else the one
    named ``what``; None when the source has a single layer."""
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


def _read_vector(
    gdal_path: str, path: Path, layer: str | int | None, what: str, suffix: str
) -> pd.DataFrame:
    names = _layer_names(
        gdal_path, path,
        "Check that it is a complete GeoPackage, GeoJSON or Shapefile (a zipped Shapefile "
        "needs its .shp, .shx, .dbf and .prj).",
    )  # fmt: skip
    chosen = _pick(names, layer, path, what)
    try:
        frame = gpd.read_file(gdal_path, layer=chosen, engine="pyogrio")
    except Exception as err:
        raise InputError(f"cannot read {path}: {err}") from err
    if isinstance(frame, gpd.GeoDataFrame) and frame.crs is None and frame.geometry.notna().any():
        hint = " (the .prj file is missing)" if suffix in {".shp", ".zip"} else ""
        raise InputError(
            f"{path} has no coordinate reference system{hint}. Add it, or read the file "
            "with geopandas and call .set_crs('EPSG:…') before passing the frame."
        )
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
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


# ---------------------------------------------------------------- zips


def _zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise InputError(
            f"cannot open {path} as a zip archive: {err}. Check that the file is complete, "
            "or export (or zip) the layer again."
        ) from err
    # Finder's resource forks ("__MACOSX/", "._x.shp") are not layers.
    return [
        n for n in names
        if not n.endswith("/") and "__MACOSX" not in n
        and not PurePosixPath(n).name.startswith("._")
    ]  # fmt: skip


def _read_zip(path: Path, layer: str | int | None, what: str, report: ValidationReport) -> Loaded:
    """A zip holding one layer anywhere in its folders (``data/rt/rt.shp``), or several
    files of which ``layer`` names one (by file name, stem or path inside the zip)."""
    names = _zip_names(path)
    inside = [n for n in names if PurePosixPath(n).suffix.lower() in _IN_ZIP]
    if not inside:
        raise InputError(
            f"{path} holds no GIS layer (no .shp, .gpkg, .geojson or .kml file); it holds "
            f"{names[:10]}. Check that the zip is the one exported from the GIS."
        )
    member: str | None = None
    inner_layer = layer
    if len(inside) == 1:
        member = inside[0]
    else:
        stems = {n: PurePosixPath(n).stem for n in inside}
        if isinstance(layer, str):
            hits = [n for n in inside if layer in (n, stems[n], PurePosixPath(n).name)]
            if len(hits) == 1:
                member, inner_layer = hits[0], None
        elif layer is None:
            hits = [n for n in inside if stems[n] == what]
            if len(hits) == 1:
                member = hits[0]
        if member is None:
            shown = [stems[n] for n in inside]
            what_to_do = (
                f"its layers are {inside}" if layer is not None else "choose one with layer='…'"
            )
            raise InputError(f"{path} holds {len(inside)} layers {shown}; {what_to_do}.")
    suffix = PurePosixPath(member).suffix.lower()
    name = str(path)
    if suffix == ".kml":
        with zipfile.ZipFile(path) as archive:
            data = archive.read(member)
        frame, added = _read_kml(data, path, inner_layer, what, report)
        return Loaded(frame, name, report, untyped=True, added=added)
    gdal_path = f"/vsizip/{{{path.resolve()}}}/{member}"
    if "/" in member:
        report.add(
            None, None, "info", "zip_member",
            f"read {member!r} from inside the zip", repaired=False,
        )  # fmt: skip
    return Loaded(_read_vector(gdal_path, path, inner_layer, what, suffix), name, report)


# ---------------------------------------------------------------- KML and KMZ


def _kml_bytes(path: Path) -> bytes:
    return path.read_bytes()


def _kmz_bytes(path: Path) -> bytes:
    """The KML document inside a KMZ: ``doc.kml`` where present, else its only .kml."""
    names = _zip_names(path)
    kmls = [n for n in names if n.lower().endswith(".kml")]
    if not kmls:
        raise InputError(
            f"{path} holds no KML document (a KMZ is a zip with a doc.kml); it holds "
            f"{names[:10]}. Export the layer from Google Earth or QGIS again."
        )
    member = next((n for n in kmls if PurePosixPath(n).name.lower() == "doc.kml"), kmls[0])
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)


def _read_kml(
    data: bytes, path: Path, layer: str | int | None, what: str, report: ValidationReport
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Every folder (layer) of a KML document, as text fields.

    Typed fields (``<SimpleField type="float">``) are read as text, so that a number typed
    with a decimal comma ("1,5") is not cut to 1 by GDAL; the readers type numbers
    afterwards. Without ``layer``, folders that share their fields are read together with
    the folder's name in a ``layer`` column (a KMZ with a folder per level); folders with
    different fields must be chosen.
    """
    data = _KML_TYPED_RE.sub(rb"\1string\2", data)
    hint = "Check that it is a complete KML/KMZ file exported from Google Earth or QGIS."
    names = _layer_names(io.BytesIO(data), path, hint)

    def read(which: str | int | None) -> gpd.GeoDataFrame:
        try:
            return gpd.read_file(io.BytesIO(data), layer=which, engine="pyogrio")
        except Exception as err:
            raise InputError(f"cannot read {path}: {err}. {hint}") from err

    added: tuple[str, ...] = ()
    if layer is not None or len(names) <= 1:
        frame = read(_pick(names, layer, path, what))
    else:
        parts = {n: read(n) for n in names}
        filled = {n: f for n, f in parts.items() if len(f)}
        if not filled:
            frame = parts[names[0]]
        elif len(filled) == 1:
            frame = next(iter(filled.values()))
        else:
            fields = {
                n: tuple(c for c in f.columns if c != f.geometry.name) for n, f in filled.items()
            }
            if len(set(fields.values())) > 1:
                raise InputError(
                    f"{path} holds {len(names)} folders (layers) {names} whose fields differ; "
                    "choose one with layer='…'."
                )
            column = (
                FOLDER_COLUMN if FOLDER_COLUMN not in next(iter(fields.values())) else "kml_folder"
            )
            frame = pd.concat(
                [f.assign(**{column: n}) for n, f in filled.items()], ignore_index=True
            )
            frame = gpd.GeoDataFrame(frame, geometry=frame.geometry.name, crs="EPSG:4326")
            added = (column,)
            report.add(
                None, column, "info", "layers_combined",
                f"{path.name}: the {len(filled)} folders {list(filled)} share their fields and "
                f"are read together; the folder of each placemark is in {column!r}",
            )  # fmt: skip
    dropped = [
        c for c in frame.columns
        if c in (*_KML_BOOKKEEPING, "Name", "description")
        and frame[c].astype("string").nunique(dropna=False) <= 1
        and (c not in ("Name", "description") or frame[c].isna().all())
    ]  # fmt: skip
    if dropped:
        frame = frame.drop(columns=dropped)
        report.add(
            None, None, "info", "kml_fields_dropped",
            f"KML fields that say nothing here (empty or the same on every placemark) are "
            f"left out: {dropped}",
        )  # fmt: skip
    return frame, added


# ---------------------------------------------------------------- tables


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    """A CSV table and its separator: ",", or ";" / tab (values then read as text, since
    Indonesian exports write decimal commas)."""
    raw = path.read_bytes()
    text = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise InputError(
            f"cannot read {path} as CSV: it is neither UTF-8 nor Windows-1252 text. Check "
            "that it is a CSV file; save it again as CSV (UTF-8)."
        )
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    sep = max((";", "\t"), key=lambda s: counts[s])
    sep = sep if counts[sep] > counts[","] else ","
    try:
        if sep == ",":
            return pd.read_csv(io.StringIO(text)), sep
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, skipinitialspace=True), sep
    except Exception as err:
        raise InputError(
            f"cannot read {path} as CSV: {err}. Save the table as CSV (UTF-8, comma or "
            "semicolon separated, one header row) and read it again."
        ) from err


#: Reads a workbook as one table (``path``, ``what=``); :mod:`kotaku_gis.workbook` registers
#: its R0 reader here with :func:`register_workbook_reader` when the package is imported, so
#: that this module, which :mod:`kotaku_gis.io` builds on, imports no reader above it.
_WORKBOOK_READER: Callable[..., pd.DataFrame] | None = None


def register_workbook_reader(reader: Callable[..., pd.DataFrame]) -> None:
    """Set the function that reads Excel workbooks as tables (the R0 reader)."""
    global _WORKBOOK_READER
    _WORKBOOK_READER = reader


def _read_excel(
    path: Path, report: ValidationReport, what: str = "units"
) -> tuple[pd.DataFrame, dict[str, str]]:
    """A baseline workbook, read as an R0 table (header row found below any title block,
    Indonesian numbers, one sheet per kelurahan stacked); for interventions, a works table
    read the same way."""
    if _WORKBOOK_READER is None:  # the package's __init__ always registers it first
        raise InputError(f"cannot read {path}: no Excel reader is registered; import kotaku_gis.")
    kind = "interventions" if what == "interventions" else "units"
    table = _WORKBOOK_READER(path, what=kind)
    report.extend(table.attrs["report"])
    names = {col: text for col, text in table.attrs.get("r0_headers", {}).items()}
    for col, text in names.items():
        if text != col:
            how = (
                "the same name written differently"
                if name_key(text) == name_key(col)
                else ("recognised name")
            )
            report.add(None, text, "info", "column_mapped", f"{text!r} read as {col!r} ({how})")
    table.attrs = {}
    return table, names
