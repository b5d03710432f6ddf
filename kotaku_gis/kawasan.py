"""Kawasan roll-up: each kawasan scored from the summed volumes and denominators of its RTs.

A slum *kawasan* (an area named in the SK Kumuh) is made of RTs. City slum apps score the
kawasan as one unit from its RTs' totals: the deficient quantity of each criterion summed over
the RTs, divided by the summed denominator, then banded and totalled under the regulation as
for an RT. So a kawasan's level is not an average of its RTs' levels: an RT with 90 % of its
roads unserved weighs in by its metres of road.

Sums never stand in for what is missing: when any RT of a kawasan lacks a criterion's volume
or its denominator, the kawasan's sum of that column is blank (not the smaller sum of the RTs
that have it), and the report names the RTs to complete. Volumes are counted as
:func:`kotaku_gis.assess` counts them for an RT (below 0 as 0, above the RT's denominator as
the denominator), so an RT's recording error does not leak into its neighbours' share.

After works, each RT's volumes are lowered by the reductions :func:`kotaku_gis.assess` takes
off that RT (never more than the RT's own deficit: a road that clears one RT's deficit does not
clear the next RT's), and the kawasan is scored from the RTs' remaining volumes.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ._frames import has_geometry, numbers
from .area import area_ha
from .errors import InputError, reject_dask
from .rulesets import DEFAULT_RULESET, Ruleset, get_ruleset
from .schema import ADMIN_COLUMNS
from .scoring import assess
from .validation_report import ValidationReport

__all__ = ["assess_kawasan"]

#: Counts summed besides the ruleset's denominators when present.
_EXTRA_SUMS = ("penduduk",)


def _keys(units: pd.DataFrame, by: str, report: ValidationReport) -> pd.Series:
    """The kawasan name of each RT (text, trimmed); <NA> for RTs in no kawasan (reported)."""
    keys = units[by].astype("string").str.strip().replace("", pd.NA)
    blank = keys.isna().to_numpy()
    if blank.any():
        ids = (units["unit_id"] if "unit_id" in units.columns else units.index.to_series())[blank]
        shown = ", ".join(str(i) for i in ids.tolist()[:10])
        report.add(
            None, by, "info", "no_kawasan",
            f"{int(blank.sum())} unit(s) have no {by!r} and belong to no kawasan ({shown}"
            f"{' …' if blank.sum() > 10 else ''}); they are left out of the roll-up",
        )  # fmt: skip
    return keys


def _hectares_or_blank(units: pd.DataFrame, report: ValidationReport) -> np.ndarray:
    """Each RT's hectares: ``area_ha`` where given, else its geometry's hectares."""
    ha = numbers(units, "area_ha") if "area_ha" in units.columns else np.full(len(units), np.nan)
    if np.isnan(ha).any() and has_geometry(units):
        measured = area_ha(units).to_numpy(dtype=float)
        fill = np.isnan(ha) & ~np.isnan(measured)
        if fill.any():
            ha = np.where(fill, measured, ha)
            report.add(
                None, "area_ha", "info", "area_from_geometry",
                f"{int(fill.sum())} unit(s) without area_ha count their geometry's ellipsoidal "
                "hectares",
            )  # fmt: skip
    return ha


def _volumes_counted(
    units: pd.DataFrame, rs: Ruleset, denominators: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Each RT's volume as assess counts it: below 0 as 0, above the denominator as it."""
    out: dict[str, np.ndarray] = {}
    for c in rs.criteria:
        if c.code not in units.columns:
            out[c.code] = np.full(len(units), np.nan)
            continue
        v = numbers(units, c.code)
        d = denominators[c.denominator]
        usable = ~np.isnan(d) & (d > 0)
        v = np.where(np.isnan(v), np.nan, np.maximum(v, 0.0))
        out[c.code] = np.where(usable & (v > d), d, v)
    return out


