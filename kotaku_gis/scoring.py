"""Scoring units under a regulation: percentages, scores, aspect averages, total and level.

Each criterion's percentage is volume / denominator x 100, rounded half-up to two decimals as
on the programme's score sheets (75.995 % is 76.00 % and scores 5; 75.76 % scores 3). The
score bands and level thresholds come from the ruleset (:mod:`kotaku_gis.rulesets`).

How imperfect tables are treated, as a planner would:

- a criterion column that is missing is reported once and scored 0 (nothing known is deficient);
- a blank volume is reported and counted as 0;
- a negative volume is reported and counted as 0;
- a volume above its denominator is reported and counted as the denominator (100 %);
- negative and excess volumes are clamped before reductions are taken off, so works covering
  the whole denominator (all 500 m of ideal road) bring the criterion to 0 %;
- a zero or blank denominator gives 0 % and is reported once per unit and denominator
  column: as a warning when a volume was recorded against it, as a note otherwise;
- a missing denominator column is an error in the report; its criteria score 0.

Everything is vectorised over units: a million units score in a few seconds.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .area import area_ha
from .errors import InputError, reject_dask
from .report import ValidationReport
from .rulesets import DEFAULT_RULESET, Ruleset, get_ruleset
from .schema import id_strings

__all__ = ["as_year", "assess", "round_half_up"]

#: Percentages within this many hundredths of a cent of a half are treated as exactly half,
#: so that 75.995 (stored as 75.99499999999999) rounds up.
_HALF_TOLERANCE_DECIMALS = 6


def round_half_up(values: np.ndarray | float, decimals: int = 2) -> np.ndarray:
    """Round half away from zero's upper side (half-up), robust to binary representation.

    Examples
    --------
    >>> from kotaku_gis.scoring import round_half_up
    >>> round_half_up([75.995, 12.335, 50.0, 53.5714]).tolist()
    [76.0, 12.34, 50.0, 53.57]
    """
    scale = 10.0**decimals
    scaled = np.round(np.asarray(values, dtype=float) * scale, _HALF_TOLERANCE_DECIMALS)
    return np.floor(scaled + 0.5) / scale


def as_year(value: object, *, name: str = "year") -> int:
    """A year given as a whole number (int, numpy integer, or a float such as 2022.0).

    Text is refused rather than parsed, so that ``"2022"`` is never mistaken for a sequence
    of years or compared as text.

    Examples
    --------
    >>> import numpy as np
    >>> from kotaku_gis.scoring import as_year
    >>> as_year(2022), as_year(np.int64(2023)), as_year(2024.0)
    (2022, 2023, 2024)
    """
    if isinstance(value, bool | np.bool_):
        ok = False
    elif isinstance(value, int | np.integer):
        return int(value)
    else:
        ok = isinstance(value, float | np.floating) and np.isfinite(value)
        ok = ok and float(value).is_integer()
    if not ok:
        hint = " (text: pass the number itself)" if isinstance(value, str) else ""
        raise InputError(f"{name} must be a whole number such as 2022, not {value!r}{hint}.")
    return int(value)


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _has_geometry(frame: pd.DataFrame) -> bool:
    return (
        isinstance(frame, gpd.GeoDataFrame)
        and frame.active_geometry_name is not None
        and frame.crs is not None
    )


def _labels(frame: pd.DataFrame, mask: np.ndarray) -> list:
    return frame.index[mask].tolist()


def _denominators(
    units: pd.DataFrame, rs: Ruleset, report: ValidationReport
) -> dict[str, np.ndarray | None]:
    out: dict[str, np.ndarray | None] = {}
    for col in dict.fromkeys(c.denominator for c in rs.criteria):
        if col in units.columns:
            out[col] = _numeric(units, col)
        elif col == "area_ha" and _has_geometry(units):
            out[col] = area_ha(units).to_numpy(dtype=float)
            report.add(
                None, col, "info", "area_from_geometry",
                "no area_ha column: the geometry's ellipsoidal hectares are the denominator",
            )  # fmt: skip
        else:
            codes = [c.code for c in rs.criteria if c.denominator == col]
            report.add(
                None, col, "error", "missing_denominator",
                f"column {col!r} is missing, so criteria {codes} cannot be scored and count "
                f"as 0; add {col!r} to the units",
            )  # fmt: skip
            out[col] = None
    return out


def _volumes(units: pd.DataFrame, rs: Ruleset, report: ValidationReport) -> dict[str, np.ndarray]:
    n = len(units)
    out: dict[str, np.ndarray] = {}
    for c in rs.criteria:
        if c.code not in units.columns:
            report.add(
                None, c.code, "warning", "missing_criterion",
                f"no column {c.code!r} ({c.name_id}); the criterion is scored 0 for every "
                "unit",
            )  # fmt: skip
            out[c.code] = np.zeros(n)
            continue
        v = _numeric(units, c.code)
        blank = np.isnan(v)
        if blank.any():
            report.add_rows(
                _labels(units, blank), c.code, "warning", "missing_volume",
                f"blank volume for {c.code}; counted as 0",
            )  # fmt: skip
            v = np.where(blank, 0.0, v)
        out[c.code] = v
    return out


def _reductions(
    reductions: pd.DataFrame,
    units: pd.DataFrame,
    rs: Ruleset,
    year: int | None,
    report: ValidationReport,
) -> dict[str, np.ndarray]:
    """Sum of reduction volumes per unit position and criterion, for works done by ``year``."""
    if not isinstance(reductions, pd.DataFrame):
        raise InputError(
            f"reductions must be a table (DataFrame), not {type(reductions).__name__}; "
            "use kg.allocate(interventions, units) to build one."
        )
    missing = [c for c in ("unit_id", "criterion", "volume") if c not in reductions.columns]
    if missing:
        raise InputError(
            f"the reductions table lacks columns {missing}; it needs unit_id, criterion, "
            "volume and year (as made by kg.allocate)."
        )
    if "unit_id" not in units.columns:
        raise InputError(
            "units need a 'unit_id' column to apply reductions to; the reductions name the "
            "units by unit_id."
        )
    ids = pd.Index(id_strings(units["unit_id"]))
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique().tolist()[:10]
        raise InputError(f"unit_id values repeat ({dup}); make unit_id unique first.")
    red = reductions
    keep = np.ones(len(red), dtype=bool)
    if year is not None:
        if "year" not in red.columns:
            raise InputError(
                f"year={year} was asked for but the reductions table has no 'year' column."
            )
        yrs = pd.to_numeric(red["year"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        no_year = np.isnan(yrs)
        if no_year.any():
            report.add_rows(
                _labels(red, no_year), "year", "warning", "reduction_without_year",
                f"reduction row has no year, so it cannot be placed before or after {year}; "
                "not applied",
            )  # fmt: skip
        keep &= ~no_year & (np.nan_to_num(yrs, nan=np.inf) <= year)
    vol = pd.to_numeric(red["volume"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad_vol = keep & (np.isnan(vol) | (vol < 0))
    if bad_vol.any():
        report.add_rows(
            _labels(red, bad_vol), "volume", "warning", "reduction_bad_volume",
            "reduction volume is blank or negative; not applied",
        )  # fmt: skip
    keep &= ~bad_vol
    crit = red["criterion"].astype("string").str.strip().str.lower()
    unknown_crit = keep & ~crit.isin(rs.codes).fillna(False).to_numpy(dtype=bool)
    if unknown_crit.any():
        report.add_rows(
            _labels(red, unknown_crit), "criterion", "warning", "reduction_unknown_criterion",
            [f"criterion {c!r} is not part of {rs.name}; not applied"
             for c in crit[unknown_crit]],
        )  # fmt: skip
    keep &= ~unknown_crit
    pos = ids.get_indexer(id_strings(red["unit_id"]))
    unknown_unit = keep & (pos < 0)
    if unknown_unit.any():
        report.add_rows(
            _labels(red, unknown_unit), "unit_id", "warning", "reduction_unknown_unit",
            [f"unit_id {u!r} is not among the units; not applied"
             for u in red["unit_id"][unknown_unit]],
        )  # fmt: skip
    keep &= ~unknown_unit
    out = {code: np.zeros(len(units)) for code in rs.codes}
    if keep.any():
        sums = (
            pd.DataFrame({"pos": pos[keep], "criterion": crit[keep].to_numpy(), "v": vol[keep]})
            .groupby(["criterion", "pos"], sort=False)["v"]
            .sum()
        )
        for code, part in sums.groupby(level=0, sort=False):
            np.add.at(out[code], part.index.get_level_values(1).to_numpy(), part.to_numpy())
    return out


def assess(
    units: pd.DataFrame,
    *,
    ruleset: str | Ruleset = DEFAULT_RULESET,
    reductions: pd.DataFrame | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Score each unit under a regulation, optionally after the works done by a year.

    Parameters
    ----------
    units : DataFrame or GeoDataFrame
        One row per RT or kawasan with the criterion volume columns (``"1a"`` … ``"7b"``) and
        the denominators ``buildings``, ``households``, ``road_length_m``,
        ``drain_length_m``, ``area_ha`` (computed from the geometry when absent). Geometry is
        optional.
    ruleset : str or Ruleset, default "permen-14-2018"
        ``"permen-14-2018"`` or ``"permen-02-2016"`` (see :data:`kotaku_gis.RULESETS`).
    reductions : DataFrame, optional
        A reductions table (``unit_id``, ``criterion``, ``volume``, ``year``), as made by
        :func:`kotaku_gis.allocate` or typed by hand. Each unit's volume for a criterion,
        clamped to 0 - denominator, is lowered by the sum of its reductions (never below 0)
        before scoring. Rows naming an unknown unit or criterion are reported, not applied.
    year : int, optional
        Apply only the reductions with ``year`` at or before this year. Without it, all of
        them. A whole number (``2022``, ``np.int64(2022)``, ``2022.0``); text raises
        :class:`~kotaku_gis.InputError`.

    Returns
    -------
    DataFrame or GeoDataFrame
        The units (same index, columns and geometry) plus ``pct_<code>`` (0-100, two
        decimals), ``score_<code>`` (0/1/3/5), ``avg_<aspect>`` (mean percentage of the
        aspect's criteria, two decimals), ``total_score``, ``level`` (ordered categorical:
        "tidak kumuh" < "kumuh ringan" < "kumuh sedang" < "kumuh berat") and, with
        reductions, ``reduction_<code>`` (the volume taken off the clamped volume).
        ``attrs["report"]`` holds a :class:`~kotaku_gis.ValidationReport` of everything that
        was clamped, defaulted or not applied.

    Examples
    --------
    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> units = pd.DataFrame({"unit_id": ["RT01"], "buildings": [50], "households": [60],
    ...     "road_length_m": [780.0], "drain_length_m": [385.0], "area_ha": [4.63],
    ...     "1a": [13], "1b": [0.0], "1c": [13], "2a": [100.0], "2b": [605.0], "3a": [54],
    ...     "3b": [0], "4a": [0.0], "4b": [0.0], "4c": [310.0], "5a": [10], "5b": [16],
    ...     "6a": [60], "6b": [60], "7a": [50], "7b": [50]})
    >>> out = kg.assess(units)
    >>> row = out.loc[0]
    >>> float(row["pct_2b"]), int(row["score_2b"]), float(row["avg_drainase"])
    (77.56, 5, 26.84)
    >>> int(row["total_score"]), row["level"]
    (38, 'kumuh sedang')
    >>> red = pd.DataFrame({"unit_id": ["RT01"], "criterion": ["2b"], "volume": [605.0],
    ...     "year": [2022]})
    >>> int(kg.assess(units, reductions=red, year=2022).loc[0, "total_score"])
    33
    """
    reject_dask(units, function="kg.assess")
    if not isinstance(units, pd.DataFrame):
        raise InputError(
            f"assess needs a DataFrame or GeoDataFrame of units, not {type(units).__name__}."
        )
    rs = get_ruleset(ruleset)
    if year is not None:
        year = as_year(year)
    report = ValidationReport(what="assessment")
    n = len(units)
    denoms = _denominators(units, rs, report)
    volumes = _volumes(units, rs, report)
    applied = _reductions(reductions, units, rs, year, report) if reductions is not None else None

    for col, d in denoms.items():
        if d is None:
            continue
        zero = np.isnan(d) | (d <= 0)
        if not zero.any():
            continue
        codes = [c.code for c in rs.criteria if c.denominator == col]
        recorded = np.zeros(n, dtype=bool)
        for code in codes:
            recorded |= volumes[code] > 0
        for severity, mask, what in (
            ("warning", zero & recorded, "volumes recorded against it are lost"),
            ("info", zero & ~recorded, "its criteria score 0"),
        ):
            if mask.any():
                report.add_rows(
                    _labels(units, mask), col, severity, "zero_denominator",
                    f"{col} is zero or blank, so {codes} are 0 %; {what}",
                )  # fmt: skip

    cols: dict[str, object] = {}
    pct: dict[str, np.ndarray] = {}
    for c in rs.criteria:
        raw = volumes[c.code]
        neg = raw < 0
        if neg.any():
            report.add_rows(
                _labels(units, neg), c.code, "warning", "negative_volume",
                f"negative volume for {c.code}; counted as 0",
            )  # fmt: skip
        v = np.maximum(raw, 0.0)
        d = denoms[c.denominator]
        ok = np.zeros(n, dtype=bool) if d is None else ~np.isnan(d) & (d > 0)
        d = np.where(ok, d, 0.0) if d is not None else np.zeros(n)
        over = ok & (raw > d * (1 + 1e-9))
        if over.any():
            report.add_rows(
                _labels(units, over), c.code, "warning", "volume_above_denominator",
                [f"{c.code} volume {vv:g} exceeds {c.denominator} {dd:g}; counted as "
                 f"100 %" for vv, dd in zip(raw[over], d[over], strict=True)],
            )  # fmt: skip
        # Clamp before any reduction: works covering the whole denominator clear the
        # criterion, however large the recorded deficit. Without a usable denominator the
        # recorded volume stays, so the works taken off it are still shown.
        v = np.where(ok, np.minimum(v, d), v)
        if applied is not None:
            taken = np.minimum(applied[c.code], v)
            cols[f"reduction_{c.code}"] = taken
            v = v - taken
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(ok, v / np.where(ok, d, 1.0), 0.0)
        p = round_half_up(p * 100.0)
        pct[c.code] = p

    scores = {code: rs.score(p) for code, p in pct.items()}
    for code in rs.codes:
        cols[f"pct_{code}"] = pct[code]
        cols[f"score_{code}"] = scores[code]
    for aspect, codes in rs.aspects.items():
        cols[f"avg_{aspect}"] = round_half_up(np.mean([pct[c] for c in codes], axis=0))
    total = np.sum([scores[c].astype(np.int64) for c in rs.codes], axis=0)
    cols["total_score"] = np.asarray(total, dtype=np.int64).reshape(n)
    cols["level"] = rs.levels_of(cols["total_score"])

    new = pd.DataFrame(cols, index=units.index)
    base = units.drop(columns=[c for c in new.columns if c in units.columns])
    out = pd.concat([base, new], axis=1)
    if hasattr(units, "crs") and hasattr(out, "crs") and out.crs is None and units.crs:
        out = out.set_crs(units.crs)
    out.attrs = {k: v for k, v in units.attrs.items() if k != "report"}
    out.attrs["report"] = report
    out.attrs["ruleset"] = rs.name
    return out
