"""Scoring units under a regulation: percentages, scores, aspect averages, total and level.

Each criterion's percentage is volume / denominator x 100, rounded half-up to two decimals as
on the programme's score sheets (75.995 % is 76.00 % and scores 5; 75.76 % scores 3). The
score bands and level thresholds come from the ruleset (:mod:`kotaku_gis.rulesets`).

Evidence, deepest first
-----------------------
Per unit and criterion, :func:`assess` uses the deepest evidence the table holds:

1. ``volumes``: the volume column (``"1a"`` ...) and its denominator (``buildings`` ...);
2. ``percentages``: a given ``pct_<code>`` (as SIM KOTAKU exports them). With the
   denominator present the volume is derived (pct x denominator / 100), so works taken off it
   re-score the criterion; without it the percentage is used as it is;
3. ``scores``: a given ``score_<code>`` (0/1/3/5, as on score sheets);
4. ``published``: only a published level for the unit (its ``level`` column).

Missing evidence is never zero: a blank cell or a missing column leaves the criterion without
evidence, and a unit lacking evidence for any criterion has no total. It keeps its published
level when it has one (``level_source`` ``"published"``); otherwise its ``total_score`` and
``level`` are ``<NA>`` ("belum dinilai", not assessed) and the report names what was looked
for (``criterion_missing``). A 0 in a cell is evidence. :func:`assess` refuses a table in which
no unit can be assessed at all. ``level_source`` is the shallowest depth a unit's total rests
on. A published ``level`` is kept as ``level_published`` and compared (``level_differs``);
given aspect averages (``avg_<aspect>``) and totals (``total_score``) likewise
(``avg_<aspect>_published``, ``total_score_published``; ``average_differs``,
``total_differs``). A frame that already has ``level_source`` is an output of :func:`assess`:
its ``level`` is not taken as published.

After works (``reductions``), criteria given as volumes, or as percentages with their
denominator, are re-scored. A criterion known only as a score, or as a percentage without its
denominator, cannot be: it keeps its baseline value and the reductions for it are reported
(``not_recomputed``), as are units known only by a published level.

Aspect averages
---------------
The sources compute the aspect averages ("Rata-rata Kondisi ...") in two ways:

``aspect_average="mean"`` (default)
    The mean of the aspect's criterion percentages as recorded, each rounded half-up to two
    decimals, *not* clamped to 0-100, the mean rounded half-up again. This is how the
    programme's published RT score sheets of East Java compute them
    (https://kawanku.pkpjatim.id): e.g. RT015-RW003 Mergosono, Kota Malang
    (https://kawanku.pkpjatim.id/home/kelurahan/32/839/4731) records 4a as -0.12 ha of
    0.88 ha, -13.64 %, scored 0, and prints the drainage average (-13.64 + 0 + 63.11) / 3 =
    16.49 %; RT002-RW008 Sutojayan, Kab. Blitar (.../5/771/4538) prints the road average of
    0 % and 16.67 % as 8.34 % (the mean of the rounded percentages); RT006-RW001 Sampung,
    Kab. Ponorogo (.../2/154/1109) averages 57.14, 0 and 21.43 % to 26.19 %, counting the
    21.43 % below the lowest band as it is. A city slum app of Kota Pekalongan
    (github.com/RiqqiAmru/motorkawanku, ``src/js/rumus.js``) averages the same way,
    with volumes floored at 0 but not capped at the denominator. After works, the recorded
    volume less the volume the works took off (``reduction_<code>``) is used.
``aspect_average="simkotaku"``
    SIM KOTAKU's slum profile counts a criterion under 25 % (the lowest band) as 0 in its
    aspect's average, and averages the clamped percentages (0-100): 57.14, 0 and 21.43 %
    average to 19.05 % there. The rule was found by comparing the criterion percentages
    (``k<aspect>_<letter>_p``) and aspect averages (``k<aspect>_p``) of a SIM KOTAKU profile
    export; no public description of it was found, so it is offered as an option.

The default follows the published sheets. Scores always come from the clamped percentages,
and ``pct_<code>`` is the clamped percentage (0-100) in both cases.

The mean of the seven aspect averages is ``avg_kekumuhan`` ("rata-rata kekumuhan
sektoral" of the Pekalongan app), from which :func:`kotaku_gis.summarize` derives the
"kontribusi penanganan" of works.

How imperfect tables are treated, as a planner would:

- a negative volume is reported and counted as 0 (scores; the "mean" average keeps it, as the
  published sheets do);
- a volume above its denominator is reported and counted as the denominator (100 %) for
  scoring; negative and excess volumes are clamped before reductions are taken off, so works
  covering the whole denominator (all 500 m of ideal road) bring the criterion to 0 %;
- a zero denominator gives 0 % and is reported once per unit and denominator column: as a
  warning when a volume was recorded against it, as a note otherwise;
- a given score that is not one of the ruleset's scores, or a published level that is not a
  level, is reported and not used.

Everything is vectorised over units: a million units score in a few seconds.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ._frames import has_geometry, numbers
from .area import area_ha_array
from .errors import InputError, reject_dask
from .rulesets import (
    DEFAULT_RULESET,
    LEVEL_ORDER,
    RULESETS,
    Ruleset,
    all_codes,
    get_ruleset,
    parse_levels,
)
from .schema import (
    avg_column,
    id_strings,
    pct_column,
    published_column,
    reduction_column,
    score_column,
)
from .validation_report import ValidationReport

__all__ = [
    "ASPECT_AVERAGES",
    "LEVEL_SOURCES",
    "as_year",
    "assess",
    "evidence_report",
    "round_half_up",
]

#: Percentages within this many hundredths of a cent of a half are treated as exactly half,
#: so that 75.995 (stored as 75.99499999999999) rounds up.
_HALF_TOLERANCE_DECIMALS = 6

AspectAverage = Literal["mean", "simkotaku"]
#: The rules for aspect averages :func:`assess` knows (see the module notes).
ASPECT_AVERAGES: tuple[str, ...] = ("mean", "simkotaku")
#: Values of ``level_source``, deepest evidence first.
LEVEL_SOURCES: tuple[str, ...] = ("volumes", "percentages", "scores", "published")

#: A published level given on input, kept beside the computed one.
_PUBLISHED = published_column("level")

# Evidence depth of one criterion of one unit.
_VOL, _PCT_DERIVED, _PCT_DIRECT, _SCORE, _NONE = 0, 1, 2, 3, 4
# Position in LEVEL_SOURCES of each depth (a unit with no evidence for a criterion is
# "published" or nothing, decided apart).
_SOURCE_OF_DEPTH = np.array([0, 1, 1, 2, 2], dtype=np.int8)


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


def _rows(frame: pd.DataFrame, mask: np.ndarray) -> list:
    return frame.index[mask].tolist()


def _squash(name: object) -> str:
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def near_names(columns: list, wanted: list[str], *, n: int = 3) -> list[str]:
    """Column names that look like the ``wanted`` names: close spellings, or names that end
    with a wanted criterion code once case and punctuation are dropped (``kriteria_1a``).

    Examples
    --------
    >>> from kotaku_gis.scoring import near_names
    >>> near_names(["unit_id", "1.a", "kriteria_1b", "road_lengt"], ["1a", "pct_1a"])
    ['1.a']
    >>> near_names(["unit_id", "road_lengt"], ["road_length_m"])
    ['road_lengt']
    """
    names = [str(c) for c in columns if str(c) not in wanted]
    squashed = {name: _squash(name) for name in names}
    found: list[str] = []
    for target in wanted:
        key = _squash(target)
        for name in difflib.get_close_matches(target, names, n=n, cutoff=0.75):
            found.append(name)
        for name, sq in squashed.items():
            if sq == key or (len(key) <= 3 and sq.endswith(key) and len(sq) > len(key)):
                found.append(name)
    return list(dict.fromkeys(found))[:n]


@dataclass
class _Evidence:
    """What the table holds for each criterion, unit by unit."""

    denoms: dict[str, np.ndarray]
    absent_denoms: set[str]
    volumes: dict[str, np.ndarray]
    pcts: dict[str, np.ndarray]
    scores: dict[str, np.ndarray]
    depth: dict[str, np.ndarray]
    published: pd.Series
    published_column: str | None

    def matrix(self, codes: tuple[str, ...]) -> np.ndarray:
        """Depths as an (units x criteria) array."""
        return np.column_stack([self.depth[c] for c in codes]).reshape(-1, len(codes))


def _area_from_geometry(units: pd.DataFrame, rows: np.ndarray | None) -> np.ndarray:
    geoms = units.geometry.to_numpy()
    out = np.full(len(units), np.nan)
    if rows is None:
        rows = np.ones(len(units), dtype=bool)
    if rows.any():
        out[rows] = area_ha_array(geoms[rows], units.crs)
    return out


def _gather(
    units: pd.DataFrame,
    rs: Ruleset,
    report: ValidationReport | None,
    *,
    measure: bool = True,
) -> _Evidence:
    """The evidence of every criterion; with ``measure=False`` hectares from the geometry are
    only marked as present (1.0), not measured."""
    n = len(units)
    geometry = has_geometry(units)

    def note(*args) -> None:
        if report is not None and measure:
            report.add(*args)

    denoms: dict[str, np.ndarray] = {}
    absent: set[str] = set()
    for col in dict.fromkeys(c.denominator for c in rs.criteria):
        if col in units.columns:
            d = numbers(units, col)
            blank = np.isnan(d)
            if col == "area_ha" and geometry and blank.any():
                from_geom = (
                    _area_from_geometry(units, blank)
                    if measure
                    else np.where(units.geometry.isna().to_numpy(), np.nan, 1.0)
                )
                d = np.where(blank, from_geom, d)
                if report is not None and measure:
                    report.add_rows(
                        _rows(units, blank & ~np.isnan(d)), col, "info", "area_from_geometry",
                        "blank area_ha: the geometry's ellipsoidal hectares are the denominator",
                    )  # fmt: skip
            denoms[col] = d
        elif col == "area_ha" and geometry:
            denoms[col] = (
                _area_from_geometry(units, None)
                if measure
                else np.where(units.geometry.isna().to_numpy(), np.nan, 1.0)
            )
            note(
                None, col, "info", "area_from_geometry",
                "no area_ha column: the geometry's ellipsoidal hectares are the denominator",
            )  # fmt: skip
        else:
            denoms[col] = np.full(n, np.nan)
            absent.add(col)

    assessed_before = "level_source" in units.columns
    allowed = np.array(sorted({0, *(s for _, s in rs.bands)}), dtype=float)
    volumes, pcts, scores, depth = {}, {}, {}, {}
    nan = np.full(n, np.nan)
    for c in rs.criteria:
        code = c.code
        vol = numbers(units, code) if code in units.columns else nan
        pct = numbers(units, pct_column(code)) if pct_column(code) in units.columns else nan
        score = nan
        given_score = score_column(code)
        if given_score in units.columns:
            score = numbers(units, given_score)
            bad = ~np.isnan(score) & ~np.isin(score, allowed)
            if bad.any():
                if report is not None and not assessed_before:
                    report.add_rows(
                        _rows(units, bad), given_score, "warning", "invalid_score",
                        [f"{given_score} is {s:g}, not one of {allowed.astype(int).tolist()}; "
                         "not used" for s in score[bad]],
                    )  # fmt: skip
                score = np.where(bad, np.nan, score)
        d = denoms[c.denominator]
        has_d = ~np.isnan(d)
        dep = np.full(n, _NONE, dtype=np.int8)
        dep[~np.isnan(score)] = _SCORE
        has_pct = ~np.isnan(pct)
        dep[has_pct & ~(has_d & (d > 0))] = _PCT_DIRECT
        dep[has_pct & has_d & (d > 0)] = _PCT_DERIVED
        dep[~np.isnan(vol) & has_d] = _VOL
        volumes[code], pcts[code], scores[code], depth[code] = vol, pct, score, dep

    source_col = None
    if assessed_before:
        source_col = _PUBLISHED if _PUBLISHED in units.columns else None
    elif "level" in units.columns:
        source_col = "level"
    elif _PUBLISHED in units.columns:
        source_col = _PUBLISHED
    if source_col is None:
        published = pd.Series(pd.NA, index=units.index, dtype="string")
    else:
        published, unknown = parse_levels(units[source_col], column=source_col)
        if unknown.any() and report is not None:
            bad = unknown.to_numpy()
            report.add_rows(
                _rows(units, bad), source_col, "warning", "unknown_level",
                [f"published level {v!r} is not a level (use kumuh berat/sedang/ringan or "
                 "tidak kumuh); not used" for v in units[source_col].to_numpy()[bad]],
            )  # fmt: skip
    return _Evidence(denoms, absent, volumes, pcts, scores, depth, published, source_col)


def _infer_ruleset(frame: pd.DataFrame) -> Ruleset:
    if "ruleset" in frame.attrs:
        return get_ruleset(frame.attrs["ruleset"])
    only_2016 = set(RULESETS["permen-02-2016"].codes) - set(RULESETS[DEFAULT_RULESET].codes)
    given = {
        code
        for code in only_2016
        if {code, pct_column(code), score_column(code)} & set(map(str, frame.columns))
    }
    return RULESETS["permen-02-2016"] if given else RULESETS[DEFAULT_RULESET]


def _report_missing(
    units: pd.DataFrame, ev: _Evidence, rs: Ruleset, report: ValidationReport
) -> np.ndarray:
    """Add ``criterion_missing`` entries; return the mask of units lacking some criterion."""
    n = len(units)
    depths = ev.matrix(rs.codes)
    none = depths == _NONE
    lacking = none.any(axis=1) if n else np.zeros(0, dtype=bool)
    if not lacking.any():
        return lacking
    published = ev.published.notna().to_numpy()
    columns = list(units.columns)
    everywhere = none.all(axis=0)
    given = {str(c) for c in columns}
    scoring = [name(c) for c in rs.codes for name in (str, pct_column, score_column)]
    if not given & set(scoring) and not near_names(columns, scoring):
        # Nothing in the layer is meant for scoring (e.g. polygons read for the overlay
        # alone): one note, not one error per criterion. kg.assess still refuses it.
        report.add(
            None, None, "warning", "criterion_missing",
            params={"codes": list(rs.codes)[:3],
                    "variant": "layer" if published.all() else "layer_unassessed"},
        )  # fmt: skip
        return lacking
    for j, c in enumerate(rs.criteria):
        if not everywhere[j]:
            continue
        code = c.code
        den = c.denominator
        parts = []
        if code not in units.columns:
            parts.append(f"no column {code!r}")
        if den in ev.absent_denoms:
            parts.append(f"no denominator column {den!r}")
        if code in units.columns and den not in ev.absent_denoms:
            parts.append(f"{code!r} or {den!r} blank in every row")
        wanted = [code, pct_column(code), score_column(code), den]
        near = near_names(columns, wanted)
        hint = f"; columns that look alike: {near}" if near else ""
        severity = "warning" if published.all() else "error"
        report.add(
            None, code, severity, "criterion_missing",
            f"criterion {code} ({c.name_id}) has no evidence in any unit ({', '.join(parts)}; "
            f"looked for {code!r} with {den!r}, {pct_column(code)!r} or {score_column(code)!r})"
            f"{hint}. Units without a published level are not assessed; rename the column "
            "(kg.read_units(..., columns={name: code})) or add it.",
        )  # fmt: skip
    partial = none & ~everywhere
    rows = partial.any(axis=1)
    if rows.any():
        codes = np.array(rs.codes, dtype=object)
        denominator = {c.code: c.denominator for c in rs.criteria}
        for pos in np.flatnonzero(rows):
            missing = codes[partial[pos]].tolist()
            blank_d = [
                d for d in dict.fromkeys(denominator[c] for c in missing)
                if np.isnan(ev.denoms[d][pos])
            ]  # fmt: skip
            blank_v = [c for c in missing if np.isnan(ev.volumes[c][pos])]
            causes = [f"blank {', '.join(blank_d)}"] if blank_d else []
            causes += [f"blank volume {', '.join(blank_v)}"] if blank_v else []
            tail = (
                f"its published level {ev.published.iloc[pos]!r} is kept"
                if published[pos]
                else "the unit is not assessed (belum dinilai)"
            )
            report.add(
                units.index[pos], blank_d[0] if blank_d else missing[0],
                "warning" if published[pos] else "error", "criterion_missing",
                f"no evidence for {', '.join(missing)} ({'; '.join(causes)}; no pct_ or score_ "
                f"given): {tail}; fill the cells",
            )  # fmt: skip
    return lacking


def evidence_report(
    frame: pd.DataFrame,
    ruleset: str | Ruleset | None = None,
    *,
    report: ValidationReport | None = None,
) -> ValidationReport:
    """The criteria each unit lacks evidence for, before any scoring.

    The same ``criterion_missing`` entries :func:`assess` would report: a criterion with no
    evidence in any unit once (naming the columns looked for and the columns that look alike),
    and each unit with blanks once. Errors where a unit would be left unassessed, warnings
    where its published level stands in. Also reports given scores that are not scores
    (``invalid_score``) and published levels that are not levels (``unknown_level``).

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        Units as read (:func:`kotaku_gis.read_units`).
    ruleset : str or Ruleset, optional
        Defaults to the frame's ``attrs["ruleset"]``, else Permen 02/2016 when criteria found
        only in it (``4d``, ``4e``, ``6c``) are given, else Permen 14/2018.
    report : ValidationReport, optional
        Report to add to; a new one otherwise.

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.scoring import evidence_report
    >>> units = pd.DataFrame({"unit_id": ["A"], "buildings": [10], "1.a": [4]})
    >>> rep = evidence_report(units)
    >>> issue = rep.issues[0]
    >>> issue.check, issue.column, issue.severity, "'1.a'" in issue.message
    ('criterion_missing', '1a', 'error', True)
    """
    rs = _infer_ruleset(frame) if ruleset is None else get_ruleset(ruleset)
    report = ValidationReport(what="units") if report is None else report
    ev = _gather(frame, rs, report, measure=False)
    _report_missing(frame, ev, rs, report)
    return report


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
            "use kg.allocate(units, interventions) to build one."
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
        yrs = numbers(red, "year")
        no_year = np.isnan(yrs)
        if no_year.any():
            report.add_rows(
                _rows(red, no_year), "year", "warning", "reduction_without_year",
                f"reduction row has no year, so it cannot be placed before or after {year}; "
                "not applied",
            )  # fmt: skip
        keep &= ~no_year & (np.nan_to_num(yrs, nan=np.inf) <= year)
    vol = numbers(red, "volume")
    bad_vol = keep & (np.isnan(vol) | (vol < 0))
    if bad_vol.any():
        report.add_rows(
            _rows(red, bad_vol), "volume", "warning", "reduction_bad_volume",
            "reduction volume is blank or negative; not applied",
        )  # fmt: skip
    keep &= ~bad_vol
    crit = red["criterion"].astype("string").str.strip().str.lower()
    in_ruleset = crit.isin(rs.codes).fillna(False).to_numpy(dtype=bool)
    # Rows for criteria of the other ruleset (4d/4e/6c of 2016, made by kinds that serve
    # them) are expected under 2018: one note says how many are set aside, not a warning.
    other = keep & ~in_ruleset & crit.isin(all_codes()).fillna(False).to_numpy(dtype=bool)
    if other.any():
        codes = sorted(set(crit[other].tolist()))
        report.add(
            None, "criterion", "info", "reduction_other_ruleset",
            params={"n": int(other.sum()), "codes": codes, "ruleset": rs.name},
        )  # fmt: skip
    unknown_crit = keep & ~in_ruleset & ~other
    if unknown_crit.any():
        report.add_rows(
            _rows(red, unknown_crit), "criterion", "warning", "reduction_unknown_criterion",
            [f"criterion {c!r} is not part of {rs.name}; not applied"
             for c in crit[unknown_crit]],
        )  # fmt: skip
    keep &= in_ruleset
    pos = ids.get_indexer(id_strings(red["unit_id"]))
    unknown_unit = keep & (pos < 0)
    if unknown_unit.any():
        report.add_rows(
            _rows(red, unknown_unit), "unit_id", "warning", "reduction_unknown_unit",
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


def _per_unit(
    report: ValidationReport,
    units: pd.DataFrame,
    flags: dict[str, np.ndarray],
    check: str,
    severity: str,
    message=None,
    *,
    params=None,
) -> None:
    """One entry per unit listing the codes flagged for it (``flags``: code -> row mask);
    ``message(pos, codes)`` writes its message, or ``params(pos, codes)`` its check's values."""
    if not flags:
        return
    codes = np.array(list(flags), dtype=object)
    grid = np.column_stack(list(flags.values())).reshape(len(units), len(codes))
    for pos in np.flatnonzero(grid.any(axis=1)):
        hit = codes[grid[pos]].tolist()
        if params is not None:
            report.add(units.index[pos], hit[0], severity, check, params=params(pos, hit))
        else:
            report.add(units.index[pos], hit[0], severity, check, message(pos, hit))


