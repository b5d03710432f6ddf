"""Printed charts: slum-level maps (one panel, or baseline and after works) and the ledger.

The maps are drawn for paper: in a metric frame centred on the area (so that the scale bar is
true), framed to the area and its boundary, with a title (area, year of the works, ruleset),
the kota, kecamatan and kelurahan boundaries (bundled for Nusa Tenggara Barat, or passed), a
scale bar, a north arrow and a legend; units too small to see at the page's scale get a dot
each. Figures are drawn without pyplot (the Agg canvas), so they work on servers without a
display; labels come from :mod:`kotaku_gis.labels` and colours from
:mod:`kotaku_gis.maps.style`. The atlas (:mod:`kotaku_gis.atlas`) puts these pieces on pages.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text

from ._deprecation import renamed_keywords
from .boundaries import BOUNDARY_LEVELS, Boundaries, area_boundary, context_boundaries
from .crs import WGS84, laea_crs
from .errors import InputError
from .io import atomic_path
from .labels import check_lang, level_text, texts, word
from .maps.style import LEVEL_COLOURS, MISSING_COLOUR
from .rulesets import LEVELS, NOT_SLUM, get_ruleset
from .schema import ha_column

__all__ = ["PAPER_SIZES", "plot_ledger", "plot_levels", "save_figure"]

#: Landscape page sizes in inches: width, height.
PAPER_SIZES: dict[str, tuple[float, float]] = {"A4": (11.69, 8.27), "A3": (16.54, 11.69)}

# line colour, width (pt) and style of each boundary level on paper
_BOUNDARY_STYLE: dict[str, tuple[str, float, Any]] = {
    "kota": ("#222222", 1.4, "solid"),
    "kecamatan": ("#555555", 0.7, (0, (5, 2.5))),
    "kelurahan": ("#888888", 0.45, (0, (1.5, 1.5))),
}
_EDGE = "#4d4d4d"


def save_figure(fig: Figure, path: str | os.PathLike | None, *, dpi: int = 150) -> None:
    """Save a figure as PNG, replacing the file atomically (nothing when ``path`` is None).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from matplotlib.figure import Figure
    >>> from kotaku_gis.charts import save_figure
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "blank.png"
    >>> save_figure(Figure(), path)
    >>> path.read_bytes()[:4]
    b'\x89PNG'
    """
    if path is not None:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=dpi)


def paper_size(paper: str) -> tuple[float, float]:
    """Width and height in inches of a landscape page ``"A4"`` or ``"A3"``."""
    key = str(paper).upper()
    if key not in PAPER_SIZES:
        raise InputError(f"paper={paper!r}: choose 'A4' or 'A3' (landscape).")
    return PAPER_SIZES[key]


# ---------------------------------------------------------------- the parts of a printed map


def subtitle(year: int | None, ruleset: Any, lang: str) -> str:
    """ "Works completed by 2023 · Permen PUPR 14/PRT/M/2018" (what is known of the two).

    Examples
    --------
    >>> from kotaku_gis.charts import subtitle
    >>> subtitle(2023, "permen-14-2018", "en")
    'Works completed by 2023 · Permen PUPR 14/PRT/M/2018'
    """
    parts = []
    if year is not None:
        parts.append(word("works_to", lang).format(year=int(year)))
    if ruleset:
        try:
            parts.append(get_ruleset(ruleset).title)
        except Exception:  # a name no ruleset has is printed as it is
            parts.append(str(ruleset))
    return " · ".join(parts)


def page_crs(bounds: Sequence[float]):
    """A metric frame (Lambert azimuthal equal-area) centred on lon/lat ``bounds``."""
    west, south, east, north = bounds
    return laea_crs(round((west + east) / 2, 3), round((south + north) / 2, 3))


def _lonlat_bounds(frame: gpd.GeoDataFrame) -> np.ndarray | None:
    geoms = frame.geometry
    shown = geoms[~(geoms.isna() | geoms.is_empty)]
    if shown.empty:
        return None
    return np.asarray(shown.to_crs(WGS84).total_bounds, dtype=float)


def _patches(geoms: np.ndarray) -> list[PathPatch | None]:
    """One matplotlib patch per (multi)polygon, holes kept; None where there is none."""
    out: list[PathPatch | None] = []
    for geom in geoms:
        if geom is None or shapely.is_empty(geom):
            out.append(None)
            continue
        verts, codes = [], []
        for poly in getattr(geom, "geoms", [geom]):
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                verts.append(xy)
                codes.append(
                    [MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY]
                )
        out.append(PathPatch(MplPath(np.concatenate(verts), np.concatenate(codes))))
    return out


def draw_units(ax: Any, geoms: np.ndarray, colours: Sequence[str], extent_m: float) -> None:
    """Units as polygons; a unit printed smaller than about 1.2 mm also gets a dot, so that
    every unit shows on paper (a dot per RT over a province, none over a city)."""
    patches = _patches(geoms)
    keep = [i for i, p in enumerate(patches) if p is not None]
    if not keep:
        return
    coll = PatchCollection(
        [patches[i] for i in keep],
        facecolors=[colours[i] for i in keep],
        edgecolors=_EDGE,
        linewidths=0.25,
        zorder=2,
    )
    ax.add_collection(coll)
    shown = geoms[keep]
    b = shapely.bounds(shown)
    size = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    panel_mm = 25.4 * max(pos.width * fig_w, pos.height * fig_h)
    small = size / max(extent_m, 1.0) * panel_mm < 1.2
    if small.any():
        pts = shapely.point_on_surface(shown[small])
        ax.scatter(
            shapely.get_x(pts), shapely.get_y(pts), s=30,
            c=[colours[i] for i, s in zip(keep, small, strict=True) if s],
            edgecolors="#222222", linewidths=0.6, zorder=3,
        )  # fmt: skip


def project_boundaries(
    found: Boundaries, crs: Any, window: shapely.Geometry
) -> dict[str, tuple[np.ndarray, pd.Series]]:
    """The boundaries of each level that meet ``window`` (in ``crs``), projected, with names."""
    out = {}
    for level in BOUNDARY_LEVELS:
        frame = found.get(level)
        if frame is None or frame.empty:
            continue
        lonlat = gpd.GeoSeries([window], crs=crs).to_crs(WGS84).iloc[0].envelope
        near = shapely.intersects(np.asarray(frame.geometry.array, dtype=object), lonlat)
        if near.any():
            part = frame[near]
            out[level] = (np.asarray(part.geometry.to_crs(crs).array, dtype=object), part["nama"])
    return out


def draw_boundaries(
    ax: Any,
    shapes: dict[str, tuple[np.ndarray, pd.Series]],
    window: shapely.Geometry,
    *,
    names: bool = True,
    bold: shapely.Geometry | None = None,
) -> list[str]:
    """Boundary lines (of :func:`project_boundaries`) and kecamatan/kelurahan names within
    ``window``; the area's own boundary ``bold`` drawn thicker. Returns the levels drawn."""
    drawn = []
    for level in BOUNDARY_LEVELS:
        if level not in shapes:
            continue
        geoms, labels_ = shapes[level]
        near = shapely.intersects(geoms, window)
        if not near.any():
            continue
        colour, width, style = _BOUNDARY_STYLE[level]
        lines = [line for geom in geoms[near] for line in _rings(geom)]
        ax.add_collection(
            LineCollection(lines, colors=colour, linewidths=width, linestyles=style, zorder=4)
        )
        drawn.append(level)
        if names and level != "kota" and near.sum() <= 40:
            pts = shapely.point_on_surface(shapely.intersection(geoms[near], window))
            for pt, name in zip(pts, labels_[near], strict=True):
                if pt is None or shapely.is_empty(pt) or pd.isna(name):
                    continue
                text = str(name).upper() if level == "kecamatan" else str(name)
                ax.text(
                    pt.x, pt.y, text, fontsize=6 if level == "kecamatan" else 5.2,
                    color="#555555", style="italic", ha="center", va="center", zorder=1,
                    clip_on=True,
                )  # fmt: skip
    if bold is not None:
        ax.add_collection(LineCollection(_rings(bold), colors="#111111", linewidths=2.0, zorder=5))
    return drawn


