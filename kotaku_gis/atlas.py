"""The printable atlas: a province overview, then one page per kota/kabupaten, as one PDF.

Each kota's page carries its name, the year of the works and the ruleset; its slum-level map
before and after the works side by side (framed to the kota and its boundary, with the
kecamatan and kelurahan boundaries, a scale bar, a north arrow and a legend); its table of
units and hectares per level; and its yearly ledger chart. The overview page maps the whole
area with each kota's slum hectares, and tables and charts the totals. Pages are A4 or A3
landscape, with type sizes that read when printed.

:func:`write_atlas` writes the PDF (the command line writes ``atlas.pdf``);
:func:`plot_atlas_overview` and :func:`plot_atlas_page` draw single pages for notebooks.
The hectares are the units' ``area_ha``, added up as in every report
(:func:`kotaku_gis.summaries.summary_by`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ._frames import align_rows
from .boundaries import Boundaries, area_boundary, context_boundaries, name_key
from .charts import (
    MapFrame,
    draw_ledger,
    format_ha,
    level_colours,
    level_handles,
    paper_size,
    place_labels,
    spread_labels,
    subtitle,
)
from .errors import InputError
from .io import atomic_path
from .labels import NOT_ASSESSED, check_lang, header, level_text, texts, word
from .maps.style import LEVEL_COLOURS, MISSING_COLOUR
from .rulesets import LEVELS
from .summaries import summary_by

__all__ = ["plot_atlas_overview", "plot_atlas_page", "write_atlas"]

_MAX_TABLE_ROWS = 18


def _frames(
    baseline: gpd.GeoDataFrame, after: pd.DataFrame | None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """The baseline with geometry, and the units' levels after works in its row order (on
    its geometry), or None."""
    if not isinstance(baseline, gpd.GeoDataFrame) or "level" not in baseline.columns:
        raise InputError(
            "the atlas needs the baseline as a GeoDataFrame of assessed units (geometry and "
            "'level'), as kg.assess returns it for units read by kg.read_units."
        )
    if after is None:
        return baseline, None
    if "level" not in after.columns:
        raise InputError("after has no 'level': pass the frame kg.assess returns after works.")
    aligned = align_rows(after, baseline, name="the units after works", other="the baseline")
    keep = [c for c in ("unit_id", "kota", "provinsi") if c in baseline.columns]
    later = gpd.GeoDataFrame(baseline[keep], geometry=baseline.geometry, crs=baseline.crs)
    later["level"] = aligned["level"].to_numpy()
    return baseline, later


def _kota_names(frame: pd.DataFrame, lang: str) -> list[Any]:
    if "kota" not in frame.columns:
        return [None]
    names = sorted(frame["kota"].dropna().unique(), key=str)
    return names + ([pd.NA] if frame["kota"].isna().any() else [])


def _rows_of(frame: pd.DataFrame, kota: Any) -> np.ndarray:
    if kota is None or "kota" not in frame.columns:
        return np.ones(len(frame), bool)
    if kota is pd.NA:
        return frame["kota"].isna().to_numpy()
    return (frame["kota"].map(name_key) == name_key(kota)).to_numpy(dtype=bool)


def _kota_label(kota: Any, frame: pd.DataFrame, lang: str) -> str:
    if kota is pd.NA:
        return texts(lang)["no_area"]
    if kota is None:
        prov = frame["provinsi"].dropna().unique() if "provinsi" in frame.columns else []
        return str(prov[0]) if len(prov) == 1 else texts(lang)["all_units"]
    return str(kota)


def _header(fig: Figure, heading: str, sub: str) -> None:
    fig.text(0.5, 0.972, heading, ha="center", va="top", fontsize=15, fontweight="bold")
    if sub:
        fig.text(0.5, 0.933, sub, ha="center", va="top", fontsize=9.5, color="#333333")


def _footer(fig: Figure, lang: str, page: int | None, pages: int | None) -> None:
    made = word("made_with", lang).format(date=dt.date.today().isoformat())
    fig.text(0.03, 0.012, made, fontsize=6.5, color="#666666", va="bottom")
    if page is not None and pages is not None:
        fig.text(0.97, 0.012, word("page", lang).format(page=page, pages=pages),
                 fontsize=7, color="#444444", ha="right", va="bottom")  # fmt: skip


def _level_table(ax: Any, row: pd.Series | None, lang: str, has_after: bool) -> None:
    """A kota's units and hectares per level, before and (if known) after works."""
    ax.set_axis_off()
    ax.set_title(word("level_table", lang), fontsize=10, loc="left")
    if row is None:
        return
    cols = [word("level_col", lang), word("units_before", lang), word("ha_before", lang)]
    if has_after:
        cols += [word("units_after", lang), word("ha_after", lang)]
    cols = [c.replace(" (", "\n(") for c in cols]
    keys = [(level_text(lvl, lang), f"units_{_key(lvl)}", f"ha_{_key(lvl)}") for lvl in LEVELS]
    keys.append((NOT_ASSESSED[lang], "units_not_assessed", "ha_not_assessed"))
    keys.append((word("slum_total", lang), "slum_units", "slum_ha"))
    keys.append((word("all_levels", lang), "units", "area_ha"))
    cells, colours = [], []
    swatch = [*(LEVEL_COLOURS[lvl] for lvl in LEVELS), MISSING_COLOUR, "white", "white"]
    for (label, units_col, ha_col), colour in zip(keys, swatch, strict=True):
        line = [label, _count(row.get(units_col), lang), format_ha(float(row.get(ha_col, 0)), lang)]
        if has_after:
            after_units = row.get(f"{units_col}_after", row.get(units_col))
            after_ha = row.get(f"{ha_col}_after", row.get(ha_col, 0))
            line += [_count(after_units, lang), format_ha(float(after_ha), lang)]
        cells.append(line)
        colours.append([colour] + ["white"] * (len(line) - 1))
    table = ax.table(cellText=cells, colLabels=cols, cellColours=colours, loc="upper left",
                     cellLoc="right", colLoc="center", bbox=[0, 0, 1, 0.9])  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        cell.set_linewidth(0.5)
        if r == 0:  # two-line headings: a taller row (the table keeps its box)
            cell.set_height(cell.get_height() * 1.8)
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#eeeeee")
        if c == 0 and r > 0:
            cell.get_text().set_horizontalalignment("left")
        if r >= len(cells) - 1:
            cell.set_text_props(fontweight="bold")


