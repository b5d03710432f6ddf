"""Normalising intervention layers: catalogue keys, completion, volumes and radii.

Which works count
    Only completed works reduce a slum: a work's ``status`` is read as one of the states of
    :data:`WORK_STATES` (:func:`work_states`), and with a ``year`` only works done by that
    year count. :func:`select_works` picks them for :func:`kotaku_gis.allocate`,
    :func:`kotaku_gis.coverage` and :func:`kotaku_gis.remaining_area`, and says out loud
    what it left out and why (report entries ``works_left_out``, one per reason, with the
    count). ``include_planned=True`` is a what-if: planned and in-progress works count as
    done (cancelled ones and unrecognised statuses still do not), and the results say so.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .area import area_ha_array, length_m_array
from .catalogue import INTERVENTION_KINDS, category_of, default_radii, resolve_kinds
from .crs import require_crs
from .errors import InputError
from .scoring import as_year
from .validation import status_completed
from .validation_report import ValidationReport

__all__ = [
    "WORK_STATES",
    "completed_by",
    "is_prepared",
    "prepare_interventions",
    "select_works",
    "work_states",
]

#: States of a work, from its ``status``: ``completed``; ``planned`` (rencana, planned,
#: belum, usulan, and the "not done" values false / 0 / tidak); ``in_progress`` (proses,
#: progress, berjalan, a percentage below 100, …); ``cancelled`` (batal, cancelled, …);
#: ``unknown`` (blank or unrecognised).
WORK_STATES: tuple[str, ...] = ("completed", "planned", "in_progress", "cancelled", "unknown")
_PLANNED_WORDS = frozenset(
    {"rencana", "planned", "plan", "belum", "usulan", "direncanakan", "false", "0", "tidak",
     "belum dilaksanakan"}
)  # fmt: skip
_IN_PROGRESS_WORDS = frozenset(
    {"proses", "progress", "in progress", "ongoing", "on going", "berjalan", "belum selesai",
     "dalam proses", "pelaksanaan", "sedang berjalan", "dikerjakan", "konstruksi"}
)  # fmt: skip
_CANCELLED_WORDS = frozenset({"batal", "dibatalkan", "cancelled", "canceled", "gagal"})
#: Reasons a work is left out, in the order they are reported, with what to say.
#: Why a work is left out: (column, severity); the texts are ``works_left_out.<reason>`` of
#: the labels.
_LEFT_OUT = {
    "planned": ("status", "info"),
    "in_progress": ("status", "info"),
    "cancelled": ("status", "info"),
    "unknown": ("status", "warning"),
    "after_year": ("year", "info"),
    "no_year": ("year", "warning"),
}

_PREPARED = (
    "intervention_id", "kind_key", "category", "year", "completed", "volume",
    "volume_measured", "radius_m", "radius_given",
)  # fmt: skip
_BY_VOLUME = frozenset(k for k, kind in INTERVENTION_KINDS.items() if kind.by_volume)


def _check_radii(radii: dict[str, float]) -> None:
    bad = {}
    for key, value in radii.items():
        try:
            metres = float(value)
        except (TypeError, ValueError):
            metres = np.nan
        if not (np.isfinite(metres) and metres >= 0):
            bad[key] = value
    if bad:
        raise InputError(
            f"radii must be service distances in metres, numbers of 0 or more; not {bad}."
        )


def is_prepared(frame: pd.DataFrame) -> bool:
    """True when the frame already has the normalised intervention columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.interventions import is_prepared, prepare_interventions
    >>> works = pd.DataFrame({"kind": ["jalan"], "status": ["selesai"], "year": [2022]})
    >>> is_prepared(works), is_prepared(prepare_interventions(works))
    (False, True)
    """
    return all(c in frame.columns for c in _PREPARED)


def _measured_volume(frame: pd.DataFrame, kind_key: pd.Series) -> np.ndarray:
    """Metres for lines, hectares for polygons, a count for points; NaN without geometry.

    Kinds counted per item (``Kind.by_volume``, e.g. a rehabilitated house) count features
    whatever their shape: one per point or polygon part, never the footprint's hectares.
    """
    out = np.full(len(frame), np.nan)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
        return out
    geoms = np.asarray(frame.geometry.array, dtype=object)
    dims = shapely.get_dimensions(geoms)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    items = present & kind_key.isin(_BY_VOLUME).fillna(False).to_numpy(dtype=bool)
    lines = present & ~items & (dims == 1)
    polys = present & ~items & (dims == 2)
    counts = present & (items | (dims == 0))
    crs = require_crs(frame.crs)
    if lines.any():
        out[lines] = length_m_array(geoms[lines], crs)
    if polys.any():
        out[polys] = area_ha_array(geoms[polys], crs)
    if counts.any():
        out[counts] = shapely.get_num_geometries(geoms[counts])
    return out


def prepare_interventions(
    frame: pd.DataFrame,
    *,
    report: ValidationReport | None = None,
    radii: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Add the normalised columns the analysis works with, keeping every row and the index.

    Adds ``kind_key`` and ``category`` (catalogue keys; ``<NA>`` for unknown kinds),
    ``year`` (Int64), ``completed`` (bool), ``volume`` (given, or measured from the geometry:
    metres for lines, hectares for polygons, a count for points and for works counted per
    item), ``volume_measured``, ``radius_m`` (given, else the catalogue's default with
    ``radii`` overrides by key or category) and ``radius_given``.

    Preparing a prepared frame again derives the filled-in values afresh: ``radius_given``
    and ``volume_measured`` keep the user's radii and volumes apart from the defaults and
    measurements filled in, so a later ``radii=`` applies to every work without a radius of
    its own. After editing ``radius_m`` of a prepared frame, set ``radius_given`` to True on
    the rows edited (or drop the column) for the edit to survive a later ``radii=``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from kotaku_gis.interventions import prepare_interventions
    >>> works = gpd.GeoDataFrame(
    ...     {"kind": ["Hidran Umum"], "year": [2022], "status": ["Selesai"]},
    ...     geometry=[shapely.Point(116.1, -8.58)], crs="EPSG:4326")
    >>> out = prepare_interventions(works)
    >>> row = out.loc[0]
    >>> row["kind_key"], row["category"], bool(row["completed"]), float(row["radius_m"])
    ('hidran_umum', 'air_minum', True, 100.0)
    >>> float(prepare_interventions(out, radii={"hidran_umum": 150}).loc[0, "radius_m"])
    150.0
    """
    if "kind" not in frame.columns:
        raise InputError(
            "interventions need a 'kind' column naming each work's category or activity "
            f"(see kg.INTERVENTION_KINDS); the columns are {list(frame.columns)}."
        )
    out = frame.copy()
    if "intervention_id" not in out.columns:
        out["intervention_id"] = [f"row-{i}" for i in out.index]
    out["intervention_id"] = out["intervention_id"].astype("string").str.strip()
    out["kind_key"] = resolve_kinds(out["kind"])
    out["category"] = category_of(out["kind_key"])
    year = out["year"] if "year" in out.columns else pd.Series(pd.NA, index=out.index)
    out["year"] = pd.to_numeric(year, errors="coerce").round().astype("Int64")
    if "status" in out.columns:
        out["completed"] = status_completed(out["status"])[0]
    else:
        out["completed"] = True
    given = out["volume"] if "volume" in out.columns else pd.Series(np.nan, index=out.index)
    given = pd.to_numeric(given, errors="coerce").astype(float)
    if "volume_measured" in frame.columns:
        # A prepared frame: its measured volumes were filled in, not given.
        given = given.mask(frame["volume_measured"].fillna(False).to_numpy(dtype=bool))
    measured = _measured_volume(out, out["kind_key"])
    out["volume_measured"] = given.isna() & ~np.isnan(measured)
    out["volume"] = given.where(given.notna(), measured)
    if radii:
        _check_radii(radii)
    default = default_radii(out["kind_key"], radii)
    given_r = pd.Series(np.nan, index=out.index)
    if "radius_m" in out.columns:
        given_r = pd.to_numeric(out["radius_m"], errors="coerce").astype(float)
        given_r = given_r.where(given_r >= 0)
    if "radius_given" in frame.columns:
        # A prepared frame: only the radii its user gave win over ``radii`` and the defaults.
        given_r = given_r.where(frame["radius_given"].fillna(False).to_numpy(dtype=bool))
    out["radius_given"] = given_r.notna()
    out["radius_m"] = given_r.where(given_r.notna(), default)
    for col in ("unit_id", "criterion"):
        if col in out.columns:
            out[col] = out[col].astype("string").str.strip()
    if "criterion" in out.columns:
        out["criterion"] = out["criterion"].str.lower()
    if report is not None:
        n = int(out["volume_measured"].sum())
        if n:
            report.add(None, "volume", "info", "volume_measured", params={"n": n})
        blank = out["volume"].isna().to_numpy()
        report.add_rows(
            out.index[blank], "volume", "warning", "missing_volume",
            "no volume is given and none can be measured without a geometry; the work "
            "reduces nothing until its volume is filled in",
        )  # fmt: skip
    return out


