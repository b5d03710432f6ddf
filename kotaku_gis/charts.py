"""Printed charts: the slum-level map (one panel, or baseline and after works) and the ledger.

Figures are drawn without pyplot (the Agg canvas), so they work on servers without a display;
labels come from :mod:`kotaku_gis.labels` and colours from :mod:`kotaku_gis.maps.style`.
"""

from __future__ import annotations

import os
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ._deprecation import renamed_keywords
from .errors import InputError
from .io import atomic_path
from .labels import check_lang, level_text, word
from .maps.style import LEVEL_COLOURS, MISSING_COLOUR
from .rulesets import LEVELS, NOT_SLUM
from .schema import ha_column

__all__ = ["plot_ledger", "plot_levels", "save_figure"]


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
            fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight")


def _level_legend(ax: Any, lang: str) -> None:
    handles = [
        Patch(facecolor=LEVEL_COLOURS[lvl], edgecolor="#555555", label=level_text(lvl, lang))
        for lvl in LEVELS
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4,
              fontsize=8, frameon=False)  # fmt: skip


def _draw_levels(ax: Any, frame: gpd.GeoDataFrame, title: str, lang: str) -> None:
    levels = frame["level"].astype("string")
    colours = levels.map(dict(LEVEL_COLOURS)).fillna(MISSING_COLOUR).to_numpy(dtype=object)
    present = frame.geometry.notna().to_numpy() & ~frame.geometry.is_empty.to_numpy()
    if present.any():
        shown = frame[present]
        shown.plot(ax=ax, color=list(colours[present]), edgecolor="#444444", linewidth=0.2)
        # Over a province, RT polygons are specks; a dot per unit keeps every unit visible.
        b = shapely.bounds(np.asarray(shown.geometry.array, dtype=object))
        extent = max(b[:, 2].max() - b[:, 0].min(), b[:, 3].max() - b[:, 1].min())
        size = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])
        if extent > 0 and np.median(size) < 0.01 * extent:
            pts = shapely.point_on_surface(np.asarray(shown.geometry.array, dtype=object))
            ax.scatter(shapely.get_x(pts), shapely.get_y(pts), s=12, c=list(colours[present]),
                       edgecolors="#444444", linewidths=0.3, zorder=3)  # fmt: skip
    ax.set_title(title, fontsize=11)
    ax.set_axis_off()
    _level_legend(ax, lang)


@renamed_keywords("kg.plot_levels", before="baseline")
def plot_levels(
    assessed: gpd.GeoDataFrame,
    *,
    baseline: gpd.GeoDataFrame | None = None,
    path: str | os.PathLike | None = None,
    lang: str = "id",
    dpi: int = 150,
) -> Figure:
    """A printed map of slum levels: one panel, or before and after works side by side.

    Parameters
    ----------
    assessed : GeoDataFrame
        Units scored by :func:`kotaku_gis.assess` (after works when ``baseline`` is given).
    baseline : GeoDataFrame, optional
        The same units scored at baseline: drawn in a left panel. ``before=`` is its old
        name, still accepted with a ``DeprecationWarning``.
    path : path, optional
        Also save the figure as PNG there (atomically).
    lang : {"id", "en"}
        Titles and legend language.
    dpi : int, default 150

    Returns
    -------
    matplotlib.figure.Figure
        Drawn without pyplot (the Agg canvas), so it works on servers without a display.

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
    x0, y0, x1, y1 = assessed.total_bounds
    ratio = (y1 - y0) / (x1 - x0) if np.isfinite([x0, x1]).all() and x1 > x0 else 1.0
    height = float(np.clip(7 * ratio, 3.5, 9))
    fig = Figure(figsize=(7 * len(frames), height), layout="constrained")
    for i, (f, title) in enumerate(zip(frames, titles, strict=True)):
        ax = fig.add_subplot(1, len(frames), i + 1)
        _draw_levels(ax, f, title, lang)
    save_figure(fig, path, dpi=dpi)
    return fig


def plot_ledger(
    ledger: pd.DataFrame,
    *,
    path: str | os.PathLike | None = None,
    lang: str = "id",
    dpi: int = 150,
) -> Figure:
    """A bar chart of the ledger: slum hectares per level each year, against the baseline.

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
    need = ["year", "baseline_ha", "slum_ha", "reduced_ha"]
    missing = [c for c in need if c not in ledger.columns]
    if missing:
        raise InputError(f"the ledger lacks {missing}; pass the output of kg.progress(...).")
    levels = [lvl for lvl in LEVELS if lvl != NOT_SLUM]
    level_cols = [ha_column(lvl) for lvl in levels]
    cols = need[1:] + [c for c in level_cols if c in ledger.columns]
    per_year = pd.DataFrame(ledger[["year", *cols]]).groupby("year", sort=True).sum()
    fig = Figure(figsize=(8, 5), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(len(per_year))
    bottom = np.zeros(len(per_year))
    for lvl, col in zip(levels, level_cols, strict=True):
        if col in per_year.columns:
            values = per_year[col].to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, color=LEVEL_COLOURS[lvl], edgecolor="#444444",
                   linewidth=0.5, label=level_text(lvl, lang))  # fmt: skip
            bottom += values
    baseline = float(per_year["baseline_ha"].iloc[0]) if len(per_year) else 0.0
    ax.axhline(baseline, color="#333333", linestyle="--", linewidth=1,
               label=f"{word('baseline', lang)} ({baseline:,.2f} ha)")  # fmt: skip
    for xi, (slum, red) in enumerate(zip(per_year["slum_ha"], per_year["reduced_ha"], strict=True)):
        ax.annotate(f"{slum:,.2f} ha\n−{red:,.2f} {word('reduced', lang)}", (xi, slum),
                    textcoords="offset points", xytext=(0, 4), ha="center", fontsize=8)  # fmt: skip
    ax.set_xticks(x, [str(y) for y in per_year.index])
    ax.set_ylabel(word("hectares", lang))
    ax.set_ylim(0, max(baseline, float(bottom.max()) if len(bottom) else 0.0) * 1.2 + 1e-9)
    ax.set_title(word("ledger_title", lang))
    ax.legend(fontsize=8, loc="upper right")
    save_figure(fig, path, dpi=dpi)
    return fig