def _rings(geom: shapely.Geometry) -> list[np.ndarray]:
    polys = getattr(geom, "geoms", [geom])
    out = []
    for poly in polys:
        if poly.geom_type != "Polygon":
            continue
        out += [np.asarray(r.coords)[:, :2] for r in (poly.exterior, *poly.interiors)]
    return out


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10^k metres not above ``metres``.

    Examples
    --------
    >>> from kotaku_gis.charts import nice_length
    >>> nice_length(3700), nice_length(740), nice_length(19_000)
    (2000.0, 500.0, 10000.0)
    """
    k = np.floor(np.log10(max(metres, 1e-9)))
    for step in (5, 2, 1):
        if step * 10**k <= metres:
            return float(step * 10**k)
    return float(10**k)


def scale_bar(ax: Any, lang: str = "id") -> None:
    """A scale bar in the lower left of a map drawn in metres: four alternating segments."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length((x1 - x0) * 0.25)
    seg = length / 4
    left, bottom, height = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0), 0.012 * (y1 - y0)
    ax.add_patch(
        Rectangle((left - 0.015 * (x1 - x0), bottom - 0.6 * height), length + 0.065 * (x1 - x0),
                  4.6 * height, facecolor="white", edgecolor="none", alpha=0.8, zorder=6)
    )  # fmt: skip
    for k in range(4):
        ax.add_patch(
            Rectangle((left + k * seg, bottom), seg, height, facecolor="black" if k % 2 == 0
                      else "white", edgecolor="black", linewidth=0.6, zorder=7)
        )  # fmt: skip
    unit, factor = ("km", 1000.0) if length >= 1000 else ("m", 1.0)
    for pos, value in ((0, 0.0), (length, length / factor)):
        label = f"{value:g}" if pos == 0 else f"{value:g} {unit}"
        ax.text(left + pos, bottom + 1.6 * height, label, fontsize=6.5, ha="center",
                va="bottom", zorder=8)  # fmt: skip