def _key(level: str) -> str:
    return level.replace(" ", "_")


def _count(value: Any, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "id" else text


def _ledger_panel(ax: Any, ledger: pd.DataFrame | None, lang: str) -> None:
    if ledger is None or not len(ledger):
        ax.set_axis_off()
        ax.text(0.5, 0.5, word("no_ledger", lang), ha="center", va="center", fontsize=9,
                color="#555555", transform=ax.transAxes)  # fmt: skip
        return
    draw_ledger(ax, ledger, lang, fontsize=7)
    ax.set_title(word("ledger_short", lang), fontsize=10, loc="left")
    ax.tick_params(labelsize=8)
    ax.yaxis.label.set_size(8)


def _kota_ledger(ledger: pd.DataFrame | None, kota: Any) -> pd.DataFrame | None:
    """The kota's rows of a ledger made per kota (``kg.progress(..., by="kota")``)."""
    if ledger is None or "kota" not in ledger.columns or kota is None:
        return None
    return ledger[_rows_of(ledger, kota)]


def _summary_rows(baseline: pd.DataFrame, after: pd.DataFrame | None) -> pd.DataFrame:
    if "kota" not in baseline.columns:
        return summary_by(baseline, after=after, by=None, total="total")
    return summary_by(baseline, after=after, by="kota", total=None)


# ---------------------------------------------------------------- one kota's page


def _page(
    base: gpd.GeoDataFrame,
    after: gpd.GeoDataFrame | None,
    kota: Any,
    *,
    found: Boundaries,
    ledger: pd.DataFrame | None,
    table: pd.DataFrame,
    year: int | None,
    lang: str,
    paper: str,
    page: int | None,
    pages: int | None,
) -> Figure:
    rows = _rows_of(base, kota)
    if not rows.any():
        known = sorted(base["kota"].dropna().astype(str).unique()) if "kota" in base else []
        raise InputError(f"no unit of kota {kota!r}; the kota are {known[:12]}.")
    part = base[rows]
    part_after = after[rows] if after is not None else None
    name = _kota_label(kota, base, lang)
    width, height = paper_size(paper)
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    prov = part["provinsi"].dropna().unique() if "provinsi" in part.columns else []
    sub = " · ".join(
        s for s in (str(prov[0]) if len(prov) == 1 else "",
                    subtitle(year, base.attrs.get("ruleset"), lang)) if s
    )  # fmt: skip
    _header(fig, f"{word('atlas_title', lang)} · {name}", sub)
    frames = [part] if part_after is None else [part, part_after]
    area = None if kota is None or kota is pd.NA else kota
    mf = MapFrame(frames, found=found, area=area)
    titles = (
        [word("map", lang)]
        if part_after is None
        else [word("map_before", lang), word("map_after", lang)]
    )
    grid = fig.add_gridspec(1, len(frames), left=0.03, right=0.97, top=0.875, bottom=0.41,
                            wspace=0.04)  # fmt: skip
    drawn: list[str] = []
    for k, t in enumerate(titles):
        ax = fig.add_subplot(grid[0, k])
        drawn = mf.draw(ax, k, level_colours(frames[k]["level"]), t, lang)
    fig.legend(handles=level_handles(lang, drawn), loc="center", ncol=8, fontsize=7.5,
               frameon=False, bbox_to_anchor=(0.5, 0.375))  # fmt: skip
    key = table["kota"].map(name_key) if "kota" in table.columns else None
    row = None
    if key is not None and area is not None:
        hit = table[(key == name_key(area)).to_numpy(bool)]
        row = hit.iloc[0] if len(hit) else None
    elif len(table):
        row = table.iloc[-1]
    _level_table(fig.add_axes((0.03, 0.05, 0.46, 0.29)), row, lang, part_after is not None)
    _ledger_panel(fig.add_axes((0.57, 0.07, 0.40, 0.26)), _kota_ledger(ledger, kota), lang)
    _footer(fig, lang, page, pages)
    place_labels(fig)
    return fig


def plot_atlas_page(
    baseline: gpd.GeoDataFrame,
    kota: str | None = None,
    *,
    after: pd.DataFrame | None = None,
    ledger: pd.DataFrame | None = None,
    boundaries: Any = "auto",
    year: int | None = None,
    lang: str = "id",
    paper: str = "A4",
) -> Figure:
    """One kota's atlas page: level maps before and after works, its table and its ledger.

    Parameters
    ----------
    baseline : GeoDataFrame
        Units scored at baseline (:func:`kotaku_gis.assess`), with geometry.
    kota : str, optional
        The kota/kabupaten of the page, as the units' ``kota`` column names it; default all
        the units (a page for units without ``kota``).
    after : DataFrame, optional
        The same units scored after works (matched on ``unit_id``): the right-hand map and
        the table's "after" columns.
    ledger : DataFrame, optional
        :func:`kotaku_gis.progress` by kota (``by="kota"``): the page's ledger chart is its
        kota's rows. Without a ``kota`` column no chart is drawn (a note says so).
    boundaries : "auto", None, GeoDataFrame or mapping, default "auto"
        Boundaries drawn for context (bundled for Nusa Tenggara Barat), as for
        :func:`kotaku_gis.map_units`; the kota's own boundary frames the maps.
    year : int, optional
        The year of the works, in the page's subtitle.
    lang : {"id", "en"}, default "id"
    paper : {"A4", "A3"}, default "A4"
        Landscape page size.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InputError
        No geometry or ``level``, or a ``kota`` no unit has.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame({"unit_id": ["A", "B"], "kota": ["Kota Mataram"] * 2,
    ...     "area_ha": [2.0, 3.0], "level": ["kumuh berat", "tidak kumuh"]},
    ...     geometry=[shapely.box(116.10, -8.59, 116.11, -8.58),
    ...               shapely.box(116.11, -8.59, 116.12, -8.58)], crs=4326)
    >>> fig = kg.plot_atlas_page(units, "Kota Mataram", year=2023, lang="en")
    >>> fig.texts[0].get_text()
    'Slum atlas · Kota Mataram'
    """
    lang = check_lang(lang)
    base, aft = _frames(baseline, after)
    found = context_boundaries(base, boundaries)
    table = _summary_rows(base, after)
    return _page(base, aft, kota, found=found, ledger=ledger, table=table, year=year,
                 lang=lang, paper=paper, page=None, pages=None)  # fmt: skip


# ---------------------------------------------------------------- the overview


def _overview(
    base: gpd.GeoDataFrame,
    after: gpd.GeoDataFrame | None,
    *,
    found: Boundaries,
    ledger: pd.DataFrame | None,
    table: pd.DataFrame,
    year: int | None,
    lang: str,
    paper: str,
    title: str | None,
    page: int | None,
    pages: int | None,
) -> Figure:
    now = after if after is not None else base
    width, height = paper_size(paper)
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    prov = base["provinsi"].dropna().unique() if "provinsi" in base.columns else []
    area = title or (str(prov[0]) if len(prov) == 1 else texts(lang)["all_units"])
    heading = f"{word('atlas_title', lang)} · {area} · {word('atlas_overview', lang)}"
    _header(fig, heading, subtitle(year, base.attrs.get("ruleset"), lang))
    mf = MapFrame([now], found={k: v for k, v in found.items() if k == "kota"})
    if mf.aspect < 0.62:
        map_box, table_box, ledger_box = (
            (0.03, 0.40, 0.94, 0.465),
            (0.03, 0.04, 0.52, 0.31),
            (0.61, 0.07, 0.36, 0.26),
        )
    else:
        map_box, table_box, ledger_box = (
            (0.02, 0.07, 0.55, 0.80),
            (0.60, 0.47, 0.38, 0.40),
            (0.62, 0.08, 0.35, 0.30),
        )
    ax = fig.add_axes(map_box)
    title_map = word("map_after", lang) if after is not None else word("map", lang)
    drawn = mf.draw(ax, 0, level_colours(now["level"]), title_map, lang)
    marks = _kota_marks(ax, mf, base, table, found, lang)
    ax.legend(handles=level_handles(lang, drawn), loc="lower right", fontsize=7, ncol=2,
              framealpha=0.85)  # fmt: skip
    _kota_table(fig.add_axes(table_box), table, lang, after is not None)
    _ledger_panel(fig.add_axes(ledger_box), ledger, lang)
    _footer(fig, lang, page, pages)
    spread_labels(fig, marks)
    place_labels(fig)
    return fig


def _kota_marks(
    ax: Any, mf: MapFrame, base: gpd.GeoDataFrame, table: pd.DataFrame, found: Boundaries,
    lang: str,
) -> list[Any]:  # fmt: skip
    """Each kota's name and slum hectares (after works, else baseline) on the overview map,
    the most hectares first."""
    if "kota" not in base.columns or "kota" not in table.columns:
        return []
    col = "slum_ha_after" if "slum_ha_after" in table.columns else "slum_ha"
    kota_layer = found.get("kota")
    marks = []
    for _, row in table.sort_values(col, ascending=False, kind="stable").iterrows():
        rows = _rows_of(base, row["kota"])
        if not rows.any():
            continue
        shape = area_boundary(row["kota"], base[rows], kota_layer)
        if shape is not None:
            pt = gpd.GeoSeries([shape.representative_point()], crs=4326).to_crs(mf.crs).iloc[0]
        else:
            pts = shapely.point_on_surface(mf.geoms[0][rows])
            pts = pts[~shapely.is_missing(pts)]
            if not len(pts):
                continue
            pt = shapely.Point(np.median(shapely.get_x(pts)), np.median(shapely.get_y(pts)))
        marks.append(
            ax.annotate(
                f"{row['kota']}\n{format_ha(float(row[col]), lang)} ha", (pt.x, pt.y),
                xytext=(0, 0),
                textcoords="offset points", fontsize=6.5, ha="center", va="center", zorder=10,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#888888",
                      "linewidth": 0.4, "alpha": 0.9},
                arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 0.6,
                            "shrinkA": 0, "shrinkB": 1},
            )
        )  # fmt: skip
    return marks


