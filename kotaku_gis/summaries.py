"""Report tables: summaries per group, per-unit scores and the audit trail, before and after works.

These are the tables the report files hold (:mod:`kotaku_gis.reports` writes them); each is
built from the units scored at baseline (``baseline``) and, when there were works, the same
units scored after them (``after``), both from :func:`kotaku_gis.assess`. The counts come from
the ledger (:func:`kotaku_gis.summarize`, :func:`kotaku_gis.progress`), so every total here
equals the ledger's.

Units without a level count under "not assessed" (``units_not_assessed``,
``ha_not_assessed``), so the level columns always add up to ``units`` and ``area_ha``. Unit and
intervention ids are matched as text everywhere. Hectares are not rounded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._frames import align_rows, group_keys, unit_hectares
from .errors import InputError
from .ledger import not_recomputed, progress, summarize
from .rulesets import NOT_SLUM, normalise_levels, ruleset_of
from .schema import (
    ADMIN_COLUMNS,
    after_column,
    before_column,
    ha_column,
    id_strings,
    pct_column,
    reduction_column,
    score_column,
    units_column,
)
from .validation_report import ValidationReport

__all__ = [
    "audit_trail",
    "served_hectares",
    "summary_by",
    "traced",
    "unassessed_report",
    "unit_scores",
    "unserved_layer",
    "untraced_report",
    "yearly_ledger",
]

#: The report's name for units without a level (the ledger's "belum dinilai").
_NOT_ASSESSED = "not assessed"
_KONTRIBUSI = ["avg_kekumuhan_awal", "avg_kekumuhan_akhir", "kontribusi_penanganan"]


def _after_of(after: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """``after``'s rows in the order of ``baseline``'s."""
    return align_rows(after, baseline, name="the assessment after works", other="the baseline")


def summary_by(
    baseline: pd.DataFrame,
    *,
    after: pd.DataFrame | None = None,
    remaining: pd.DataFrame | None = None,
    by: str | Sequence[str] | None = None,
    total: str | None = "total",
) -> pd.DataFrame:
    """Units and hectares per level before and after works, per group, with a total row.

    Parameters
    ----------
    baseline : DataFrame
        Units scored at baseline (:func:`kotaku_gis.assess`).
    after : DataFrame, optional
        The same units scored after works; adds the ``…_after`` columns and ``reduced_ha``.
    remaining : DataFrame, optional
        :func:`kotaku_gis.remaining_area` of the units; adds ``served_ha`` and
        ``unserved_ha`` (matched on ``unit_id``).
    by : str or list of str, optional
        Group columns; the ones missing from ``baseline`` are left out.
    total : str or None, default "total"
        Label of the total row (in the first group column); None for no total row.

    Returns
    -------
    DataFrame
        The group columns, then :func:`kotaku_gis.summarize`'s columns with
        ``units_not_assessed`` and ``ha_not_assessed`` (units without a level, so that the
        level columns add up to ``units`` and ``area_ha``) before ``slum_units``, their
        ``_after`` twins, ``reduced_ha`` (with frames made by :func:`kotaku_gis.assess`, also
        ``avg_kekumuhan_awal``, ``avg_kekumuhan_akhir`` and ``kontribusi_penanganan``),
        ``served_ha`` and ``unserved_ha``; one row per group and the total row last.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.summaries import summary_by
    >>> base = pd.DataFrame({"unit_id": ["a", "b", "c"], "kota": ["X", "X", "Y"],
    ...     "area_ha": [1.0, 2.0, 4.0], "level": ["kumuh ringan", "kumuh sedang", "tidak kumuh"]})
    >>> after = base.assign(level=["tidak kumuh", "kumuh sedang", "tidak kumuh"])
    >>> table = summary_by(base, after=after, by="kota")
    >>> table[["kota", "slum_ha", "slum_ha_after", "reduced_ha"]].values.tolist()
    [['X', 3.0, 2.0, 1.0], ['Y', 0.0, 0.0, 0.0], ['total', 3.0, 2.0, 1.0]]
    """
    cols = [by] if isinstance(by, str) else list(by or [])
    cols = [c for c in cols if c in baseline.columns]
    # One key for every table: blank kelurahan of kawasan labelled, no blank group.
    keys = group_keys(baseline, cols)
    out = _level_summary(baseline.assign(**keys) if cols else baseline, cols)
    totals = _level_summary(baseline, [])
    if after is not None:
        flagged = after.assign(_unmeasured=not_recomputed(after))
        unmeasured = _after_of(flagged, baseline)["_unmeasured"].to_numpy(dtype=bool)
        after = _after_of(after, baseline)
        grouped_after = after.assign(**keys)
        # Units and area do not change with works; only the levels do.
        same = ["units", "area_ha"]
        out = out.join(
            _level_summary(grouped_after, cols).drop(columns=same).rename(columns=after_column)
        )
        totals = totals.join(
            _level_summary(after, []).drop(columns=same).rename(columns=after_column)
        )
        out["reduced_ha"] = out["slum_ha"] - out[after_column("slum_ha")]
        totals["reduced_ha"] = totals["slum_ha"] - totals[after_column("slum_ha")]
        # Units whose level after works is not measured: their reduction is not one.
        flags = pd.DataFrame(
            {**keys, "units_not_recomputed": unmeasured.astype(np.int64),
             "ha_not_recomputed": np.where(unmeasured, unit_hectares(baseline), 0.0)},
            index=baseline.index,
        )  # fmt: skip
        counted = ["units_not_recomputed", "ha_not_recomputed"]
        out = out.join(flags.groupby(cols, dropna=False).sum() if cols else
                       flags[counted].sum().to_frame("total").T)  # fmt: skip
        totals = totals.join(flags[counted].sum().to_frame("total").T)
        if "avg_kekumuhan" in baseline.columns and "avg_kekumuhan" in after.columns:
            # The kontribusi penanganan of the works (kotaku_gis.ledger's notes).
            table = summarize(grouped_after, by=cols or None, baseline=baseline)
            out = out.join(table[_KONTRIBUSI])
            totals = totals.join(summarize(after, baseline=baseline)[_KONTRIBUSI])
    if remaining is not None:
        served = served_hectares(baseline.assign(**keys), remaining, by=cols)
        out = out.join(served.groupby(cols, dropna=False).sum() if cols else served.sum()
                       .to_frame("total").T)  # fmt: skip
        totals = totals.join(served[["served_ha", "unserved_ha"]].sum().to_frame("total").T)
    out = out.reset_index() if cols else out.reset_index(drop=True)
    if total is not None and cols:
        totals.insert(0, cols[0], total)
        for c in cols[1:]:
            totals.insert(cols.index(c), c, None)
        out = pd.concat([out, totals.reset_index(drop=True)], ignore_index=True)
    # Counts stay whole numbers (a one-row table without groups is built from a transposed
    # Series, which makes them floats).
    for c in out.columns:
        if "units" in str(c).split("_"):
            out[c] = out[c].astype(np.int64)
    return out


def _level_summary(assessed: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """:func:`kotaku_gis.summarize` with its units without a level under the report's names.

    ``summarize`` shows them as ``units_belum_dinilai`` and ``ha_belum_dinilai``; the reports
    call them ``units_not_assessed`` and ``ha_not_assessed``, so the level columns add up to
    the unit count.
    """
    out = summarize(assessed, by=cols or None)
    return out.rename(
        columns={
            units_column("belum dinilai"): units_column(_NOT_ASSESSED),
            ha_column("belum dinilai"): ha_column(_NOT_ASSESSED),
        }
    )


def yearly_ledger(baseline: pd.DataFrame, reductions: pd.DataFrame | None) -> pd.DataFrame | None:
    """:func:`kotaku_gis.progress` over the years of the reductions; None without any.

    Examples
    --------
    Works of 2022 and 2024 give a ledger of those two years; without reductions, none.

    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> from kotaku_gis.summaries import yearly_ledger
    >>> units = kg.datasets.load_units().head(5)
    >>> red = pd.DataFrame({"unit_id": units["unit_id"].iloc[0], "criterion": ["7a", "7b"],
    ...     "volume": 1.0, "year": [2024, 2022]})
    >>> yearly_ledger(units, red)["year"].tolist(), yearly_ledger(units, None)
    ([2022, 2024], None)
    """
    if reductions is None or "year" not in reductions.columns:
        return None
    years = sorted({int(y) for y in pd.to_numeric(reductions["year"]).dropna()})
    if not years:
        return None
    return progress(baseline, reductions, years=years, ruleset=ruleset_of(baseline))


def served_hectares(
    baseline: pd.DataFrame, remaining: pd.DataFrame, *, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Served and unserved hectares per unit, on the same area as the summaries.

    :func:`kotaku_gis.remaining_area` measures the geometry; the summaries count the verified
    ``area_ha`` (DESIGN §3). Each unit's served share of its geometry is applied to its verified
    area, so ``served_ha + unserved_ha == area_ha`` row by row and in every total. A unit
    without geometry has no served part.

    Parameters
    ----------
    baseline : DataFrame
        The units (``unit_id`` and ``area_ha`` or a geometry).
    remaining : DataFrame
        :func:`kotaku_gis.remaining_area` of the units.
    by : sequence of str
        Columns of ``baseline`` carried into the result (to group by).

    Returns
    -------
    DataFrame
        ``baseline``'s index, the ``by`` columns, ``served_ha`` and ``unserved_ha``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.summaries import served_hectares
    >>> units = pd.DataFrame({"unit_id": ["A", "B"], "area_ha": [2.0, 1.0]})
    >>> rem = pd.DataFrame({"unit_id": ["A"], "covered_ha": [0.5], "remaining_ha": [1.5]})
    >>> served_hectares(units, rem)[["served_ha", "unserved_ha"]].values.tolist()
    [[0.5, 1.5], [0.0, 1.0]]
    """
    need = [c for c in ("unit_id", "covered_ha", "remaining_ha") if c not in remaining.columns]
    if need:
        raise InputError(
            f"remaining lacks columns {need}; pass the output of kg.remaining_area(units, works)."
        )
    if "unit_id" not in baseline.columns:
        raise InputError("the units have no 'unit_id' to match the remaining areas to; add one.")
    rem = pd.DataFrame(remaining[["unit_id", "covered_ha", "remaining_ha"]])
    rem = rem.assign(unit_id=id_strings(rem["unit_id"]).to_numpy()).drop_duplicates("unit_id")
    covered = rem["covered_ha"].to_numpy(dtype=float)
    geom_ha = covered + rem["remaining_ha"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.nan_to_num(np.where(geom_ha > 0, covered / geom_ha, 0.0), nan=0.0)
    pos = pd.Index(rem["unit_id"]).get_indexer(id_strings(baseline["unit_id"]))
    area = unit_hectares(baseline)
    served = np.append(shares, 0.0)[pos] * area  # position -1 (no remaining row): not served
    units = pd.DataFrame({c: baseline[c].to_numpy() for c in by}, index=baseline.index)
    units["served_ha"] = served
    units["unserved_ha"] = area - served
    return units


def unserved_layer(
    baseline: pd.DataFrame, remaining: pd.DataFrame, *, after: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The unserved part of each unit in the hectare vocabulary of every output.

    :func:`kotaku_gis.remaining_area` measures the geometry and names its hectares
    ``area_ha``, ``covered_ha`` and ``remaining_ha``; the files a person opens name them as
    the summaries do: ``area_ha`` (the unit's area used in every figure: verified where given,
    else measured), ``area_ha_geom`` (the geometry's), ``served_ha`` and ``unserved_ha`` (on
    ``area_ha``, as in the workbook and the summaries) and ``served_ha_geom`` and
    ``unserved_ha_geom`` (on the geometry). With ``after``, the unit's ``total_score_after``
    and ``level_after``.

    Parameters
    ----------
    baseline : DataFrame
        The units (``unit_id`` and ``area_ha`` or a geometry).
    remaining : DataFrame
        :func:`kotaku_gis.remaining_area` of the units.
    after : DataFrame, optional
        The units scored after works.

    Returns
    -------
    DataFrame or GeoDataFrame
        ``remaining``'s rows and geometry (the unserved part).

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.summaries import unserved_layer
    >>> units = pd.DataFrame({"unit_id": ["A"], "area_ha": [1.30]})
    >>> rem = pd.DataFrame({"unit_id": ["A"], "area_ha": [1.3001], "covered_ha": [0.65005],
    ...     "remaining_ha": [0.65005]})
    >>> layer = unserved_layer(units, rem)
    >>> layer.drop(columns="unit_id").iloc[0].round(5).to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'area_ha': 1.3, 'area_ha_geom': 1.3001, 'served_ha': 0.65, 'unserved_ha': 0.65,
     'served_ha_geom': 0.65005, 'unserved_ha_geom': 0.65005}
    """
    served = served_hectares(baseline, remaining)
    ids = id_strings(baseline["unit_id"])
    pos = pd.Index(ids).get_indexer(id_strings(remaining["unit_id"]))
    found = pos >= 0

    def of_units(values: np.ndarray) -> np.ndarray:
        out = np.full(len(remaining), np.nan)
        out[found] = np.asarray(values, dtype=float)[pos[found]]
        return out

    keep = [c for c in remaining.columns if c not in ("area_ha", "covered_ha", "remaining_ha")]
    geometry = getattr(remaining, "active_geometry_name", None)
    lead = [c for c in keep if c != geometry]
    data = {c: remaining[c] for c in lead}

    def number(column: str) -> np.ndarray:
        return pd.to_numeric(remaining[column], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )

    served_geom, unserved_geom = number("covered_ha"), number("remaining_ha")
    # A table without the measured area: its two parts add up to it.
    geom = number("area_ha") if "area_ha" in remaining.columns else served_geom + unserved_geom
    data.update({
        "area_ha": of_units(unit_hectares(baseline)),
        "area_ha_geom": geom,
        "served_ha": of_units(served["served_ha"].to_numpy()),
        "unserved_ha": of_units(served["unserved_ha"].to_numpy()),
        "served_ha_geom": served_geom,
        "unserved_ha_geom": unserved_geom,
    })  # fmt: skip
    if after is not None:
        later = align_rows(after, baseline, name="the units after works", other="the baseline")
        data[after_column("total_score")] = pd.array(of_units(
            pd.to_numeric(later["total_score"], errors="coerce").to_numpy(dtype=float,
                                                                          na_value=np.nan)
        )).astype("Int64")  # fmt: skip
        levels = later["level"].astype("string").to_numpy(dtype=object)
        data[after_column("level")] = pd.array(
            np.where(found, np.append(levels, None)[np.where(found, pos, -1)], None),
            dtype="string",
        )
    out = pd.DataFrame(data, index=remaining.index)
    if geometry is not None:
        import geopandas as gpd

        return gpd.GeoDataFrame(out, geometry=remaining.geometry.to_numpy(), crs=remaining.crs)
    return out


def unit_scores(
    baseline: pd.DataFrame,
    *,
    after: pd.DataFrame | None = None,
    remaining: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per unit: its place, area, total and level (before and after), and per criterion
    the percentage and score, the volume works took off and the score after.

    With ``remaining``, ``served_ha`` and ``unserved_ha`` as in :func:`summary_by`, so the unit
    rows add up to the summaries' totals.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.summaries import unit_scores
    >>> base = pd.DataFrame({"unit_id": ["a"], "area_ha": [1.0], "total_score": [20],
    ...     "level": ["kumuh ringan"], "score_1a": [5]})
    >>> after = base.assign(total_score=[15], level=["tidak kumuh"], score_1a=[0])
    >>> unit_scores(base, after=after).columns.tolist()
    ['unit_id', 'area_ha', 'total_score', 'level', 'total_score_after', 'level_after', \
'score_1a', 'score_1a_after']
    """
    rs = ruleset_of(baseline)
    lead = [c for c in ("unit_id", *ADMIN_COLUMNS, "area_ha") if c in baseline.columns]
    cols: dict[str, pd.Series] = {c: baseline[c] for c in lead}
    for c in ("total_score", "level", "level_source", "level_published"):
        if c in baseline.columns:
            cols[c] = baseline[c]
    if after is not None:
        after = _after_of(after, baseline)
        for c in ("total_score", "level"):
            cols[after_column(c)] = after[c]
    if remaining is not None:
        served = served_hectares(baseline, remaining)
        for c in ("served_ha", "unserved_ha"):
            cols[c] = served[c]
    for code in rs.codes:
        # (frame, its column, the name in the table)
        wanted = [
            (baseline, pct_column(code), pct_column(code)),
            (baseline, score_column(code), score_column(code)),
        ]
        if after is not None:
            wanted += [
                (after, reduction_column(code), reduction_column(code)),
                (after, score_column(code), after_column(score_column(code))),
            ]
        for frame, col, name in wanted:
            if col in frame.columns:
                cols[name] = frame[col]
    return pd.DataFrame(cols)


_WORK_COLUMNS = (
    "kind", "kind_key", "category", "status", "completed", "year", "volume", "radius_m",
    "sumber_dana",
)  # fmt: skip


def audit_trail(
    reductions: pd.DataFrame,
    *,
    interventions: pd.DataFrame | None = None,
    baseline: pd.DataFrame | None = None,
    after: pd.DataFrame | None = None,
    lang: str = "id",
) -> pd.DataFrame:
    """Each reduction row with its intervention's attributes and its unit's hectares and levels.

    Parameters
    ----------
    reductions : DataFrame
        :func:`kotaku_gis.allocate`'s table.
    interventions : DataFrame, optional
        The works: adds their kind, category, status, year, volume and radius (as
        ``intervention_<name>`` where the reduction has a column of that name) and
        ``traced``, whether the reduction's ``intervention_id`` names one of them.
    baseline, after : DataFrame, optional
        The units scored at baseline and after works: adds the unit's kelurahan, kota,
        ``area_ha``, ``level_before``, ``level_after`` and ``unit_left_slum``.
    lang : {"id", "en"}, default "id"
        Language of ``criterion_name``.

    Returns
    -------
    DataFrame
        One row per reduction, sorted by ``unit_id``, ``criterion`` and ``intervention_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.summaries import audit_trail
    >>> red = pd.DataFrame({"intervention_id": ["W1"], "unit_id": ["A"], "criterion": ["2b"],
    ...     "volume": [50.0]})
    >>> works = pd.DataFrame({"intervention_id": ["W1"], "kind": ["jalan_beton"]})
    >>> trail = audit_trail(red, interventions=works, lang="en")
    >>> trail[["criterion_name", "criterion_unit", "kind", "traced"]].values.tolist()
    [['Poor road surface', 'm', 'jalan_beton', True]]
    """
    need = [c for c in ("unit_id", "criterion", "volume") if c not in reductions.columns]
    if need:
        raise InputError(
            f"the reductions table lacks {need}; pass the output of kg.allocate(units, works)."
        )
    red = pd.DataFrame(reductions).reset_index(drop=True)
    rs = ruleset_of(baseline if baseline is not None else red)
    names = {c.code: c.name_en if lang == "en" else c.name_id for c in rs.criteria}
    units_of = {c.code: c.unit for c in rs.criteria}
    crit = red["criterion"].astype("string")
    red.insert(red.columns.get_loc("criterion") + 1, "criterion_name", crit.map(names))
    if "measure" not in red.columns:
        red.insert(red.columns.get_loc("criterion_name") + 1, "criterion_unit", crit.map(units_of))
    if interventions is not None and "intervention_id" in red.columns:
        if "intervention_id" not in interventions.columns:
            raise InputError("the interventions have no 'intervention_id' to trace reductions to.")
        keep = [c for c in _WORK_COLUMNS if c in interventions.columns]
        works = pd.DataFrame(interventions[["intervention_id", *keep]])
        works["intervention_id"] = id_strings(works["intervention_id"]).to_numpy()
        works = works.drop_duplicates("intervention_id")
        # The intervention's own year, volume or kind must not shadow the reduction's.
        works = works.rename(columns={c: f"intervention_{c}" for c in keep if c in red.columns})
        red["intervention_id"] = id_strings(red["intervention_id"]).to_numpy()
        red = red.merge(works, on="intervention_id", how="left")
        red["traced"] = traced(red, interventions)
    if baseline is not None and "unit_id" in baseline.columns:
        unit_cols = [c for c in ("kelurahan", "kota", "area_ha", "level") if c in baseline]
        units = pd.DataFrame(baseline[["unit_id", *unit_cols]]).rename(
            columns={"level": before_column("level")}
        )
        if after is not None:
            before, later = before_column("level"), after_column("level")
            units[later] = _after_of(after, baseline)["level"].to_numpy()
            units["unit_left_slum"] = (units[before].astype("string") != NOT_SLUM) & (
                units[later].astype("string") == NOT_SLUM
            )
        units["unit_id"] = id_strings(units["unit_id"]).to_numpy()
        red["unit_id"] = id_strings(red["unit_id"]).to_numpy()
        red = red.merge(units.drop_duplicates("unit_id"), on="unit_id", how="left")
    order = [c for c in ("unit_id", "criterion", "intervention_id") if c in red.columns]
    return red.sort_values(order, kind="stable").reset_index(drop=True)


def traced(reductions: pd.DataFrame, interventions: pd.DataFrame) -> np.ndarray:
    """Whether each reduction's ``intervention_id`` names one of the interventions.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.summaries import traced
    >>> red = pd.DataFrame({"intervention_id": ["W1", "W9"]})
    >>> traced(red, pd.DataFrame({"intervention_id": ["W1"]})).tolist()
    [True, False]
    """
    known = id_strings(interventions["intervention_id"]).dropna()
    return id_strings(reductions["intervention_id"]).isin(known).to_numpy(dtype=bool)


def untraced_report(
    reductions: pd.DataFrame, interventions: pd.DataFrame | None
) -> ValidationReport | None:
    """A warning per reduction whose works cannot be found among the interventions.

    None without interventions to trace to.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.summaries import untraced_report
    >>> works = pd.DataFrame({"intervention_id": ["W1"]})
    >>> red = works.assign(intervention_id="W9", unit_id="A", criterion="2b", volume=5.0)
    >>> [(i.row, i.check) for i in untraced_report(red, works)]
    [(0, 'untraced_reduction')]
    """
    if interventions is None or "intervention_id" not in interventions.columns:
        return None
    rep = ValidationReport(what="reductions")
    if "intervention_id" not in reductions.columns:
        rep.add(
            None, "intervention_id", "warning", "untraced_reduction", params={"variant": "no_id"}
        )
        return rep
    lost = ~traced(reductions, interventions)
    if lost.any():
        rows = reductions[lost]
        params = [
            {"variant": "row", "volume": vol, "criterion": crit, "unit": unit,
             "intervention": iid}
            for vol, crit, unit, iid in zip(
                rows["volume"].tolist(), rows["criterion"].tolist(), rows["unit_id"].tolist(),
                id_strings(rows["intervention_id"]).astype(object).tolist(), strict=True,
            )
        ]  # fmt: skip
        rep.add_rows(rows.index, "intervention_id", "warning", "untraced_reduction",
                     params=params)  # fmt: skip
    return rep


def unassessed_report(baseline: pd.DataFrame, after: pd.DataFrame | None) -> ValidationReport:
    """A warning per unit without a level: counted in the units and area, under no level.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.summaries import unassessed_report
    >>> base = pd.DataFrame({"unit_id": ["A"], "area_ha": [1.5], "level": [None]})
    >>> [(i.row, i.check) for i in unassessed_report(base, None)]
    [(0, 'level_missing')]
    """
    rep = ValidationReport(what="levels")
    for frame, when in ((baseline, "before"), (after, "after")):
        if frame is None:
            continue
        blank = normalise_levels(frame["level"]).isna().to_numpy()
        if not blank.any():
            continue
        ids = frame["unit_id"] if "unit_id" in frame.columns else frame.index.to_series()
        area = unit_hectares(frame)[blank].tolist()
        params = [
            {"variant": when, "unit": uid, "ha": ha}
            for uid, ha in zip(ids[blank].tolist(), area, strict=True)
        ]
        rep.add_rows(frame.index[blank], "level", "warning", "level_missing", params=params)
    return rep