def _averages(
    rs: Ruleset, pct: dict[str, np.ndarray], raw: dict[str, np.ndarray], rule: str
) -> dict[str, np.ndarray]:
    """Aspect averages under ``rule`` from clamped (``pct``) and recorded (``raw``) percentages."""
    low = min(m for m, _ in rs.bands)
    out = {}
    for aspect, codes in rs.aspects.items():
        if rule == "mean":
            values = [raw[c] for c in codes]
        else:
            values = [np.where(pct[c] < low, 0.0, pct[c]) for c in codes]
        out[aspect] = round_half_up(np.mean(values, axis=0))
    return out


def _level_codes(rs: Ruleset, totals: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Positions in LEVEL_ORDER of the totals' levels, -1 where the total is unknown."""
    codes = np.zeros(totals.shape, dtype=np.int8)
    for label, minimum in sorted(rs.levels, key=lambda lm: lm[1]):
        codes[totals >= minimum] = LEVEL_ORDER.index(label)
    return np.where(known, codes, -1).astype(np.int8)


def _label_codes(labels: pd.Series) -> np.ndarray:
    return (
        pd.Categorical(labels, categories=list(LEVEL_ORDER)).codes.astype(np.int8)
        if len(labels)
        else np.zeros(0, dtype=np.int8)
    )


def assess(
    units: pd.DataFrame,
    *,
    ruleset: str | Ruleset = DEFAULT_RULESET,
    reductions: pd.DataFrame | None = None,
    year: int | None = None,
    aspect_average: AspectAverage = "mean",
    leave_requires_service: bool | None = None,
    allow_unassessed: bool = False,
) -> pd.DataFrame:
    """Score each unit under a regulation, optionally after the works done by a year.

    Parameters
    ----------
    units : DataFrame or GeoDataFrame
        One row per RT or kawasan with, per criterion, the deepest evidence at hand (see the
        module notes): volume columns (``"1a"`` … ``"7b"``) with the denominators
        ``buildings``, ``households``, ``road_length_m``, ``drain_length_m``, ``area_ha``
        (computed from the geometry when absent or blank); or given percentages
        ``pct_<code>``; or given scores ``score_<code>``; or only a published ``level``.
        Geometry is optional.
    ruleset : str or Ruleset, default "permen-14-2018"
        ``"permen-14-2018"`` or ``"permen-02-2016"`` (see :data:`kotaku_gis.RULESETS`).
    reductions : DataFrame, optional
        A reductions table (``unit_id``, ``criterion``, ``volume``, ``year``), as made by
        :func:`kotaku_gis.allocate` or typed by hand. Each unit's volume for a criterion,
        clamped to 0 - denominator, is lowered by the sum of its reductions (never below 0)
        before scoring. Rows naming an unknown unit or criterion are reported, not applied;
        reductions for a criterion known only as a score (or a percentage without its
        denominator) cannot be applied and are reported (``not_recomputed``).
    year : int, optional
        Apply only the reductions with ``year`` at or before this year. Without it, all of
        them. A whole number (``2022``, ``np.int64(2022)``, ``2022.0``); text raises
        :class:`~kotaku_gis.InputError`.
    aspect_average : {"mean", "simkotaku"}, default "mean"
        How ``avg_<aspect>`` is computed: the mean of the recorded percentages, as the
        published score sheets do, or SIM KOTAKU's rule (a criterion under 25 % counts as 0).
        See the module notes for the sources.
    leave_requires_service : bool, optional
        Overrides :attr:`Ruleset.leave_requires_service`: with reductions, a unit on the
        slum list at baseline leaves it only when its total falls below the threshold *and*
        the service of road, water, drainage, wastewater and solid waste (100 minus each
        aspect's average) is above 80 %; otherwise it stays "kumuh ringan" and is reported
        (``service_below_minimum``).
    allow_unassessed : bool, default False
        When no unit can be assessed at all, return them all unassessed (with the report)
        instead of raising :class:`~kotaku_gis.InputError`.

    Returns
    -------
    DataFrame or GeoDataFrame
        The units (same index, columns and geometry) plus ``pct_<code>`` (float, 0-100, two
        decimals; blank where only a score is known), ``score_<code>`` (``Int8``: 0/1/3/5),
        ``avg_<aspect>`` (float, two decimals), ``avg_kekumuhan`` (the mean of the aspect
        averages), ``total_score`` (``Int64``), ``level`` (ordered categorical: "tidak kumuh" <
        "kumuh ringan" < "kumuh sedang" < "kumuh berat") and ``level_source`` (``string``:
        "volumes", "percentages", "scores", "published"); ``total_score`` and ``level`` are
        ``<NA>`` for units that cannot be assessed. With reductions, ``reduction_<code>`` (the
        volume taken off the clamped volume; blank where the criterion has no volume). A given
        ``level`` is kept as ``level_published``, given ``avg_<aspect>`` as
        ``avg_<aspect>_published`` and a given ``total_score`` as ``total_score_published``.
        ``attrs["report"]`` holds a :class:`~kotaku_gis.ValidationReport` of everything that
        was missing, clamped, not applied or differs from what was published.

    Raises
    ------
    InputError
        When no unit can be assessed (unless ``allow_unassessed``), naming the columns looked
        for and those that look alike.

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
    >>> int(row["total_score"]), row["level"], row["level_source"]
    (38, 'kumuh sedang', 'volumes')
    >>> red = pd.DataFrame({"unit_id": ["RT01"], "criterion": ["2b"], "volume": [605.0],
    ...     "year": [2022]})
    >>> int(kg.assess(units, reductions=red, year=2022).loc[0, "total_score"])
    33

    A blank cell is not a zero: the unit is not assessed, and the report says why.

    >>> gap = units.assign(**{"7b": [None]})
    >>> out = kg.assess(gap, allow_unassessed=True)
    >>> out.loc[0, "total_score"], out.loc[0, "level"], out.attrs["report"].issues[0].check
    (<NA>, nan, 'criterion_missing')
    """
    rs, year = _checked_options(
        units, ruleset=ruleset, aspect_average=aspect_average, year=year,
        leave_requires_service=leave_requires_service,
    )  # fmt: skip
    report = ValidationReport(what="assessment")
    ev = _gather(units, rs, report)
    lacking = _report_missing(units, ev, rs, report)
    has_published = ev.published.notna().to_numpy()
    if len(units) and (lacking & ~has_published).all() and not allow_unassessed:
        raise InputError(_nothing_to_assess(units, ev, rs))
    applied = _reductions(reductions, units, rs, year, report) if reductions is not None else None
    _report_zero_denominators(units, ev, rs, report)
    crit = _criteria(units, ev, rs, applied, report)
    levels = _levels_of(units, ev, rs, crit, lacking, aspect_average, report)
    _report_after_works(units, rs, report, crit.skipped, lacking & has_published, applied, ev)
    kept = _kept_published(units, ev, rs, crit, levels, aspect_average, report)
    return _assembled(units, rs, crit, levels, kept, report, aspect_average)


def _checked_options(
    units: pd.DataFrame,
    *,
    ruleset: str | Ruleset,
    aspect_average: str,
    year: int | None,
    leave_requires_service: bool | None,
) -> tuple[Ruleset, int | None]:
    """The ruleset (with ``leave_requires_service`` applied) and the year, options checked."""
    reject_dask(units, function="kg.assess")
    if not isinstance(units, pd.DataFrame):
        raise InputError(
            f"assess needs a DataFrame or GeoDataFrame of units, not {type(units).__name__}."
        )
    rs = get_ruleset(ruleset)
    if leave_requires_service is not None:
        rs = dataclasses.replace(rs, leave_requires_service=bool(leave_requires_service))
    if aspect_average not in ASPECT_AVERAGES:
        raise InputError(
            f"aspect_average must be one of {list(ASPECT_AVERAGES)}, not {aspect_average!r}."
        )
    return rs, None if year is None else as_year(year)


@dataclass
class _Criteria:
    """Every criterion's percentages and scores, after works and at baseline.

    ``pct``/``raw`` are the clamped and the recorded percentages after works (the baseline's
    when there are no works: ``same``), ``pct0``/``raw0`` the baseline's; ``scores`` holds
    each criterion's scores and the mask of units without evidence for it.
    """

    same: bool
    pct: dict[str, np.ndarray] = field(default_factory=dict)
    raw: dict[str, np.ndarray] = field(default_factory=dict)
    pct0: dict[str, np.ndarray] = field(default_factory=dict)
    raw0: dict[str, np.ndarray] = field(default_factory=dict)
    scores: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: The volume works took off each criterion (NaN where it has no volume).
    taken: dict[str, np.ndarray] = field(default_factory=dict)
    #: Units with works for a criterion that cannot be re-scored (known as a score only).
    skipped: dict[str, np.ndarray] = field(default_factory=dict)
    total: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    total0: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Units with evidence for every criterion.
    known: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: The shallowest evidence depth each unit's total rests on.
    deepest: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))