def _kota_table(ax: Any, table: pd.DataFrame, lang: str, has_after: bool) -> None:
    """Slum hectares per kota: baseline, after, reduced; the biggest first if many."""
    ax.set_axis_off()
    ax.set_title(word("kota_table", lang), fontsize=10, loc="left")
    if "kota" not in table.columns or not len(table):
        return
    rows = table.copy()
    rows = rows.sort_values("slum_ha", ascending=False, kind="stable")
    cols = [word("area_col", lang), header("units", lang), word("slum_ha_before", lang)]
    if has_after:
        cols += [word("slum_ha_after", lang), word("reduced_ha", lang)]
    cols = [c.replace(" (", "\n(") for c in cols]
    cells = []
    shown = rows.head(_MAX_TABLE_ROWS)
    for _, r in shown.iterrows():
        line = [str(r["kota"]), _count(r["units"], lang), format_ha(float(r["slum_ha"]), lang)]
        if has_after:
            line += [
                format_ha(float(r["slum_ha_after"]), lang),
                format_ha(float(r["reduced_ha"]), lang),
            ]
        cells.append(line)
    if len(rows) > len(shown):
        cells.append([f"… +{len(rows) - len(shown)}", "", "", *([""] * (2 if has_after else 0))])
    total = [word("total", lang), _count(rows["units"].sum(), lang),
             format_ha(float(rows["slum_ha"].sum()), lang)]  # fmt: skip
    if has_after:
        total += [format_ha(float(rows["slum_ha_after"].sum()), lang),
                  format_ha(float(rows["reduced_ha"].sum()), lang)]  # fmt: skip
    cells.append(total)
    size = 8 if len(cells) <= 13 else 6.5
    widths = [0.36, 0.12, 0.17, 0.18, 0.17] if has_after else [0.5, 0.2, 0.3]
    t = ax.table(cellText=cells, colLabels=cols, loc="upper left", cellLoc="right",
                 colLoc="center", bbox=[0, 0, 1, 0.92], colWidths=widths)  # fmt: skip
    t.auto_set_font_size(False)
    t.set_fontsize(size)
    for (r, c), cell in t.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        cell.set_linewidth(0.5)
        if r == 0:  # two-line headings: a taller row (the table keeps its box)
            cell.set_height(cell.get_height() * 1.8)
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#eeeeee")
        if c == 0 and r > 0:
            cell.get_text().set_horizontalalignment("left")
        if r == len(cells):
            cell.set_text_props(fontweight="bold")