def north_arrow(ax: Any, lang: str = "id") -> None:
    """A north arrow in the upper right of a map (north is up in the page's frame)."""
    ax.annotate(
        word("north", lang), xy=(0.95, 0.95), xytext=(0.95, 0.84), xycoords="axes fraction",
        textcoords="axes fraction", ha="center", va="center", fontsize=9, fontweight="bold",
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 2.5, "headwidth": 8,
                    "headlength": 8},
        bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.8},
        zorder=9,
    )  # fmt: skip


def frame_to(ax: Any, box: Sequence[float], margin: float = 0.04) -> None:
    """Frame a map axes to ``box`` (minx, miny, maxx, maxy in metres), one metre the same
    length across and up: the box is widened to the shape of the axes."""
    minx, miny, maxx, maxy = box
    w, h = max(maxx - minx, 1.0) * (1 + 2 * margin), max(maxy - miny, 1.0) * (1 + 2 * margin)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    shape = (pos.height * fig_h) / max(pos.width * fig_w, 1e-9)
    if h / w < shape:
        h = w * shape
    else:
        w = h / shape
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#999999")
        spine.set_linewidth(0.6)


def level_colours(levels: pd.Series) -> list[str]:
    """The fill colour of each unit's level (grey where it has none)."""
    text = levels.astype("string").str.strip().str.lower()
    return text.map(dict(LEVEL_COLOURS)).fillna(MISSING_COLOUR).tolist()


def level_handles(lang: str, boundaries: Sequence[str] = ()) -> list[Any]:
    """Legend entries: the four levels, "not assessed" and the boundary lines drawn."""
    handles: list[Any] = [
        Patch(facecolor=LEVEL_COLOURS[lvl], edgecolor=_EDGE, label=level_text(lvl, lang))
        for lvl in LEVELS
    ]
    handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor=_EDGE,
                         label=word("not_assessed_level", lang)))  # fmt: skip
    t = texts(lang)
    for level in boundaries:
        colour, width, style = _BOUNDARY_STYLE[level]
        handles.append(Line2D([], [], color=colour, linewidth=max(width, 0.8), linestyle=style,
                              label=t["boundary_" + level]))  # fmt: skip
    return handles