def _criteria(
    units: pd.DataFrame,
    ev: _Evidence,
    rs: Ruleset,
    applied: dict[str, np.ndarray] | None,
    report: ValidationReport,
) -> _Criteria:
    """Percentages and scores of every criterion at baseline and after the ``applied`` works."""
    n = len(units)
    same = applied is None  # without works, the state after is the baseline
    out = _Criteria(same=same)
    negative: dict[str, np.ndarray] = {}
    total = np.zeros(n, dtype=np.int64)
    total0 = total if same else np.zeros(n, dtype=np.int64)
    known = np.ones(n, dtype=bool)
    deepest = np.zeros(n, dtype=np.int8)
    for c in rs.criteria:
        code = c.code
        dep = ev.depth[code]
        d = ev.denoms[c.denominator]
        np.maximum(deepest, dep, out=deepest)
        is_vol = dep == _VOL
        derived = dep == _PCT_DERIVED
        track = is_vol | derived
        direct = dep == _PCT_DIRECT
        ok = track & (d > 0)
        recorded = np.where(is_vol, ev.volumes[code], np.nan)
        if derived.any():
            recorded = np.where(derived, ev.pcts[code] * d / 100.0, recorded)
        neg = track & (recorded < 0)
        if neg.any():
            negative[code] = neg
        v = np.where(track, np.maximum(recorded, 0.0), np.nan)
        over = ok & (recorded > d * (1 + 1e-9))
        if over.any():
            what = np.where(dep[over] == _VOL, "volume", "derived volume")
            report.add_rows(
                _rows(units, over), code, "warning", "volume_above_denominator",
                [f"{code} {w} {vv:g} exceeds {c.denominator} {dd:g}; counted as 100 % for "
                 "the score" for w, vv, dd in zip(what, recorded[over], d[over], strict=True)],
            )  # fmt: skip
        # Clamp before any reduction: works covering the whole denominator clear the
        # criterion, however large the recorded deficit.
        v = np.where(ok, np.minimum(v, d), v)
        safe_d = np.where(ok, d, 1.0)
        # Where the recorded volume was clamped, the "mean" averages keep it as recorded.
        odd = ok & (neg | over)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_base = round_half_up(np.where(ok, v / safe_d * 100.0, 0.0))
            r_base = p_base
            if odd.any():
                r_base = np.where(odd, round_half_up(recorded / safe_d * 100.0), p_base)
            p_after, r_after = p_base, r_base
            if not same:
                a = applied[code]
                taken = np.where(track, np.minimum(a, v), np.nan)
                out.taken[code] = taken
                if (~track & (a > 0)).any():
                    out.skipped[code] = ~track & (a > 0)
                if (a > 0).any():
                    taken = np.nan_to_num(taken, nan=0.0)
                    p_after = round_half_up(np.where(ok, (v - taken) / safe_d * 100.0, 0.0))
                    r_after = p_after
                    if odd.any():
                        r_after = np.where(
                            odd, round_half_up((recorded - taken) / safe_d * 100.0), p_after
                        )
        given = clipped = None
        if direct.any():
            given = round_half_up(ev.pcts[code])
            out_of_range = direct & ((given < 0) | (given > 100))
            if out_of_range.any():
                report.add_rows(
                    _rows(units, out_of_range), pct_column(code), "warning",
                    "percentage_out_of_range",
                    [f"{pct_column(code)} is {g:g} %; counted as {min(max(g, 0.0), 100.0):g} % "
                     "for the score" for g in given[out_of_range]],
                )  # fmt: skip
            clipped = np.clip(given, 0.0, 100.0)
        has_score = dep == _SCORE
        none = dep == _NONE
        known &= ~none

        parts = (rs, track, direct, given, clipped, has_score, ev.scores[code])
        out.pct[code], out.raw[code], scored = _finish(p_after, r_after, *parts)
        out.scores[code] = (scored, none)
        total += np.where(none, 0, scored)
        if same:
            out.pct0[code], out.raw0[code] = out.pct[code], out.raw[code]
        else:
            out.pct0[code], out.raw0[code], scored0 = _finish(p_base, r_base, *parts)
            total0 += np.where(none, 0, scored0)
    for code, neg in negative.items():
        report.add_rows(
            _rows(units, neg), code, "warning", "negative_volume",
            f"negative volume for {code}; counted as 0 for the score",
        )  # fmt: skip
    out.total, out.total0, out.known, out.deepest = total, total0, known, deepest
    return out