def plot_atlas_overview(
    baseline: gpd.GeoDataFrame,
    *,
    after: pd.DataFrame | None = None,
    ledger: pd.DataFrame | None = None,
    boundaries: Any = "auto",
    year: int | None = None,
    title: str | None = None,
    lang: str = "id",
    paper: str = "A4",
) -> Figure:
    """The atlas's overview page: the whole area's level map, slum hectares per kota, ledger.

    Parameters
    ----------
    baseline, after, boundaries, year, lang, paper
        As for :func:`plot_atlas_page`.
    ledger : DataFrame, optional
        :func:`kotaku_gis.progress` (with or without groups: they are added up per year).
    title : str, optional
        The area named in the title; default the units' one provinsi.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame({"unit_id": ["A", "B"], "kota": ["Kota Mataram", "Kota Bima"],
    ...     "area_ha": [2.0, 3.0], "level": ["kumuh berat", "tidak kumuh"]},
    ...     geometry=[shapely.box(116.10, -8.59, 116.11, -8.58),
    ...               shapely.box(118.72, -8.46, 118.73, -8.45)], crs=4326)
    >>> fig = kg.plot_atlas_overview(units, title="NTB")
    >>> fig.texts[0].get_text()
    'Atlas kekumuhan · NTB · Ikhtisar'
    """
    lang = check_lang(lang)
    base, aft = _frames(baseline, after)
    found = context_boundaries(base, boundaries)
    table = _summary_rows(base, after)
    return _overview(base, aft, found=found, ledger=ledger, table=table, year=year, lang=lang,
                     paper=paper, title=title, page=None, pages=None)  # fmt: skip