#: A map is framed to its units rather than to its kota when the units' extent (at least
#: ``LOCATOR_MIN_M`` across) is under this share of the kota's; an inset then shows the kota.
LOCATOR_SHARE = 0.3
LOCATOR_MIN_M = 3000.0


def _side(box: np.ndarray, least: float) -> float:
    """The longer side of a box (minx, miny, maxx, maxy), padded by a fifth, at least ``least``."""
    return max(float(max(box[2] - box[0], box[3] - box[1])) * 1.2, least)


class MapFrame:
    """Units (and their levels) projected for one printed area: extent, boundary, context."""

    def __init__(
        self,
        frames: Sequence[gpd.GeoDataFrame],
        *,
        found: Boundaries,
        area: Any = None,
    ) -> None:
        units = frames[-1]
        bounds = _lonlat_bounds(units)
        if bounds is None:
            bounds = np.array([116.0, -8.7, 116.2, -8.5])
        self.crs = page_crs(bounds)
        self.found = found
        self._shapes: dict[str, tuple[np.ndarray, pd.Series]] | None = None
        kota = found.get("kota")
        own = area_boundary(area, units, kota) if area is not None else None
        self.geoms = [np.asarray(f.geometry.to_crs(self.crs).array, dtype=object) for f in frames]
        shown = self.geoms[-1][
            ~(shapely.is_missing(self.geoms[-1]) | shapely.is_empty(self.geoms[-1]))
        ]
        box = np.asarray(shapely.total_bounds(shown), dtype=float) if len(shown) else None
        self.boundary = None
        #: the kota's outline for a locator inset, when the map is framed to its units alone
        self.locator: shapely.Geometry | None = None
        if own is not None:
            self.boundary = gpd.GeoSeries([own], crs=WGS84).to_crs(self.crs).iloc[0]
            ob = np.asarray(shapely.bounds(self.boundary), dtype=float)
            if box is not None and _side(box, LOCATOR_MIN_M) < LOCATOR_SHARE * _side(ob, 0.0):
                # a few kawasan in a large kabupaten would be specks in its frame: frame the
                # units, and show where they lie in the kota in an inset
                self.locator = self.boundary
                cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
                half = _side(box, LOCATOR_MIN_M) / 2
                box = np.array([cx - half, cy - half, cx + half, cy + half])
            else:
                box = (
                    ob
                    if box is None
                    else np.r_[np.minimum(box[:2], ob[:2]), np.maximum(box[2:], ob[2:])]
                )
        if box is None or not np.isfinite(box).all():
            box = np.array([-1000.0, -1000.0, 1000.0, 1000.0])
        if box[2] - box[0] < 500 and box[3] - box[1] < 500:  # a few small units: show a km
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            box = np.array([cx - 500, cy - 500, cx + 500, cy + 500])
        self.box = box
        self.extent_m = float(max(box[2] - box[0], box[3] - box[1]))

    @property
    def aspect(self) -> float:
        """Height over width of the framed extent."""
        return float((self.box[3] - self.box[1]) / max(self.box[2] - self.box[0], 1.0))

    def draw(self, ax: Any, k: int, colours: Sequence[str], title: str, lang: str) -> list[str]:
        """Draw frame ``k``'s units in ``colours`` with boundaries, scale bar and north arrow."""
        frame_to(ax, self.box)
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        window = shapely.box(x0, y0, x1, y1)
        if self._shapes is None:
            self._shapes = project_boundaries(self.found, self.crs, window)
        drawn = draw_boundaries(ax, self._shapes, window, bold=self.boundary)
        draw_units(ax, self.geoms[k], colours, self.extent_m)
        frame_to(ax, self.box)
        ax.set_title(title, fontsize=10)
        scale_bar(ax, lang)
        north_arrow(ax, lang)
        if self.locator is not None:
            self._locator(ax)
        return drawn

    def _locator(self, ax: Any) -> None:
        """An inset, top left: the kota's outline and the framed extent in red."""
        inset = ax.inset_axes((0.01, 0.70, 0.29, 0.29))
        inset.set_facecolor("white")
        for poly in getattr(self.locator, "geoms", [self.locator]):
            if poly.geom_type != "Polygon":
                continue
            ring = np.asarray(poly.exterior.coords)
            inset.fill(ring[:, 0], ring[:, 1], facecolor="#eeeeee", edgecolor="#222222",
                       linewidth=0.6)  # fmt: skip
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        inset.plot([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], color="#c0392b", linewidth=1.2)
        lb = np.asarray(shapely.bounds(self.locator), dtype=float)
        both = np.r_[np.minimum(lb[:2], (x0, y0)), np.maximum(lb[2:], (x1, y1))]
        frame_to(inset, both, margin=0.06)
        for spine in inset.spines.values():
            spine.set_color("#666666")