def work_states(frame: pd.DataFrame) -> pd.Series:
    """The state of each work (one of :data:`WORK_STATES`), from its ``status``.

    Without a ``status`` column every work is taken as completed (as
    :func:`prepare_interventions` does), or the frame's ``completed`` decides.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.interventions import work_states
    >>> works = pd.DataFrame({"status": ["Selesai", "rencana", "Proses", "50%", "batal", "?"]})
    >>> work_states(works).tolist()
    ['completed', 'planned', 'in_progress', 'in_progress', 'cancelled', 'unknown']
    """
    if "status" not in frame.columns:
        done = frame["completed"] if "completed" in frame.columns else True
        done = pd.Series(done, index=frame.index).fillna(False).astype(bool)
        return pd.Series(np.where(done, "completed", "planned"), index=frame.index, dtype="string")
    status = frame["status"]
    if status.dtype == bool:
        return pd.Series(
            np.where(status.to_numpy(), "completed", "planned"), index=frame.index, dtype="string"
        )
    # A layer holds a handful of distinct statuses: each is read once.
    codes, values = pd.factorize(status, use_na_sentinel=False)
    values = pd.Series(values)
    done = status_completed(values)[0].to_numpy(dtype=bool)
    text = values.astype("string").str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    pct = pd.to_numeric(text.str.extract(r"^(\d+(?:[.,]\d+)?)\s*%$")[0].str.replace(",", "."))
    out = np.full(len(values), "unknown", dtype=object)
    out[text.isin(_PLANNED_WORDS).fillna(False).to_numpy(dtype=bool)] = "planned"
    partly = (pct > 0) & (pct < 100)
    in_progress = text.isin(_IN_PROGRESS_WORDS) | partly
    out[in_progress.fillna(False).to_numpy(dtype=bool)] = "in_progress"
    out[text.isin(_CANCELLED_WORDS).fillna(False).to_numpy(dtype=bool)] = "cancelled"
    out[done] = "completed"
    return pd.Series(out[codes], index=frame.index, dtype="string")


