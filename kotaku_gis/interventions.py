"""Normalising intervention layers: catalogue keys, completion, volumes and radii."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .area import area_ha_array, length_m_array
from .catalogue import INTERVENTION_KINDS, category_of, default_radii, resolve_kinds
from .crs import require_crs
from .errors import InputError
from .report import ValidationReport
from .scoring import as_year
from .validation import status_completed

__all__ = ["completed_by", "is_prepared", "prepare_interventions"]

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
            report.add(
                None, "volume", "info", "volume_measured",
                f"{n} work(s) had no volume; measured from the geometry "
                "(metres of line, hectares of polygon, count of points)",
            )  # fmt: skip
        blank = out["volume"].isna().to_numpy()
        report.add_rows(
            out.index[blank], "volume", "warning", "missing_volume",
            "no volume is given and none can be measured without a geometry; the work "
            "reduces nothing until its volume is filled in",
        )  # fmt: skip
    return out


def completed_by(frame: pd.DataFrame, year: int | None) -> pd.Series:
    """Boolean mask of works that are completed and, given a year, done by that year.

    Works without a year count only when no year is asked for.

    Examples
    --------
    >>> import pandas as pd
    >>> from kotaku_gis.interventions import completed_by, prepare_interventions
    >>> works = prepare_interventions(pd.DataFrame({"kind": ["jalan"] * 3,
    ...     "status": ["selesai", "rencana", "selesai"], "year": [2021, 2021, None]}))
    >>> completed_by(works, 2022).tolist(), completed_by(works, None).tolist()
    ([True, False, False], [True, False, True])
    """
    mask = frame["completed"].astype(bool)
    if year is not None:
        mask &= (frame["year"] <= as_year(year)).fillna(False).astype(bool)
    return mask