@dataclass
class _Levels:
    """Aspect averages, and level codes (positions in LEVEL_ORDER, -1 unknown) per unit."""

    avg: dict[str, np.ndarray]
    avg0: dict[str, np.ndarray]
    #: The level after works as scored, before published levels stand in.
    after: np.ndarray
    base: np.ndarray
    published: np.ndarray
    #: The level shown: the scored one, else the published one where evidence lacks.
    shown: np.ndarray
    source: np.ndarray


def _levels_of(
    units: pd.DataFrame,
    ev: _Evidence,
    rs: Ruleset,
    crit: _Criteria,
    lacking: np.ndarray,
    aspect_average: str,
    report: ValidationReport,
) -> _Levels:
    """Aspect averages, levels at baseline and after works, and the evidence they rest on."""
    code_after = _level_codes(rs, crit.total, crit.known)
    code_base = code_after if crit.same else _level_codes(rs, crit.total0, crit.known)
    if ev.published_column is None:
        published = np.full(len(units), -1, dtype=np.int8)
    else:
        published = _label_codes(ev.published)
    avg = _averages(rs, crit.pct, crit.raw, aspect_average)
    avg0 = avg if crit.same else _averages(rs, crit.pct0, crit.raw0, aspect_average)
    if rs.leave_requires_service and not crit.same:
        before = np.where(code_base >= 0, code_base, published)
        code_after = _service_rule(units, rs, avg, before, code_after, report)
    shown = np.where(code_after >= 0, code_after, np.where(lacking, published, -1))
    has_published = ev.published.notna().to_numpy()
    source = np.where(
        lacking, np.where(has_published, 3, -1), _SOURCE_OF_DEPTH[crit.deepest.astype(np.intp)]
    ).astype(np.int8)
    return _Levels(avg, avg0, code_after, code_base, published, shown, source)