def completed_by(
    frame: pd.DataFrame, year: int | None, *, include_planned: bool = False
) -> pd.Series:
    """Boolean mask of works that are completed and, given a year, done by that year.

    Works without a year count only when no year is asked for. With ``include_planned``,
    planned and in-progress works count as completed (a what-if).

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.interventions import completed_by, prepare_interventions
    >>> works = prepare_interventions(pd.DataFrame({"kind": ["jalan"] * 3,
    ...     "status": ["selesai", "rencana", "selesai"], "year": [2021, 2021, None]}))
    >>> completed_by(works, 2022).tolist(), completed_by(works, None).tolist()
    ([True, False, False], [True, False, True])
    >>> completed_by(works, 2022, include_planned=True).tolist()
    [True, True, False]
    """
    mask = frame["completed"].astype(bool)
    if include_planned:
        mask = mask | work_states(frame).isin(["planned", "in_progress"]).to_numpy(dtype=bool)
    if year is not None:
        mask &= (frame["year"] <= as_year(year)).fillna(False).astype(bool)
    return mask


def _id_list(frame: pd.DataFrame, mask: np.ndarray, n: int = 5) -> tuple[str, int]:
    """The first ``n`` ids of the masked rows, and how many more there are."""
    ids = frame["intervention_id"].astype("string").to_numpy()[mask] if len(frame) else []
    return ", ".join(str(i) for i in ids[:n]), max(len(ids) - n, 0)