# ---------------------------------------------------------------- plot_levels


@renamed_keywords("kg.plot_levels", before="baseline")
def plot_levels(
    assessed: gpd.GeoDataFrame,
    *,
    baseline: gpd.GeoDataFrame | None = None,
    path: str | os.PathLike | None = None,
    lang: str = "id",
    dpi: int = 150,
    title: str | None = None,
    year: int | None = None,
    area: str | None = None,
    boundaries: Any = "auto",
    paper: str = "A4",
) -> Figure:
    """A printed map of slum levels: one panel, or before and after works side by side.

    A landscape page (``paper``) with the area's name, the year and the ruleset, each panel
    framed to the area (its boundary when known) with the boundaries, a scale bar and a
    north arrow, and the legend below. A wide area puts the panels one above the other.

    Parameters
    ----------
    assessed : GeoDataFrame
        Units scored by :func:`kotaku_gis.assess` (after works when ``baseline`` is given).
    baseline : GeoDataFrame, optional
        The same units scored at baseline: drawn in a left (or upper) panel. ``before=`` is
        its old name, still accepted with a ``DeprecationWarning``.
    path : path, optional
        Also save the figure as PNG there (atomically).
    lang : {"id", "en"}
        Language of every text.
    dpi : int, default 150
    title : str, optional
        The area named in the title; default the units' one kota (else their provinsi).
    year : int, optional
        The year of the works, in the subtitle.
    area : str, optional
        The kota/kabupaten whose boundary frames the map and is drawn bold; default the
        units' one kota.
    boundaries : "auto", None, GeoDataFrame or mapping, default "auto"
        Boundaries drawn for context, as for :func:`kotaku_gis.map_units`.
    paper : {"A4", "A3"}, default "A4"
        Landscape page size.

    Returns
    -------
    matplotlib.figure.Figure
        Drawn without pyplot (the Agg canvas); its axes are the map panels.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import kotaku_gis as kg
    >>> units = gpd.GeoDataFrame({"unit_id": ["A"], "level": ["kumuh ringan"]},
    ...     geometry=[shapely.box(116.1, -8.59, 116.101, -8.589)], crs=4326)
    >>> fig = kg.plot_levels(units)
    >>> [ax.get_title() for ax in fig.axes]
    ['Tingkat kumuh']
    """
    lang = check_lang(lang)
    frames = [assessed] if baseline is None else [baseline, assessed]
    for f in frames:
        if not isinstance(f, gpd.GeoDataFrame) or "level" not in f.columns:
            raise InputError(
                "plot_levels needs a GeoDataFrame of assessed units (with geometry and 'level')."
            )
    titles = [word("map", lang)]
    if baseline is not None:
        titles = [word("map_before", lang), word("map_after", lang)]
    one_kota = _one_value(assessed, "kota")
    area = area if area is not None else one_kota
    found = context_boundaries(assessed, boundaries)
    mf = MapFrame(frames, found=found, area=area)
    width, height = paper_size(paper)
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    heading = title or area or _one_value(assessed, "provinsi") or word("map", lang)
    fig.text(0.5, 0.965, f"{word('map', lang)} · {heading}", ha="center", va="top",
             fontsize=15, fontweight="bold")  # fmt: skip
    sub = subtitle(year, assessed.attrs.get("ruleset"), lang)
    if sub:
        fig.text(0.5, 0.925, sub, ha="center", va="top", fontsize=10, color="#333333")
    stacked = len(frames) == 2 and mf.aspect < 0.45
    rows, cols = (2, 1) if stacked else (1, len(frames))
    grid = fig.add_gridspec(rows, cols, left=0.03, right=0.97, top=0.88, bottom=0.1,
                            hspace=0.12, wspace=0.04)  # fmt: skip
    drawn: list[str] = []
    for k, (f, t) in enumerate(zip(frames, titles, strict=True)):
        ax = fig.add_subplot(grid[k, 0] if stacked else grid[0, k])
        drawn = mf.draw(ax, k, level_colours(f["level"]), t, lang)
    fig.legend(handles=level_handles(lang, drawn), loc="lower center", ncol=8, fontsize=8,
               frameon=False, bbox_to_anchor=(0.5, 0.015))  # fmt: skip
    save_figure(fig, path, dpi=dpi)
    return fig


