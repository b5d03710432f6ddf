"""The slum ledger: hectares per level, year-by-year progress, and reconciliation of reports.

Slum hectares are the area of units whose level is not "tidak kumuh"; the reduction of a year
is the baseline slum hectares minus the slum hectares after the works done by that year
(DESIGN §4). Hectares are not rounded here, so that sums add up; round when presenting.

Units without a level (``<NA>``: "belum dinilai", not assessed, see
:func:`kotaku_gis.assess`) are never counted as slum, nor as leaving or joining the list:
their units and hectares are shown apart, as ``units_belum_dinilai`` and
``ha_belum_dinilai``, so that the level columns and these add up to ``units`` and
``area_ha``.

Two measures of progress, and what they rest on:

- **Luas kumuh berkurang** (slum hectares reduced) counts a unit's *whole* area as reduced the
  year its level becomes "tidak kumuh", and none of it before. This whole-unit definition is
  an assumption of this library: no programme source found defines the reduced hectares of a
  unit that improves without leaving the list, or of part of a unit. It is the reading that
  keeps the ledger reconcilable (baseline - reduced = remaining, unit by unit) and matches
  the slum list, which lists whole units. A planner reporting partial hectares (e.g. the
  served part of a unit, :func:`kotaku_gis.remaining_area`) reports a different figure.
- **Kontribusi penanganan** (contribution of works) is (average before - average after) /
  average before, where the average is a unit's ``avg_kekumuhan``, the mean of its seven
  aspect averages; capped at 1. This is the measure of the Kota Pekalongan slum app
  (github.com/RiqqiAmru/motorkawanku, ``src/js/rumus.js``: ``kontribusiPenanganan``).
  For a group of units the averages are the plain means over the units known before and
  after, each unit counting once. It moves with every work, also where no unit leaves the
  list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._deprecation import renamed_keywords
from ._frames import align_rows, group_keys, unit_hectares
from .errors import InputError, reject_dask
from .rulesets import (
    DEFAULT_RULESET,
    LEVEL_ORDER,
    NOT_SLUM,
    Ruleset,
    normalise_levels,
    ruleset_of,
)
from .schema import ADMIN_COLUMNS, avg_column, ha_column, units_column
from .scoring import AspectAverage, as_year, assess, round_half_up

__all__ = ["Reconciliation", "not_recomputed", "progress", "reconcile", "summarize"]

#: The summaries' name for units without a level (columns ``units_belum_dinilai``,
#: ``ha_belum_dinilai``).
_UNASSESSED = "belum dinilai"
#: Evidence depths from which works cannot re-score a unit's level.
_NOT_MEASURED_AFTER = ("published", "scores")


def not_recomputed(after: pd.DataFrame) -> np.ndarray:
    """Which units have no measured level after works: those known only by a published level
    or by scores (``level_source`` "published" or "scores"), and those the assessment reports
    as ``not_recomputed`` (works it could not apply). Their level after works is their
    baseline level, so their reduction is not a measurement.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.ledger import not_recomputed
    >>> after = pd.DataFrame({"level": ["kumuh ringan"] * 3,
    ...     "level_source": ["volumes", "published", "scores"]})
    >>> not_recomputed(after).tolist()
    [False, True, True]
    """
    out = np.zeros(len(after), dtype=bool)
    if "level_source" in after.columns:
        source = after["level_source"].astype("string")
        out |= source.isin(_NOT_MEASURED_AFTER).fillna(False).to_numpy(dtype=bool)
    report = getattr(after, "attrs", {}).get("report")
    rows = [i.row for i in getattr(report, "issues", []) if i.check == "not_recomputed"]
    if rows:
        out |= after.index.isin(rows)
    return out


def _by_columns(frame: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InputError(
            f"cannot group by {missing}: no such column. Group by any of "
            f"{[c for c in ADMIN_COLUMNS if c in frame.columns] or list(ADMIN_COLUMNS)} or "
            "another column of the units."
        )
    return cols


def _levels(frame: pd.DataFrame) -> pd.Categorical:
    if "level" not in frame.columns:
        raise InputError(
            "the frame has no 'level' column; score the units first with kg.assess(units)."
        )
    labels = normalise_levels(frame["level"], column="level")
    return pd.Categorical(labels, categories=list(LEVEL_ORDER), ordered=True)


def _years(years: object) -> list[int]:
    """Distinct years in ascending order: one whole number, or a list, range or array of them."""
    if isinstance(years, str | bytes):
        raise InputError(
            f"years must be whole numbers such as [2022, 2023] or range(2020, 2025), not the "
            f"text {years!r}; pass the numbers themselves."
        )
    if isinstance(years, np.ndarray):
        years = years.ravel().tolist()
    if not isinstance(years, Iterable):
        return [as_year(years, name="years")]
    out = sorted({as_year(y, name="every entry of years") for y in years})
    if not out:
        raise InputError("progress needs at least one year, e.g. years=[2022, 2023].")
    return out


@renamed_keywords("kg.summarize", before="baseline")
def summarize(
    assessed: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    baseline: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Units and hectares per level, and slum hectares, overall or per group.

    Parameters
    ----------
    assessed : DataFrame or GeoDataFrame
        Output of :func:`kotaku_gis.assess` (needs ``level``, and ``area_ha`` or a geometry).
    by : str or list of str, optional
        Column(s) to group by, e.g. ``"kelurahan"``, ``"kota"``, ``["kota", "kecamatan"]``.
        No group is blank and no hectare is dropped: a kawasan without a kelurahan (the
        kawasan of a kabupaten) is its own group "Kawasan <nama_kawasan, else unit_id>",
        and other blank values form the group "(tanpa <column>)".
    baseline : DataFrame, optional
        The same units assessed before the works (``assessed`` being the state after them),
        matched on the index or ``unit_id``: adds ``avg_kekumuhan_awal``,
        ``avg_kekumuhan_akhir`` and ``kontribusi_penanganan`` (see the module notes).
        ``before=`` is its old name, still accepted with a ``DeprecationWarning``.

    Returns
    -------
    DataFrame
        One row per group (one row labelled ``"total"`` without ``by``) with ``units``,
        ``area_ha``, ``units_<level>`` and ``ha_<level>`` for the four levels (spaces as
        underscores, e.g. ``ha_kumuh_berat``), ``units_belum_dinilai`` and
        ``ha_belum_dinilai`` (units without a level: never slum), ``slum_units`` and
        ``slum_ha``; with ``baseline``, the averages and the kontribusi penanganan.

    Examples
    --------
    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> assessed = pd.DataFrame({"kota": ["Mataram", "Mataram", "Bima"],
    ...     "area_ha": [2.0, 3.5, 1.25],
    ...     "level": ["kumuh berat", "tidak kumuh", "kumuh ringan"]})
    >>> table = kg.summarize(assessed, by="kota")
    >>> table["slum_ha"].to_dict(), table["units"].to_dict()
    ({'Bima': 1.25, 'Mataram': 2.0}, {'Bima': 1, 'Mataram': 2})

    With the state before works, the kontribusi penanganan: averages 40 % and 20 % before,
    10 % and 20 % after: (30 - 15) / 30 = 0.5.

    >>> before = assessed.assign(avg_kekumuhan=[40.0, 20.0, 0.0], level="kumuh ringan")
    >>> after = assessed.assign(avg_kekumuhan=[10.0, 20.0, 0.0], level=[None, "tidak kumuh",
    ...     "kumuh ringan"])
    >>> table = kg.summarize(after, by="kota", baseline=before)
    >>> table.loc["Mataram", ["units_belum_dinilai", "ha_belum_dinilai", "slum_ha"]].tolist()
    [1.0, 2.0, 0.0]
    >>> float(table.loc["Mataram", "kontribusi_penanganan"])
    0.5
    """
    reject_dask(assessed, function="kg.summarize")
    cols = _by_columns(assessed, by)
    levels = _levels(assessed)
    ha = unit_hectares(assessed)
    data: dict[str, Any] = dict(group_keys(assessed, cols))
    data["units"] = np.ones(len(assessed), dtype=np.int64)
    data["area_ha"] = ha
    for lvl in LEVEL_ORDER[::-1]:
        hit = np.asarray(levels == lvl)
        data[units_column(lvl)] = hit.astype(np.int64)
        data[ha_column(lvl)] = np.where(hit, ha, 0.0)
    blank = np.asarray(pd.isna(levels))
    data[units_column(_UNASSESSED)] = blank.astype(np.int64)
    data[ha_column(_UNASSESSED)] = np.where(blank, ha, 0.0)
    slum = np.asarray(levels != NOT_SLUM) & ~blank
    data["slum_units"] = slum.astype(np.int64)
    data["slum_ha"] = np.where(slum, ha, 0.0)
    table = pd.DataFrame(data)
    if baseline is not None:
        before = align_rows(
            baseline, assessed, name="the frame before works", other="the frame after works"
        )
        awal, akhir = _kekumuhan(before), _kekumuhan(assessed)
        both = ~np.isnan(awal) & ~np.isnan(akhir)
        table["_n"] = both.astype(np.int64)
        table["_awal"] = np.where(both, awal, 0.0)
        table["_akhir"] = np.where(both, akhir, 0.0)
    if not cols:
        out = table.sum(numeric_only=True).to_frame("total").T
        out = out.astype({c: np.int64 for c in out.columns if c.endswith("units")})
        out.index.name = None
    else:
        out = table.groupby(cols, dropna=False, sort=True).sum()
    if baseline is not None:
        out = _with_kontribusi(out)
    return out


