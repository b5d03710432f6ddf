"""Prevention: units off the slum list but close to its threshold, and what holds them there.

A unit scored "tidak kumuh" a few points under the threshold (16 under Permen 14/2018) becomes
a slum pocket again as soon as one criterion worsens by a band. :func:`near_threshold` lists
those units with the criteria that already score, and :func:`holding_criteria` gives the same
as a long table (one row per unit and scoring criterion) for maintenance planning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError
from .rulesets import NOT_SLUM, Ruleset, ruleset_of
from .schema import pct_column, score_column

__all__ = ["holding_criteria", "near_threshold"]


def _check(assessed: pd.DataFrame, rs: Ruleset) -> None:
    needed = ["total_score", "level", *(score_column(c) for c in rs.codes)]
    missing = [c for c in needed if c not in assessed.columns]
    if missing:
        raise InputError(
            f"columns {missing[:5]} are missing; pass the output of kg.assess(units, "
            f"ruleset={rs.name!r})."
        )


def near_threshold(
    assessed: pd.DataFrame,
    *,
    margin: int = 5,
    pct_margin: float = 5.0,
    ruleset: str | Ruleset | None = None,
) -> pd.DataFrame:
    """Units that are "tidak kumuh" but within ``margin`` points of the slum threshold.

    Parameters
    ----------
    assessed : DataFrame or GeoDataFrame
        Output of :func:`kotaku_gis.assess`.
    margin : int, default 5
        Points below the threshold that still count as near (threshold - margin <= total).
    pct_margin : float, default 5.0
        A criterion whose percentage is within this many percentage points under its next
        band (25, 51 or 76 %) is listed in ``next_band``: a small worsening raises its score.
    ruleset : str or Ruleset, optional
        Defaults to the ruleset the frame was assessed with.

    Returns
    -------
    DataFrame or GeoDataFrame
        The near-threshold units (index and geometry kept), sorted by ``points_to_threshold``,
        with ``points_to_threshold`` (points a unit may gain before listing),
        ``holding`` (codes of criteria that score, highest score first, comma-separated) and
        ``next_band`` (codes close to their next band).

    Examples
    --------
    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> units = pd.DataFrame({"unit_id": ["A", "B"], "buildings": [100, 100],
    ...     "households": [80, 80], "road_length_m": [500.0] * 2, "drain_length_m": [400.0] * 2,
    ...     "area_ha": [2.0, 2.0], **dict.fromkeys(kg.get_ruleset().codes, [0.0, 0.0]),
    ...     "7a": [100.0, 0.0], "7b": [100.0, 0.0], "1a": [55.0, 0.0], "1c": [22.0, 0.0]})
    >>> near = kg.near_threshold(kg.assess(units))
    >>> cols = ["unit_id", "total_score", "points_to_threshold", "holding", "next_band"]
    >>> near[cols].values.tolist()
    [['A', 13, 3, '7a, 7b, 1a', '1c']]
    """
    rs = ruleset_of(assessed, ruleset)
    _check(assessed, rs)
    if margin < 0:
        raise InputError(f"margin must be 0 or more points, not {margin}.")
    threshold = rs.slum_threshold
    # A unit without a total (not assessed, or known by a published level only) is not near.
    total = pd.to_numeric(assessed["total_score"], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    near = (np.asarray(assessed["level"] == NOT_SLUM)) & (total >= threshold - margin)
    out = assessed[near].copy()
    scores = np.column_stack(
        [out[score_column(c)].to_numpy(dtype=float) for c in rs.codes]
    ).reshape(len(out), len(rs.codes))
    codes = np.array(rs.codes, dtype=object)
    order = np.argsort(-scores, axis=1, kind="stable")
    holding = [", ".join(codes[o][s[o] > 0]) for o, s in zip(order, scores, strict=True)]
    bands = np.array(sorted(m for m, _ in rs.bands))
    has_pct = all(pct_column(c) in out.columns for c in rs.codes)
    if has_pct and len(out):
        pct = np.column_stack([out[pct_column(c)].to_numpy(dtype=float) for c in rs.codes])
        nxt_idx = np.searchsorted(bands, pct, side="right")
        nxt = np.where(nxt_idx < len(bands), bands[np.minimum(nxt_idx, len(bands) - 1)], np.inf)
        close = (nxt - pct) <= pct_margin
        next_band = [", ".join(codes[row]) for row in close]
    else:
        next_band = [""] * len(out)
    out["points_to_threshold"] = threshold - out["total_score"].astype(np.int64)
    out["holding"] = pd.array(holding, dtype="string")
    out["next_band"] = pd.array(next_band, dtype="string")
    return out.sort_values("points_to_threshold", kind="stable")


def holding_criteria(
    assessed: pd.DataFrame,
    *,
    margin: int = 5,
    ruleset: str | Ruleset | None = None,
) -> pd.DataFrame:
    """One row per near-threshold unit and criterion that scores: what to maintain where.

    Returns a DataFrame with ``unit`` (the unit's index label), ``unit_id`` when present,
    ``criterion``, ``aspect``, ``name_id``, ``pct`` and ``score``, worst first per unit.

    Examples
    --------
    One unit at 13 points (7a and 7b at 100 %, 1a at 55 %), three under the threshold:

    >>> import pandas as pd
    >>> import kotaku_gis as kg
    >>> volumes = dict.fromkeys(kg.get_ruleset().codes, 0.0) | {"7a": 100.0, "7b": 100.0,
    ...     "1a": 55.0}
    >>> units = pd.DataFrame([{"unit_id": "A", "buildings": 100, "households": 80,
    ...     "road_length_m": 500.0, "drain_length_m": 400.0, "area_ha": 2.0, **volumes}])
    >>> kg.holding_criteria(kg.assess(units))[["criterion", "score"]].values.tolist()
    [['7a', 5], ['7b', 5], ['1a', 3]]
    """
    rs = ruleset_of(assessed, ruleset)
    near = near_threshold(assessed, margin=margin, ruleset=rs)
    frames = []
    for c in rs.criteria:
        score = near[score_column(c.code)].to_numpy(dtype=float, na_value=np.nan)
        hit = score > 0
        if not hit.any():
            continue
        part = pd.DataFrame(
            {
                "unit": near.index[hit],
                "criterion": c.code,
                "aspect": c.aspect,
                "name_id": c.name_id,
                "pct": near[pct_column(c.code)].to_numpy()[hit]
                if pct_column(c.code) in near.columns
                else np.nan,
                "score": score[hit].astype(np.int64),
            }
        )
        if "unit_id" in near.columns:
            part.insert(1, "unit_id", near["unit_id"].to_numpy()[hit])
        frames.append(part)
    if not frames:
        return pd.DataFrame(
            columns=["unit", "unit_id", "criterion", "aspect", "name_id", "pct", "score"]
        )
    out = pd.concat(frames, ignore_index=True)
    rank = {code: i for i, code in enumerate(rs.codes)}
    out["_order"] = out["criterion"].map(rank)
    out["_unit_order"] = pd.Index(near.index).get_indexer(out["unit"])
    out = out.sort_values(["_unit_order", "score", "_order"], ascending=[True, False, True])
    return out.drop(columns=["_order", "_unit_order"]).reset_index(drop=True)