def _one_value(frame: pd.DataFrame, column: str) -> str | None:
    if column not in frame.columns:
        return None
    values = frame[column].dropna().unique()
    return str(values[0]) if len(values) == 1 else None


# ---------------------------------------------------------------- the ledger


def draw_ledger(
    ax: Any, ledger: pd.DataFrame, lang: str, *, fontsize: float = 8, legend: bool = True
) -> None:
    """The ledger's bars (slum hectares per level each year) and baseline line on ``ax``.

    Each bar's label (slum hectares and the reduction) sits above it, and above the
    baseline line where that line would cross it (see :func:`place_labels`).
    """
    need = ["year", "baseline_ha", "slum_ha", "reduced_ha"]
    missing = [c for c in need if c not in ledger.columns]
    if missing:
        raise InputError(f"the ledger lacks {missing}; pass the output of kg.progress(...).")
    levels = [lvl for lvl in LEVELS if lvl != NOT_SLUM]
    level_cols = [ha_column(lvl) for lvl in levels]
    cols = need[1:] + [c for c in level_cols if c in ledger.columns]
    per_year = pd.DataFrame(ledger[["year", *cols]]).groupby("year", sort=True).sum()
    x = np.arange(len(per_year))
    bottom = np.zeros(len(per_year))
    for lvl, col in zip(levels, level_cols, strict=True):
        if col in per_year.columns:
            values = per_year[col].to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, color=LEVEL_COLOURS[lvl], edgecolor="#444444",
                   linewidth=0.5, label=level_text(lvl, lang), zorder=2)  # fmt: skip
            bottom += values
    baseline = float(per_year["baseline_ha"].iloc[0]) if len(per_year) else 0.0
    ax.axhline(baseline, color="#333333", linestyle="--", linewidth=1, zorder=3,
               label=f"{word('baseline', lang)} ({format_ha(baseline, lang)} ha)")  # fmt: skip
    marks = []
    for xi, (slum, red) in enumerate(zip(per_year["slum_ha"], per_year["reduced_ha"], strict=True)):
        marks.append(
            ax.annotate(
                f"{format_ha(slum, lang)} ha\n{_signed(red, lang)} {word('reduced', lang)}",
                (xi, slum),
                textcoords="offset points", xytext=(0, 4), ha="center", va="bottom",
                fontsize=fontsize, zorder=4,
            )
        )  # fmt: skip
    ax.set_xticks(x, [str(y) for y in per_year.index])
    ax.set_ylabel(word("hectares", lang))
    top = max(baseline, float(bottom.max()) if len(bottom) else 0.0)
    # the labels take the band above the bars and the line, the legend the band above them
    ax.set_ylim(0, top * (1.55 if legend else 1.3) + 1e-9)
    if legend:
        ax.legend(fontsize=fontsize, loc="upper center", ncol=2, frameon=False)
    ax.kotaku_labels = (marks, baseline)