def _kept_published(
    units: pd.DataFrame,
    ev: _Evidence,
    rs: Ruleset,
    crit: _Criteria,
    levels: _Levels,
    aspect_average: str,
    report: ValidationReport,
) -> dict[str, object]:
    """The published level, averages and total kept beside the computed ones, and compared."""
    kept: dict[str, object] = {}
    if ev.published_column is not None:
        kept[_PUBLISHED] = ev.published.to_numpy()
        base, published = levels.base, levels.published
        differs = (base >= 0) & (published >= 0) & (base != published)
        pairs = zip(base[differs], published[differs], crit.total0[differs], strict=True)
        messages = [
            f"computed level {LEVEL_ORDER[a]!r} (total {t}) differs from the published "
            f"{LEVEL_ORDER[b]!r} (kept as level_published); check the volumes and "
            "denominators against the published sheet"
            for a, b, t in pairs
        ]
        report.add_rows(_rows(units, differs), "level", "warning", "level_differs", messages)
    if "level_source" not in units.columns:
        kept.update(
            _published_figures(
                units, rs, levels.avg0, crit.total0, crit.known, aspect_average, report
            )
        )
    return kept


def _assembled(
    units: pd.DataFrame,
    rs: Ruleset,
    crit: _Criteria,
    levels: _Levels,
    kept: dict[str, object],
    report: ValidationReport,
    aspect_average: str,
) -> pd.DataFrame:
    """The units with the assessment's columns (replacing any of the same names)."""
    n = len(units)
    cols: dict[str, object] = {reduction_column(code): v for code, v in crit.taken.items()}
    for code in rs.codes:
        cols[pct_column(code)] = crit.pct[code]
        scored, none = crit.scores[code]
        cols[score_column(code)] = pd.arrays.IntegerArray(scored.astype(np.int8), none)
    for aspect, values in levels.avg.items():
        cols[avg_column(aspect)] = values
    cols["avg_kekumuhan"] = round_half_up(np.mean(list(levels.avg.values()), axis=0)).reshape(n)
    cols["total_score"] = pd.arrays.IntegerArray(crit.total, ~crit.known)
    cols["level"] = pd.Categorical.from_codes(
        levels.shown.astype(np.int8), categories=list(LEVEL_ORDER), ordered=True, validate=False
    )
    cols["level_source"] = pd.Categorical.from_codes(
        levels.source, categories=list(LEVEL_SOURCES), validate=False
    ).astype("string")
    new = pd.DataFrame(cols, index=units.index)
    for name, values in kept.items():
        new[name] = values
    if _PUBLISHED in new.columns:
        new[_PUBLISHED] = new[_PUBLISHED].astype("string")
    base = units.drop(columns=[c for c in new.columns if c in units.columns])
    out = pd.concat([base, new], axis=1)
    if hasattr(units, "crs") and hasattr(out, "crs") and out.crs is None and units.crs:
        out = out.set_crs(units.crs)
    out.attrs = {k: v for k, v in units.attrs.items() if k != "report"}
    out.attrs["report"] = report
    out.attrs["ruleset"] = rs.name
    out.attrs["aspect_average"] = aspect_average
    return out