def _ids(frame: pd.DataFrame, mask: np.ndarray, n: int = 5) -> str:
    shown, more = _id_list(frame, mask, n)
    return shown + (f", … ({more} more)" if more else "")


def select_works(
    works: pd.DataFrame,
    *,
    year: int | None,
    include_planned: bool = False,
    report: ValidationReport | None = None,
) -> np.ndarray:
    """Which works count (completed, or with ``include_planned`` also planned / in progress,
    and done by ``year``); report the others by reason.

    Each reason a work is left out (planned, in progress, cancelled, unrecognised status,
    dated after ``year``, no year while a year is asked) gives one ``works_left_out`` entry
    in ``report`` with the count and the first ids; with ``include_planned`` a ``what_if``
    entry counts the planned and in-progress works taken as done.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.interventions import prepare_interventions, select_works
    >>> from kotaku_gis.validation_report import ValidationReport
    >>> works = prepare_interventions(pd.DataFrame({"intervention_id": ["A", "B", "C"],
    ...     "kind": ["jalan"] * 3, "status": ["selesai", "rencana", "selesai"],
    ...     "year": [2021, 2022, 2024]}))
    >>> rep = ValidationReport(what="allocation")
    >>> select_works(works, year=2023, report=rep).tolist()
    [True, False, False]
    >>> for issue in rep:
    ...     print(issue.check, "|", issue.message)  # doctest: +NORMALIZE_WHITESPACE
    works_left_out | 1 work(s) left out: planned (status 'rencana'): B. Only completed works
    count; include_planned=True counts planned and in-progress works as done (a what-if).
    works_left_out | 1 work(s) left out: dated after 2023: C.
    """
    states = work_states(works).to_numpy(dtype=object)
    counted = states == "completed"
    if include_planned:
        counted |= (states == "planned") | (states == "in_progress")
    years = pd.to_numeric(works["year"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    in_time = np.ones(len(works), dtype=bool)
    if year is not None:
        in_time = np.nan_to_num(years, nan=np.inf) <= as_year(year)
    if report is None:
        return counted & in_time
    reasons = {state: ~counted & (states == state) for state in WORK_STATES[1:]}
    reasons["after_year"] = counted & ~in_time & ~np.isnan(years)
    reasons["no_year"] = counted & ~in_time & np.isnan(years)
    status = works["status"] if "status" in works.columns else pd.Series(pd.NA, works.index)
    for reason, mask in reasons.items():
        if not mask.any():
            continue
        column, severity = _LEFT_OUT[reason]
        values = status.astype("string").fillna("blank").to_numpy()[mask]
        statuses = ", ".join(repr(v) for v in dict.fromkeys(values))
        shown, more = _id_list(works, mask)
        report.add(
            None, column, severity, "works_left_out",
            params={"variant": reason, "n": int(mask.sum()), "statuses": statuses,
                    "year": year, "ids": shown, "more": more},
        )  # fmt: skip
    if include_planned:
        assumed = counted & in_time & (states != "completed")
        if assumed.any():
            report.add(
                None, "status", "info", "what_if",
                f"what-if: {int(assumed.sum())} planned or in-progress work(s) counted as "
                f"done: {_ids(works, assumed)}; the results are not a record of completed "
                "works",
            )  # fmt: skip
    return counted & in_time