def place_labels(fig: Figure) -> None:
    """Move each ledger label that the baseline line would strike to just above the line.

    Call it once the figure is complete, before saving: the layout is settled and the labels
    measured (without drawing the figure).
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    renderer = canvas.get_renderer()
    for ax in fig.axes:
        marks, baseline = getattr(ax, "kotaku_labels", ((), None))
        if baseline is None:
            continue
        line_y = ax.transData.transform((0, baseline))[1]
        for mark in marks:
            box = mark.get_window_extent(renderer)
            if box.y0 - 2 <= line_y <= box.y1 + 2:
                mark.xy = (mark.xy[0], baseline)


def spread_labels(fig: Figure, marks: Sequence[Any]) -> None:
    """Move place labels (annotations at offset (0, 0), largest first) that would overlap an
    earlier one to the nearest free spot around their point; the leader line shows the point.
    """
    if not marks:
        return
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    to_pt = 72.0 / fig.dpi
    placed: list[Any] = []
    for mark in marks:
        mark.update_positions(renderer)
        box = Text.get_window_extent(mark, renderer).expanded(1.15, 1.3)
        w, h = box.width * to_pt, box.height * to_pt
        for dx, dy in ((0, 0), (0, -h), (0, h), (w, 0), (-w, 0), (0, -2 * h), (0, 2 * h),
                       (w, -h), (-w, h), (w, h), (-w, -h), (0, -3 * h), (0, 3 * h)):  # fmt: skip
            moved = box.translated(dx / to_pt, dy / to_pt)
            if not any(moved.overlaps(other) for other in placed):
                mark.xyann = (dx, dy)
                placed.append(moved)
                break
        else:
            placed.append(box)


def _signed(reduced: float, lang: str) -> str:
    """A reduction as a change: "−52,43", and "0,00" (no sign) for none; a growth "+1,20"."""
    text = format_ha(abs(reduced), lang)
    if text.strip("0.,") == "":
        return text
    return ("−" if reduced > 0 else "+") + text


def format_ha(value: float, lang: str) -> str:
    """Hectares with two decimals, grouped the way a reader of ``lang`` writes numbers.

    Parameters
    ----------
    value : float
        Hectares.
    lang : {"id", "en"}
        Indonesian uses ``.`` between thousands and ``,`` before decimals; English the reverse.

    Returns
    -------
    str

    Examples
    --------
    >>> from kotaku_gis.charts import format_ha
    >>> format_ha(1234.5, "id"), format_ha(1234.5, "en")
    ('1.234,50', '1,234.50')
    """
    text = f"{value:,.2f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def plot_ledger(
    ledger: pd.DataFrame,
    *,
    path: str | os.PathLike | None = None,
    lang: str = "id",
    dpi: int = 150,
) -> Figure:
    """A bar chart of the ledger: slum hectares per level each year, against the baseline.

    Every bar is labelled with its slum hectares and the reduction; a label the baseline
    line would cross is lifted above the line.

    Parameters
    ----------
    ledger : DataFrame
        :func:`kotaku_gis.progress`'s table (groups, if any, are added up per year).
    path, lang, dpi
        As for :func:`plot_levels`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> led = pd.DataFrame({"year": [2022, 2023], "baseline_ha": [10.0, 10.0],
    ...     "slum_ha": [8.0, 5.0], "reduced_ha": [2.0, 5.0], "ha_kumuh_berat": [2.0, 1.0],
    ...     "ha_kumuh_sedang": [3.0, 2.0], "ha_kumuh_ringan": [3.0, 2.0]})
    >>> fig = kg.plot_ledger(led, lang="en")
    >>> fig.axes[0].get_title()
    'Slum hectares per year'
    """
    lang = check_lang(lang)
    fig = Figure(figsize=(8, 5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    draw_ledger(ax, ledger, lang)
    ax.set_title(word("ledger_title", lang))
    place_labels(fig)
    save_figure(fig, path, dpi=dpi)
    return fig