# ---------------------------------------------------------------- the PDF


def write_atlas(
    path: str | os.PathLike,
    baseline: gpd.GeoDataFrame,
    *,
    after: pd.DataFrame | None = None,
    ledger: pd.DataFrame | None = None,
    boundaries: Any = "auto",
    year: int | None = None,
    title: str | None = None,
    lang: str = "id",
    paper: str = "A4",
) -> Path:
    """Write the atlas as one PDF: the overview, then one page per kota/kabupaten.

    Pages follow the kota names in alphabetical order (units without a kota get a last page
    of their own). The file is written to a temporary name and moved into place.

    Parameters
    ----------
    path : path
        The PDF file to write.
    baseline, after, boundaries, year, title, lang, paper
        As for :func:`plot_atlas_overview` and :func:`plot_atlas_page`.
    ledger : DataFrame, optional
        :func:`kotaku_gis.progress` by kota (``by="kota"``): each page charts its kota's
        rows and the overview their sum per year. A ledger without ``kota`` is charted on
        the overview only.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame({"unit_id": ["A", "B"], "kota": ["Kota Mataram", "Kota Bima"],
    ...     "area_ha": [2.0, 3.0], "level": ["kumuh berat", "tidak kumuh"]},
    ...     geometry=[shapely.box(116.10, -8.59, 116.11, -8.58),
    ...               shapely.box(118.72, -8.46, 118.73, -8.45)], crs=4326)
    >>> out = kg.write_atlas(pathlib.Path(tempfile.mkdtemp()) / "atlas.pdf", units)
    >>> out.read_bytes()[:5]
    b'%PDF-'
    """
    lang = check_lang(lang)
    paper_size(paper)
    base, aft = _frames(baseline, after)
    found = context_boundaries(base, boundaries)
    table = _summary_rows(base, after)
    names = _kota_names(base, lang)
    pages = 1 + len(names)
    out = Path(path)
    with atomic_path(out) as tmp, PdfPages(tmp, metadata=_metadata(area=title, lang=lang)) as pdf:
        pdf.savefig(
            _overview(base, aft, found=found, ledger=ledger, table=table, year=year, lang=lang,
                      paper=paper, title=title, page=1, pages=pages)
        )  # fmt: skip
        for k, kota in enumerate(names, start=2):
            pdf.savefig(
                _page(base, aft, kota, found=found, ledger=ledger, table=table, year=year,
                      lang=lang, paper=paper, page=k, pages=pages)
            )  # fmt: skip
    return out


def _metadata(*, area: str | None, lang: str) -> dict[str, str]:
    title = word("atlas_title", lang) + (f" · {area}" if area else "")
    return {"Title": title, "Creator": "kotaku_gis"}