def _kekumuhan(frame: pd.DataFrame) -> np.ndarray:
    """Each unit's ``avg_kekumuhan`` (the mean of its aspect averages), NaN where unknown."""
    if "avg_kekumuhan" in frame.columns:
        return pd.to_numeric(frame["avg_kekumuhan"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
    rs = ruleset_of(frame)
    aspects = [avg_column(a) for a in rs.aspects]
    if not set(aspects) <= set(frame.columns):
        raise InputError(
            "the kontribusi penanganan needs 'avg_kekumuhan' (or the aspect averages "
            f"{aspects}); pass frames made by kg.assess."
        )
    values = frame[aspects].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return round_half_up(values.mean(axis=1))


def _with_kontribusi(table: pd.DataFrame) -> pd.DataFrame:
    """Group means of the averages and the kontribusi from the ``_n/_awal/_akhir`` sums."""
    n = table.pop("_n").to_numpy(dtype=float)
    awal_sum = table.pop("_awal").to_numpy(dtype=float)
    akhir_sum = table.pop("_akhir").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        awal = np.where(n > 0, awal_sum / n, np.nan)
        akhir = np.where(n > 0, akhir_sum / n, np.nan)
        share = np.where(awal > 0, (awal - akhir) / np.where(awal > 0, awal, 1.0), np.nan)
    table["avg_kekumuhan_awal"] = awal
    table["avg_kekumuhan_akhir"] = akhir
    table["kontribusi_penanganan"] = np.minimum(share, 1.0)
    return table


def progress(
    units: pd.DataFrame,
    reductions: pd.DataFrame,
    *,
    years: int | Iterable[int],
    by: str | Sequence[str] | None = None,
    ruleset: str | Ruleset = DEFAULT_RULESET,
    include_planned: bool = False,
    aspect_average: AspectAverage = "mean",
    allow_unassessed: bool = False,
) -> pd.DataFrame:
    """The ledger: baseline, slum and reduced hectares per year, per level, optionally per group.

    Each year's figures re-score the units after all reductions done by that year
    (:func:`kotaku_gis.assess` with ``year``).

    Parameters
    ----------
    units : DataFrame or GeoDataFrame
        Baseline units with their volumes and denominators.
    reductions : DataFrame
        Reductions table (:func:`kotaku_gis.allocate`).
    years : int or iterable of int
        Years to report, e.g. ``range(2020, 2025)``, ``[2022, 2024]`` or one year ``2023``;
        reported in ascending order, each once. Text such as ``"2022"`` raises
        :class:`~kotaku_gis.InputError`.
    by : str or list of str, optional
        Group column(s), e.g. ``"kota"``.
    ruleset : str or Ruleset
        Regulation to score with (a ruleset with
        :attr:`~kotaku_gis.Ruleset.leave_requires_service` applies that condition).
    aspect_average : {"mean", "simkotaku"}, default "mean"
        Rule for the aspect averages (:func:`kotaku_gis.assess`).
    allow_unassessed : bool, default False
        Passed to :func:`kotaku_gis.assess`: go on when no unit can be assessed.
    include_planned : bool, default False
        Say that the reductions count planned works as done (a what-if): pass the output of
        ``kg.allocate(..., include_planned=True)``. Reductions made that way mark the ledger
        as a what-if in any case.

    Returns
    -------
    DataFrame
        One row per year (and group): ``year``, the group columns, ``baseline_ha`` (baseline
        slum hectares), ``slum_ha``, ``reduced_ha`` (= baseline_ha - slum_ha), ``ha_<level>``
        for the four levels, ``units_belum_dinilai`` and ``ha_belum_dinilai`` (units without a
        level, never counted as slum), ``units_not_recomputed`` and ``ha_not_recomputed``
        (units whose level that year is not measured: known only by a published level or
        scores, or with works that could not be applied; see :func:`not_recomputed`: their
        part of ``reduced_ha`` is not a measurement), ``slum_units``, ``units_left`` and
        ``units_entered`` (units that left or joined the slum list since the previous row's
        year, or since the baseline for the first year) with ``ha_left`` and ``ha_entered``,
        ``avg_kekumuhan`` (mean over the units of their mean aspect average that year) and
        ``kontribusi_penanganan`` (against the baseline; see the module notes).
        ``attrs["report"]`` is the report of the last year's assessment, with the allocation's
        count of the works it left out (``works_left_out``); ``attrs["what_if"]`` says whether
        planned works were counted.

    Examples
    --------
    One unit of 2 ha at 20 points (1a, 1c, 7a and 7b at 100 %); works of 2023 take all of
    7a off (15 points: tidak kumuh).

    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> volumes = {code: 10.0 if code in ("1a", "1c", "7a", "7b") else 0.0
    ...            for code in kg.get_ruleset().codes}
    >>> units = pd.DataFrame([{"unit_id": "A", "area_ha": 2.0, "buildings": 10,
    ...     "households": 10, "road_length_m": 100.0, "drain_length_m": 100.0, **volumes}])
    >>> red = pd.DataFrame([{"unit_id": "A", "criterion": "7a", "volume": 10.0, "year": 2023}])
    >>> led = kg.progress(units, red, years=[2022, 2023])
    >>> led["slum_ha"].tolist(), led["reduced_ha"].tolist(), led["units_left"].tolist()
    ([2.0, 0.0], [0.0, 2.0], [0, 1])

    The aspect averages before are 66.67 % (bangunan), 100 % (proteksi kebakaran) and 0 %
    for the five others: 166.67 / 7 = 23.81 %; after works 7a, 50 % instead of 100 %:
    116.67 / 7 = 16.67 %; (23.81 - 16.67) / 23.81 = 0.2999.

    >>> led["avg_kekumuhan"].tolist(), led["kontribusi_penanganan"].round(4).tolist()
    ([23.81, 16.67], [0.0, 0.2999])
    """
    reject_dask(units, function="kg.progress")
    years = _years(years)
    cols = _by_columns(units, by)
    ha = unit_hectares(units)
    keys = (
        pd.MultiIndex.from_frame(pd.DataFrame(group_keys(units, cols)))
        if cols
        else pd.Index(np.zeros(len(units), dtype=np.int64))
    )
    options = {
        "ruleset": ruleset,
        "aspect_average": aspect_average,
        "allow_unassessed": allow_unassessed,
    }

    def states(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(assessed, slum) per unit: a unit without a level is neither slum nor not."""
        level = frame["level"]
        assessed = level.notna().to_numpy()
        return assessed, assessed & np.asarray(level != NOT_SLUM)

    base = assess(units, **options)
    base_assessed, base_slum = states(base)
    awal = _kekumuhan(base)
    previous_assessed, previous = base_assessed, base_slum
    rows = []
    last = base
    for year in years:
        now = assess(units, reductions=reductions, year=year, **options)
        last = now
        assessed, slum = states(now)
        # Only a unit assessed both times can leave or join the list.
        both = previous_assessed & assessed
        left = both & previous & ~slum
        entered = both & ~previous & slum
        data = {
            "baseline_ha": np.where(base_slum, ha, 0.0),
            "slum_ha": np.where(slum, ha, 0.0),
        }
        levels = np.asarray(now["level"].astype(object))
        for lvl in LEVEL_ORDER[::-1]:
            data[ha_column(lvl)] = np.where(levels == lvl, ha, 0.0)
        data[units_column(_UNASSESSED)] = (~assessed).astype(np.int64)
        data[ha_column(_UNASSESSED)] = np.where(~assessed, ha, 0.0)
        unmeasured = not_recomputed(now)
        data["units_not_recomputed"] = unmeasured.astype(np.int64)
        data["ha_not_recomputed"] = np.where(unmeasured, ha, 0.0)
        data["slum_units"] = slum.astype(np.int64)
        data["units_left"] = left.astype(np.int64)
        data["units_entered"] = entered.astype(np.int64)
        data["ha_left"] = np.where(left, ha, 0.0)
        data["ha_entered"] = np.where(entered, ha, 0.0)
        akhir = _kekumuhan(now)
        known = ~np.isnan(awal) & ~np.isnan(akhir)
        data["_n"] = known.astype(np.int64)
        data["_awal"] = np.where(known, awal, 0.0)
        data["_akhir"] = np.where(known, akhir, 0.0)
        part = (
            pd.DataFrame(data, index=keys)
            .groupby(level=list(range(keys.nlevels)), dropna=False)
            .sum()
        )
        part["reduced_ha"] = part["baseline_ha"] - part["slum_ha"]
        part = _with_kontribusi(part).drop(columns=["avg_kekumuhan_awal"])
        part = part.rename(columns={"avg_kekumuhan_akhir": "avg_kekumuhan"})
        part.insert(0, "year", year)
        rows.append(part)
        previous_assessed, previous = assessed, slum
    out = pd.concat(rows)
    out = out.reset_index(drop=not cols)
    order = ["year", *cols, "baseline_ha", "slum_ha", "reduced_ha"]
    out = out[order + [c for c in out.columns if c not in order]]
    out = out.reset_index(drop=True)
    out.attrs["report"] = report = last.attrs["report"]
    made = getattr(reductions, "attrs", {})
    for issue in getattr(made.get("report"), "issues", []):
        if issue.check in ("works_left_out", "what_if"):
            report.issues.append(issue)
    if include_planned and not made.get("what_if", False):
        report.add(
            None, "status", "warning", "what_if",
            "include_planned=True, but the reductions were allocated from completed works "
            "only; allocate them with include_planned=True for the what-if",
        )  # fmt: skip
    out.attrs["what_if"] = bool(include_planned or made.get("what_if", False))
    return out


def _round2(x: np.ndarray) -> np.ndarray:
    # Half away from zero: a gap of -0.005 ha is -0.01, as +0.005 is +0.01 (adding 0.0
    # turns -0.0 into 0.0).
    x = np.asarray(x, dtype=float)
    return np.copysign(round_half_up(np.abs(x), 2), x) + 0.0


@dataclass(frozen=True)
class Reconciliation:
    """The check ``remaining = baseline - reduced`` of a reported ledger.

    For scalar input the fields are floats and ``balanced`` is a bool; for Series or arrays
    they are Series or arrays (one entry per kota, say).
    """

    baseline_ha: Any
    reduced_ha: Any
    remaining_ha: Any
    expected_ha: Any
    gap_ha: Any
    balanced: Any
    tolerance_ha: float

    def to_frame(self) -> pd.DataFrame:
        """The figures as a table (one row for scalars)."""
        data = {
            "baseline_ha": self.baseline_ha,
            "reduced_ha": self.reduced_ha,
            "expected_ha": self.expected_ha,
            "remaining_ha": self.remaining_ha,
            "gap_ha": self.gap_ha,
            "balanced": self.balanced,
        }
        if np.ndim(self.gap_ha) == 0:
            return pd.DataFrame({k: [v] for k, v in data.items()})
        index = self.gap_ha.index if isinstance(self.gap_ha, pd.Series) else None
        return pd.DataFrame(data, index=index)

    def __repr__(self) -> str:
        if np.ndim(self.gap_ha) == 0:
            verdict = "balanced" if self.balanced else "NOT balanced"
            return (
                f"<Reconciliation {verdict}: baseline {self.baseline_ha:.2f} ha - reduced "
                f"{self.reduced_ha:.2f} ha = {self.expected_ha:.2f} ha expected; "
                f"reported remaining {self.remaining_ha:.2f} ha; gap {self.gap_ha:+.2f} ha "
                f"(tolerance {self.tolerance_ha:.2f} ha)>"
            )
        n_bad = int(np.size(self.balanced) - np.count_nonzero(self.balanced))
        return (
            f"<Reconciliation of {np.size(self.gap_ha)} rows: {n_bad} not balanced "
            f"(tolerance {self.tolerance_ha:.2f} ha)>\n{self.to_frame().to_string()}"
        )

    def _repr_html_(self) -> str:
        table = self.to_frame()
        styled = table.style.format(
            {c: "{:.2f}" for c in table.columns if c.endswith("_ha")}
        ).apply(
            lambda row: ["" if row["balanced"] else "background-color: #f8d7da" for _ in row],
            axis=1,
        )
        return f"<p>Reconciliation, tolerance {self.tolerance_ha:.2f} ha</p>" + styled.to_html()


def _figure(value: Any, name: str) -> Any:
    """A reported figure as float (scalar), float array or float Series; blanks become NaN.

    Text that is not a number raises :class:`InputError` naming the entries, rather than
    turning into a blank that would only show as an unbalanced row.
    """
    if isinstance(value, pd.Series):
        flat = value
    elif np.ndim(value) == 0:
        flat = pd.Series([value], dtype=object)
    else:
        try:
            flat = pd.Series(np.asarray(value, dtype=object).ravel())
        except (TypeError, ValueError) as err:
            raise InputError(f"{name} must be hectares (numbers), not {value!r}.") from err
    try:
        numbers = pd.to_numeric(flat, errors="coerce")
    except TypeError as err:
        raise InputError(f"{name} must be hectares (numbers), not {value!r}.") from err
    bad = flat.notna() & numbers.isna()
    if bad.any() and np.ndim(value) == 0:
        raise InputError(f"{name} must be a number of hectares, not {value!r}.")
    if bad.any():
        raise InputError(
            f"{name} must be hectares (numbers); entries {flat.index[bad][:5].tolist()} hold "
            f"{flat[bad][:5].tolist()}. Fix those figures or leave them blank."
        )
    numbers = numbers.astype(float)
    if isinstance(value, pd.Series):
        return numbers
    if np.ndim(value) == 0:
        return float(numbers.iloc[0])
    return numbers.to_numpy().reshape(np.shape(value))


def reconcile(
    baseline_ha: Any,
    reduced_ha: Any,
    remaining_ha: Any,
    *,
    tolerance_ha: float = 0.01,
) -> Reconciliation:
    """Check that remaining = baseline - reduced, and show the unexplained gap.

    Parameters
    ----------
    baseline_ha, reduced_ha, remaining_ha : float, array or Series
        Reported figures; Series (e.g. one entry per kota) are aligned on their index.
        Numbers written as text ("575.47") are read; blanks give a NaN gap (not balanced);
        other text raises :class:`~kotaku_gis.InputError`.
    tolerance_ha : float, default 0.01
        Largest gap, in hectares, still counted as balanced (reports print 0.01 ha).

    Returns
    -------
    Reconciliation
        ``gap_ha`` = remaining - (baseline - reduced), rounded to 0.01 ha; ``balanced`` is
        True where ``|gap_ha| <= tolerance_ha``.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> rec = kg.reconcile(575.47, 108.38, 361.5)
    >>> rec.gap_ha, rec.balanced
    (-105.59, False)
    """
    try:
        tolerance_ha = float(tolerance_ha)
    except (TypeError, ValueError) as err:
        raise InputError(
            f"tolerance_ha must be a number of hectares such as 0.01, not {tolerance_ha!r}."
        ) from err
    if not tolerance_ha >= 0 or not np.isfinite(tolerance_ha):
        raise InputError(f"tolerance_ha must be a finite 0 or more, not {tolerance_ha}.")
    baseline_ha = _figure(baseline_ha, "baseline_ha")
    reduced_ha = _figure(reduced_ha, "reduced_ha")
    remaining_ha = _figure(remaining_ha, "remaining_ha")
    series = [x for x in (baseline_ha, reduced_ha, remaining_ha) if isinstance(x, pd.Series)]
    if series:
        index = series[0].index
        for s in series[1:]:
            index = index.union(s.index, sort=False)

        def align(x: Any) -> pd.Series:
            if isinstance(x, pd.Series):
                return x.reindex(index)
            return pd.Series(np.broadcast_to(np.asarray(x, dtype=float), len(index)), index)

        b, r, m = align(baseline_ha), align(reduced_ha), align(remaining_ha)
        expected = pd.Series(_round2(b - r), index=index)
        gap = pd.Series(_round2(m - (b - r)), index=index)
        balanced = gap.abs() <= tolerance_ha + 1e-9
        return Reconciliation(b, r, m, expected, gap, balanced, float(tolerance_ha))
    b = np.asarray(baseline_ha, dtype=float)
    r = np.asarray(reduced_ha, dtype=float)
    m = np.asarray(remaining_ha, dtype=float)
    expected = _round2(b - r)
    gap = _round2(m - (b - r))
    balanced = np.abs(gap) <= tolerance_ha + 1e-9
    if gap.ndim == 0:
        return Reconciliation(
            float(b), float(r), float(m), float(expected), float(gap), bool(balanced),
            float(tolerance_ha),
        )  # fmt: skip
    return Reconciliation(b, r, m, expected, gap, balanced, float(tolerance_ha))