def _finish(
    p: np.ndarray,
    r: np.ndarray,
    rs: Ruleset,
    track: np.ndarray,
    direct: np.ndarray,
    given: np.ndarray | None,
    clipped: np.ndarray | None,
    has_score: np.ndarray,
    scores: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One criterion's clamped and recorded percentages and its scores, every depth merged."""
    if given is not None:
        p = np.where(direct, clipped, p)
        r = np.where(direct, given, r)
    scored = rs.score(p)
    if has_score.any():
        scored = np.where(has_score, scores, scored).astype(np.int8)
    blank = ~(track | direct)
    if blank.any():
        p = np.where(blank, np.nan, p)
        r = np.where(blank, np.nan, r)
    return p, r, scored


def _nothing_to_assess(units: pd.DataFrame, ev: _Evidence, rs: Ruleset) -> str:
    columns = list(units.columns)
    wanted = [*rs.codes, *dict.fromkeys(c.denominator for c in rs.criteria)]
    absent_codes = [
        c
        for c in rs.codes
        if c not in units.columns
        and pct_column(c) not in units.columns
        and score_column(c) not in units.columns
    ]
    near = near_names(columns, [*wanted, *(pct_column(c) for c in rs.codes)], n=12)
    parts = [f"no unit can be assessed under {rs.name}: every unit lacks evidence for some "
             "criterion and none has a published level."]  # fmt: skip
    if absent_codes:
        parts.append(f"Criteria with no column at all: {absent_codes}.")
    if ev.absent_denoms:
        parts.append(f"Denominator columns missing: {sorted(ev.absent_denoms)}.")
    parts.append(
        f"Expected per criterion the volume column ({list(rs.codes)[:3]} …) with its "
        "denominator (buildings, households, road_length_m, drain_length_m, area_ha), or "
        "pct_<code>, or score_<code>, or a published 'level'."
    )
    if near:
        parts.append(f"Columns that look alike: {near}; rename them or read the file with "
                     "kg.read_units(path, columns={...}).")  # fmt: skip
    return " ".join(parts)


def _report_zero_denominators(
    units: pd.DataFrame, ev: _Evidence, rs: Ruleset, report: ValidationReport
) -> None:
    n = len(units)
    for col in dict.fromkeys(c.denominator for c in rs.criteria):
        d = ev.denoms[col]
        codes = [c.code for c in rs.criteria if c.denominator == col]
        used = np.zeros(n, dtype=bool)
        recorded = np.zeros(n, dtype=bool)
        for code in codes:
            on_volume = ev.depth[code] == _VOL
            used |= on_volume
            recorded |= on_volume & (ev.volumes[code] > 0)
        zero = used & (d <= 0)
        if not zero.any():
            continue
        for severity, mask, what in (
            ("warning", zero & recorded, "volumes recorded against it are lost"),
            ("info", zero & ~recorded, "its criteria score 0"),
        ):
            if mask.any():
                report.add_rows(
                    _rows(units, mask), col, severity, "zero_denominator",
                    f"{col} is zero, so {codes} are 0 %; {what}",
                )  # fmt: skip


def _service_rule(
    units: pd.DataFrame,
    rs: Ruleset,
    avg: dict[str, np.ndarray],
    before: np.ndarray,
    after: np.ndarray,
    report: ValidationReport,
) -> np.ndarray:
    """Keep on the list (lowest slum level) the units that would leave it without service."""
    missing = [a for a in rs.service_aspects if a not in avg]
    if missing:
        raise InputError(
            f"the ruleset's service aspects {missing} are not aspects of {rs.name} ({list(avg)})."
        )
    leaving = (before > 0) & (after == 0)
    if not leaving.any():
        return after
    service = np.column_stack([100.0 - avg[a] for a in rs.service_aspects])
    unknown = leaving & np.isnan(service).any(axis=1)
    low = leaving & ~unknown & ~(service > rs.service_minimum).all(axis=1)
    lowest = min(LEVEL_ORDER.index(label) for label, _ in rs.levels)
    out = after.copy()
    out[unknown | low] = lowest
    names = np.array(rs.service_aspects, dtype=object)
    if low.any():
        report.add_rows(
            _rows(units, low), "level", "info", "service_below_minimum",
            [f"scores below {rs.slum_threshold} but service is not above "
             f"{rs.service_minimum:g} % for "
             + ", ".join(f"{a} ({s:.2f} %)" for a, s in
                         zip(names[~(row > rs.service_minimum)], row[~(row > rs.service_minimum)],
                             strict=True))
             + f"; stays {LEVEL_ORDER[lowest]!r}" for row in service[low]],
        )  # fmt: skip
    if unknown.any():
        report.add_rows(
            _rows(units, unknown), "level", "warning", "service_unknown",
            f"scores below {rs.slum_threshold} but the service of {list(rs.service_aspects)} "
            f"is not known (an aspect is given by scores only); stays {LEVEL_ORDER[lowest]!r}",
        )  # fmt: skip
    return out


def _report_after_works(
    units: pd.DataFrame,
    rs: Ruleset,
    report: ValidationReport,
    skipped: dict[str, np.ndarray],
    published_only: np.ndarray,
    applied: dict[str, np.ndarray] | None,
    ev: _Evidence,
) -> None:
    if applied is None:
        return
    any_works = np.zeros(len(units), dtype=bool)
    for values in applied.values():
        any_works |= values > 0
    only = published_only & any_works
    if only.any():
        report.add_rows(
            _rows(units, only), "level", "warning", "not_recomputed",
            params=[{"level": str(lvl), "variant": "published"}
                    for lvl in ev.published.to_numpy()[only]],
        )  # fmt: skip
    skipped = {c: m & ~published_only for c, m in skipped.items() if (m & ~published_only).any()}

    def params(pos: int, codes: list[str]) -> dict[str, str]:
        return {"criteria": ", ".join(codes), "variant": "criteria"}

    _per_unit(report, units, skipped, "not_recomputed", "warning", params=params)


def _published_figures(
    units: pd.DataFrame,
    rs: Ruleset,
    avg: dict[str, np.ndarray],
    total: np.ndarray,
    known: np.ndarray,
    rule: str,
    report: ValidationReport,
) -> dict[str, object]:
    """Given aspect averages and totals, kept as ``…_published`` and compared."""
    kept: dict[str, object] = {}
    for aspect, computed in avg.items():
        col = avg_column(aspect)
        if col not in units.columns:
            continue
        given = numbers(units, col)
        kept[published_column(col)] = given
        differs = ~np.isnan(given) & ~np.isnan(computed) & (np.abs(given - computed) > 0.005)
        if differs.any():
            other = "simkotaku" if rule == "mean" else "mean"
            report.add_rows(
                _rows(units, differs), col, "warning", "average_differs",
                [f"{col} computed {c:.2f} % (aspect_average={rule!r}) differs from the "
                 f"published {g:.2f} % (kept as {col}_published); the source may use "
                 f"aspect_average={other!r}"
                 for c, g in zip(computed[differs], given[differs], strict=True)],
            )  # fmt: skip
    if "total_score" in units.columns:
        given = numbers(units, "total_score")
        kept[published_column("total_score")] = pd.array(
            pd.Series(given).round().astype("Int64"), dtype="Int64"
        )
        differs = known & ~np.isnan(given) & (given != total)
        if differs.any():
            report.add_rows(
                _rows(units, differs), "total_score", "warning", "total_differs",
                [f"computed total {t} differs from the published total {g:g} (kept as "
                 "total_score_published)" for t, g in zip(total[differs], given[differs],
                                                           strict=True)],
            )  # fmt: skip
    return kept