def _strict_sums(values: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """Sums per kawasan that are blank where any RT of the kawasan is blank."""
    grouped = values.groupby(keys.to_numpy(), sort=True)
    sums = grouped.sum(min_count=1)
    blanks = values.isna().groupby(keys.to_numpy(), sort=True).sum()
    return sums.mask(blanks > 0)


def _joined(values: pd.Series, keys: pd.Series) -> pd.Series:
    """The distinct non-blank texts of each kawasan, joined by "; " (one when they agree)."""
    text = values.astype("string").str.strip()
    return (
        text.groupby(keys.to_numpy(), sort=True)
        .agg(lambda s: "; ".join(dict.fromkeys(s.dropna().tolist())) or pd.NA)
        .astype("string")
    )


def assess_kawasan(
    units: pd.DataFrame,
    *,
    by: str = "nama_kawasan",
    ruleset: str | Ruleset = DEFAULT_RULESET,
    reductions: pd.DataFrame | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Score each kawasan from the summed volumes and denominators of its RTs.

    Parameters
    ----------
    units : DataFrame or GeoDataFrame
        RT units with ``unit_id``, the kawasan column, the criterion volumes and the
        denominators (as for :func:`kotaku_gis.assess`). Geometry is optional.
    by : str, default "nama_kawasan"
        Column naming each RT's kawasan. RTs with a blank value belong to no kawasan and are
        reported.
    ruleset : str or Ruleset, default "permen-14-2018"
        Regulation to score with.
    reductions : DataFrame, optional
        Reductions table (:func:`kotaku_gis.allocate`), naming RTs by ``unit_id``. Each RT's
        volumes are lowered by what :func:`kotaku_gis.assess` takes off that RT before the
        sums.
    year : int, optional
        Apply only the reductions done by this year.

    Returns
    -------
    DataFrame or GeoDataFrame
        One row per kawasan, in the order of their names: the kawasan column, ``unit_id`` (the
        kawasan's name, so that the ledger functions take the table), ``units`` (RTs
        counted), the administrative columns present (their distinct values joined by
        "; "), the summed denominators (``area_ha`` is the kawasan's hectares) and
        volumes, ``penduduk`` when present, with reductions the summed ``reduction_<code>``,
        then the kawasan's ``pct_<code>``, ``score_<code>``, ``avg_<aspect>``,
        ``total_score`` and ``level`` as :func:`kotaku_gis.assess` gives them; geometry (the
        dissolved RTs) when the units have one. ``attrs["report"]`` holds the kawasan
        assessment's report and the roll-up's own entries (``kawasan_missing_value`` names
        the RTs that leave a sum blank); with reductions, ``attrs["unit_report"]`` holds the
        report of the RTs' assessment.

    Examples
    --------
    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> rts = pd.DataFrame({"unit_id": ["RT01", "RT02"], "nama_kawasan": ["Pesisir"] * 2,
    ...     "buildings": [40, 60], "7a": [40, 20], "7b": [40, 20]})
    >>> k = kg.assess_kawasan(rts)
    >>> k[["nama_kawasan", "units", "buildings", "7a", "pct_7a", "score_7a"]].values.tolist()
    [['Pesisir', 2, 100.0, 60.0, 60.0, 3]]
    """
    reject_dask(units, function="kg.assess_kawasan")
    if not isinstance(units, pd.DataFrame):
        raise InputError(
            f"assess_kawasan needs a DataFrame of RT units, not {type(units).__name__}."
        )
    if by not in units.columns:
        raise InputError(
            f"the units have no {by!r} column naming their kawasan; pass by='…' with the "
            "column that does (e.g. the SK Kumuh's kawasan name)."
        )
    rs = get_ruleset(ruleset)
    report = ValidationReport(what="kawasan")
    keys = _keys(units, by, report)
    inside = keys.notna().to_numpy()
    rts = units[inside]
    keys = keys[inside]

    denominators: dict[str, np.ndarray] = {}
    for col in dict.fromkeys(c.denominator for c in rs.criteria):
        if col == "area_ha":
            denominators[col] = _hectares_or_blank(rts, report)
        elif col in rts.columns:
            denominators[col] = numbers(rts, col)
        else:
            denominators[col] = np.full(len(rts), np.nan)
    volumes = _volumes_counted(rts, rs, denominators)
    taken: dict[str, np.ndarray] = {}
    if reductions is not None:
        after = assess(units, ruleset=rs, reductions=reductions, year=year, allow_unassessed=True)
        for code in rs.codes:
            col = f"reduction_{code}"
            taken[code] = after[col].to_numpy(dtype=float)[inside]
            volumes[code] = np.maximum(volumes[code] - taken[code], 0.0)

    values = pd.DataFrame(
        {**denominators, **{code: volumes[code] for code in rs.codes}}, index=rts.index
    )
    for col in _EXTRA_SUMS:
        if col in rts.columns:
            values[col] = numbers(rts, col)
    sums = _strict_sums(values, keys)
    ids = (rts["unit_id"] if "unit_id" in rts.columns else rts.index.to_series()).astype(str)
    for col in values.columns:
        blank = values[col].isna().to_numpy()
        if not blank.any():
            continue
        for name, members in ids[blank].groupby(keys[blank].to_numpy(), sort=True):
            shown = ", ".join(members.tolist()[:10])
            report.add(
                name, col, "warning", "kawasan_missing_value",
                f"{col} is blank in {len(members)} RT(s) of kawasan {name!r} ({shown}), so "
                f"the kawasan's {col} is blank, not the sum of the others; fill it in",
            )  # fmt: skip

    frame = pd.DataFrame(index=sums.index)
    frame[by] = sums.index.astype("string")
    frame["unit_id"] = sums.index.astype("string")
    frame["units"] = keys.groupby(keys.to_numpy(), sort=True).size().astype(np.int64)
    for col in ADMIN_COLUMNS:
        if col in rts.columns and col != by:
            frame[col] = _joined(rts[col], keys)
    frame = pd.concat([frame, sums], axis=1)
    if taken:
        red = pd.DataFrame(
            {f"reduction_{c}": taken[c] for c in rs.codes},
            index=rts.index,
        )
        frame = pd.concat([frame, red.groupby(keys.to_numpy(), sort=True).sum()], axis=1)
    frame = frame.reset_index(drop=True)
    if has_geometry(units):
        geoms = gpd.GeoDataFrame(geometry=rts.geometry.to_numpy(), crs=units.crs)
        geoms["_key"] = keys.to_numpy()
        dissolved = geoms.dissolve(by="_key", sort=True)
        frame = gpd.GeoDataFrame(frame, geometry=dissolved.geometry.to_numpy(), crs=units.crs)

    scored = assess(frame, ruleset=rs, allow_unassessed=True)
    report.extend(scored.attrs["report"])
    scored.attrs["report"] = report
    if reductions is not None:
        scored.attrs["unit_report"] = after.attrs["report"]
    return scored
