"""Empty units and works layers to fill in: the columns the readers expect, for QGIS and Excel.

:func:`write_templates` writes, into one folder:

- ``units.gpkg`` (layer ``units``, MultiPolygon, EPSG:4326) and ``interventions.gpkg`` (layer
  ``interventions``, any geometry: points, lines or polygons, EPSG:4326), with the column
  conventions of :mod:`kotaku_gis.columns` as field names and typed fields (text for ids and
  names, whole numbers for counts, decimals for hectares and metres);
- ``units.xlsx`` and ``interventions.xlsx``, one sheet each, with Indonesian headers that the
  readers recognise (the R0 layout's headers for units, with the criterion code in front),
  a note on every header cell with the column's meaning in Indonesian and English, its unit
  and whether it is required.

Every file has no rows: a blank cell is "not known", never 0. Filled in, the files are read by
:func:`kotaku_gis.read_units` and :func:`kotaku_gis.read_interventions` as they are, and by
``kotaku-gis run --units units.gpkg --interventions interventions.gpkg``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .columns import CONVENTIONS, column_guide
from .errors import InputError
from .io import atomic_path
from .rulesets import get_ruleset

__all__ = [
    "INTERVENTION_TEMPLATE_COLUMNS",
    "UNIT_TEMPLATE_COLUMNS",
    "WORKS_HEADERS",
    "template_columns",
    "template_headers",
    "write_templates",
]

#: CRS of the template layers: longitude / latitude on WGS 84, as GPS and Google Earth give.
TEMPLATE_CRS = "EPSG:4326"

#: Columns of the units template besides the criterion volumes (which follow, one per
#: criterion of the ruleset).
UNIT_TEMPLATE_COLUMNS: tuple[str, ...] = (
    "unit_id", "provinsi", "kota", "kecamatan", "kelurahan", "rw", "rt", "nama_kawasan",
    "area_ha", "buildings", "households", "penduduk", "road_length_m", "drain_length_m",
)  # fmt: skip

#: Columns of the works template.
INTERVENTION_TEMPLATE_COLUMNS: tuple[str, ...] = (
    "intervention_id", "kind", "year", "status", "volume", "radius_m", "unit_id", "criterion",
    "kelurahan", "cost", "sumber_dana",
)  # fmt: skip

#: Indonesian headers of the works workbook (each is a name :mod:`kotaku_gis.columns`
#: recognises for its column).
WORKS_HEADERS: dict[str, str] = {
    "intervention_id": "ID Kegiatan",
    "kind": "Jenis Kegiatan",
    "year": "Tahun",
    "status": "Status",
    "volume": "Volume",
    "radius_m": "Radius Layanan (m)",
    "unit_id": "ID Unit",
    "criterion": "Kriteria",
    "kelurahan": "Kelurahan",
    "cost": "Biaya (Rp)",
    "sumber_dana": "Sumber Dana",
}

_TEXT_KINDS = ("id", "text")
_INTEGER_UNITS = ("buildings", "households", "people", "year")


def template_columns(what: str = "units", *, ruleset: str = "permen-14-2018") -> list[str]:
    """The columns of a template, in order.

    Examples
    --------
    >>> from kotaku_gis.templates import template_columns
    >>> template_columns("units")[-3:], len(template_columns("units"))
    (['6b', '7a', '7b'], 30)
    >>> len(template_columns("units", ruleset="permen-02-2016"))
    33
    """
    if what == "units":
        return [*UNIT_TEMPLATE_COLUMNS, *get_ruleset(ruleset).codes]
    if what == "interventions":
        return list(INTERVENTION_TEMPLATE_COLUMNS)
    raise InputError(f"what must be 'units' or 'interventions', not {what!r}.")


def template_headers(what: str = "units", *, ruleset: str = "permen-14-2018") -> list[str]:
    """The Indonesian headers of a template workbook, one per column of
    :func:`template_columns`.

    Units take the first R0 header of each column (:data:`kotaku_gis.workbook.R0_HEADERS`);
    a criterion's header starts with its code ("1.a Ketidakteraturan Bangunan (Unit)").

    Examples
    --------
    >>> from kotaku_gis.templates import template_headers
    >>> template_headers("units")[:2], template_headers("units")[14]
    (['ID RT', 'Provinsi'], '1.a Ketidakteraturan Bangunan (Unit)')
    >>> template_headers("interventions")[:3]
    ['ID Kegiatan', 'Jenis Kegiatan', 'Tahun']
    """
    columns = template_columns(what, ruleset=ruleset)
    if what == "interventions":
        return [WORKS_HEADERS[c] for c in columns]
    rs = get_ruleset(ruleset)
    criteria = {c.code: c for c in rs.criteria}
    headers = []
    for col in columns:
        r0 = CONVENTIONS[col].r0
        if col in criteria:
            crit = criteria[col]
            text = r0[0] if r0 else f"{crit.name_id} ({_UNIT_WORD.get(crit.unit, crit.unit)})"
            headers.append(f"{col[0]}.{col[1]} {text}")
        else:
            headers.append(r0[0] if r0 else col)
    return headers


_UNIT_WORD = {"buildings": "Unit", "households": "KK", "m": "m", "ha": "Ha"}


def _dtype(col: str) -> str:
    conv = CONVENTIONS[col]
    if conv.kind in _TEXT_KINDS or conv.unit in ("text", "code", "label"):
        return "str"
    if conv.kind == "count" or conv.unit in _INTEGER_UNITS:
        return "int64"
    return "float64"


def _empty_layer(columns: Iterable[str]) -> gpd.GeoDataFrame:
    data = {c: pd.Series([], dtype=_dtype(c)) for c in columns}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=TEMPLATE_CRS))


def _write_layer(frame: gpd.GeoDataFrame, path: Path, layer: str, geometry_type: str) -> Path:
    with atomic_path(path) as tmp:
        pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG", geometry_type=geometry_type)
    return path


def _note(col: str, row: pd.Series) -> str:
    need = {"required": "WAJIB / required", "optional": "pilihan / optional"}[row["need"]]
    lines = [
        f"{col} ({row['unit']}): {need}",
        f"id: {row['meaning_id']}",
        f"en: {row['meaning_en']}",
    ]
    if row["when_id"]:
        lines += [f"id: {row['when_id']}", f"en: {row['when_en']}"]
    return "\n".join(lines)


_TITLES = {
    "units": "Templat unit kumuh (satu baris per RT atau kawasan). Sel kosong berarti "
    "belum diketahui, bukan 0. / Slum units template: one row per RT or kawasan; a blank "
    "cell is unknown, not 0.",
    "interventions": "Templat kegiatan penanganan (satu baris per kegiatan). / Works "
    "template: one row per work.",
}


def _write_workbook(what: str, path: Path, *, ruleset: str) -> Path:
    columns = template_columns(what, ruleset=ruleset)
    headers = template_headers(what, ruleset=ruleset)
    guide = column_guide(what, compact=False).set_index("column")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Unit Kumuh" if what == "units" else "Kegiatan"
    ws.append([_TITLES[what]])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append(headers)
    fill = PatternFill("solid", fgColor="DDEBF7")
    required = PatternFill("solid", fgColor="F8CBAD")
    for j, (col, header) in enumerate(zip(columns, headers, strict=True), start=1):
        cell = ws.cell(row=3, column=j)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        row = guide.loc[col]
        cell.fill = required if row["need"] == "required" else fill
        cell.comment = Comment(_note(col, row), "kotaku_gis", width=320, height=140)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(12, min(40, len(header) + 2))
        if _dtype(col) == "str":
            # Ids such as "001" stay text when typed into the sheet.
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "B4"
    ws.row_dimensions[3].height = 45
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def write_templates(
    out_dir: str | os.PathLike,
    *,
    ruleset: str = "permen-14-2018",
    formats: Iterable[str] = ("gpkg", "xlsx"),
) -> list[Path]:
    """Write empty units and works templates into a folder and return their paths.

    Parameters
    ----------
    out_dir : path
        Created if needed; files of the same names are replaced.
    ruleset : str, default "permen-14-2018"
        Whose criteria the units template has a column for (``"permen-02-2016"`` adds 4d,
        4e and 6c).
    formats : iterable of {"gpkg", "xlsx"}, default both
        ``"gpkg"``: ``units.gpkg`` and ``interventions.gpkg`` (EPSG:4326, typed fields named
        by the conventions); ``"xlsx"``: ``units.xlsx`` and ``interventions.xlsx`` with
        Indonesian headers and a note on each header cell.

    Returns
    -------
    list of Path

    Raises
    ------
    InputError
        An unknown ruleset or format.

    Examples
    --------
    >>> import tempfile
    >>> import kotaku_gis as kg
    >>> paths = kg.write_templates(tempfile.mkdtemp())
    >>> [p.name for p in paths]
    ['units.gpkg', 'interventions.gpkg', 'units.xlsx', 'interventions.xlsx']
    >>> units = kg.read_units(paths[0])
    >>> len(units), units.crs.to_epsg(), list(units.columns[:3])
    (0, 4326, ['unit_id', 'provinsi', 'kota'])
    """
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in ("gpkg", "xlsx")]
    if unknown or not formats:
        raise InputError(f"formats must be among 'gpkg' and 'xlsx', not {unknown or formats}.")
    get_ruleset(ruleset)  # an unknown ruleset stops here, before any file is written
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "gpkg" in formats:
        units = _empty_layer(template_columns("units", ruleset=ruleset))
        works = _empty_layer(template_columns("interventions"))
        written.append(_write_layer(units, out / "units.gpkg", "units", "MultiPolygon"))
        written.append(_write_layer(works, out / "interventions.gpkg", "interventions", "Unknown"))
    if "xlsx" in formats:
        for what in ("units", "interventions"):
            written.append(_write_workbook(what, out / f"{what}.xlsx", ruleset=ruleset))
    return written
