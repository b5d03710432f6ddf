"""The main job: read → assess → allocate works → re-assess → overlay → summary, map, reports.

:func:`run_job` is what ``kotaku-gis run`` and ``kotaku-gis demo`` do, and what a notebook calls
to get every table of a city or province in one go.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .allocation import allocate
from .errors import InputError
from .grid import grid_summary, write_grid_tiff
from .io import Source, atomic_path, read_interventions, read_units, write_gpkg
from .ledger import Reconciliation, progress, reconcile
from .overlay import remaining_area
from .raster import with_inundation
from .report import ValidationReport
from .reports import summary_by
from .scoring import assess

__all__ = ["JobResult", "run_job"]

Step = Callable[[str], contextlib.AbstractContextManager]


@contextlib.contextmanager
def _quiet(_: str) -> Iterator[None]:
    yield


@dataclass
class JobResult:
    """Every table of one run, and the files written."""

    units: pd.DataFrame
    interventions: pd.DataFrame
    baseline: pd.DataFrame
    after: pd.DataFrame
    reductions: pd.DataFrame
    remaining: gpd.GeoDataFrame
    ledger: pd.DataFrame
    summary: pd.DataFrame
    reconciliation: Reconciliation
    year: int
    grid_m: float | None = None
    reports: dict[str, ValidationReport] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)

    def headline(self) -> dict[str, float]:
        """Baseline, reduced and remaining slum hectares and the covered hectares."""
        return {
            "units": len(self.units),
            "interventions": len(self.interventions),
            "baseline_slum_ha": round(float(self.ledger["baseline_ha"].iloc[-1]), 2),
            "slum_ha_after": round(float(self.ledger["slum_ha"].iloc[-1]), 2),
            "reduced_ha": round(float(self.ledger["reduced_ha"].iloc[-1]), 2),
            "area_ha": round(float(np.nansum(self.remaining["area_ha"])), 2),
            "covered_ha": round(float(np.nansum(self.remaining["covered_ha"])), 2),
            "remaining_ha": round(float(np.nansum(self.remaining["remaining_ha"])), 2),
        }


def _map_html(result: JobResult, path: Path) -> Path | None:
    """Write the interactive map when the maps module is available."""
    from .maps import map_units, save_map

    m = map_units(
        result.after,
        interventions=result.interventions,
        remaining=result.remaining,
        before=result.baseline,
    )
    return save_map(m, path)


def run_job(
    units: Source,
    interventions: Source,
    *,
    year: int | None = None,
    out_dir: str | os.PathLike | None = None,
    ruleset: str = "permen-14-2018",
    units_layer: str | None = None,
    interventions_layer: str | None = None,
    by: tuple[str, ...] = ("kota", "kelurahan"),
    flood: str | os.PathLike | None = None,
    flood_threshold: float = 0.3,
    grid_m: float | None = 100.0,
    write_map: bool = True,
    write_workbook: bool = True,
    step: Step = _quiet,
) -> JobResult:
    """Read, score, overlay and summarise; write the outputs when ``out_dir`` is given.

    Parameters
    ----------
    units, interventions : path or (Geo)DataFrame
        The slum units and the works.
    year : int, optional
        Count works done by this year (default: the latest year among the works).
    out_dir : path, optional
        Folder for ``remaining.gpkg``, ``summary_kelurahan.csv``, ``summary_kota.csv``,
        ``ledger.csv``, ``reductions.csv``, ``grid.gpkg``/``grid.tif``, ``map.html`` and the
        Excel report. Files are replaced atomically, so
        running twice into the same folder is safe.
    ruleset : str
        Regulation to score with.
    flood : path, optional
        Flood-depth raster: criterion 4a becomes the hectares at or above ``flood_threshold``
        metres (:func:`kotaku_gis.with_inundation`) before scoring.
    grid_m : float or None
        Cell size of the privacy grid (``grid.gpkg`` and ``grid.tif``: slum hectares without
        exact boundaries); None to skip it.
    step : callable, optional
        ``step(name)`` returns a context manager around each long step (progress display).

    Returns
    -------
    JobResult

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> from kotaku_gis.pipeline import run_job
    >>> res = run_job(kg.datasets.get_path("ntb_sample"),
    ...               kg.datasets.get_path("ntb_sample"), year=2023)
    >>> res.headline()["remaining_ha"] <= res.headline()["area_ha"]
    True
    """
    with step("reading units"):
        u = read_units(units, layer=units_layer or _layer(units, "units"))
    if flood is not None:
        with step("measuring inundation (4a) from the flood raster"):
            u = with_inundation(u, flood, threshold=flood_threshold)
    with step("reading interventions"):
        w = read_interventions(
            interventions, layer=interventions_layer or _layer(interventions, "interventions")
        )
    if year is None:
        years_known = w["year"].dropna()
        if years_known.empty:
            raise InputError("no work has a year; pass year=… to say which year to report.")
        year = int(years_known.max())
    with step("scoring the baseline"):
        baseline = assess(u, ruleset=ruleset)
    with step("allocating works to criteria"):
        reductions = allocate(w, u, year=year)
    with step(f"re-scoring after works done by {year}"):
        after = assess(u, ruleset=ruleset, reductions=reductions, year=year)
    with step("overlaying service areas"):
        remaining = remaining_area(u, w, year=year)
    with step("building the ledger"):
        first = int(w["year"].dropna().min()) if w["year"].notna().any() else year
        years = list(range(min(first, year), year + 1))
        ledger = progress(u, reductions, years=years, ruleset=ruleset)
        by_cols = [c for c in by if c in u.columns]
        summary = summary_by(baseline, after=after, remaining=remaining, by=by_cols, total=None)
        last = ledger.iloc[-1]
        rec = reconcile(last["baseline_ha"], last["reduced_ha"], last["slum_ha"])
    result = JobResult(
        units=u,
        interventions=w,
        baseline=baseline,
        after=after,
        reductions=reductions,
        remaining=remaining,
        ledger=ledger,
        summary=summary,
        reconciliation=rec,
        year=year,
        grid_m=grid_m,
        reports={
            "units": u.attrs.get("report"),
            "interventions": w.attrs.get("report"),
            "allocation": reductions.attrs.get("report"),
            "overlay": remaining.attrs.get("report"),
        },
    )
    if out_dir is not None:
        result.outputs = _write_outputs(result, Path(out_dir), step, write_map, write_workbook)
    return result


def _layer(source: Source, name: str) -> str | None:
    """The layer named ``name`` of a multi-layer GeoPackage such as the bundled sample."""
    if isinstance(source, str | os.PathLike) and str(source).lower().endswith(".gpkg"):
        import pyogrio

        with contextlib.suppress(Exception):
            if name in [str(n) for n in pyogrio.list_layers(source)[:, 0]]:
                return name
    return None


def _write_csv(frame: pd.DataFrame, path: Path, *, index: bool = True) -> Path:
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, float_format="%.4f", index=index)
    return path


def _write_outputs(
    result: JobResult, out: Path, step: Step, write_map: bool, write_workbook: bool
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with step("writing remaining.gpkg"):
        after_cols = ["unit_id", "total_score", "level"]
        remaining = result.remaining.merge(
            result.after[after_cols].rename(columns={"level": "level_after"}),
            on="unit_id",
            how="left",
        ).set_index(result.remaining.index)
        remaining = gpd.GeoDataFrame(remaining, geometry="geometry", crs=result.remaining.crs)
        written.append(write_gpkg({"remaining": remaining}, out / "remaining.gpkg"))
    with step("writing summaries"):
        by_cols = [c for c in ("kota", "kelurahan") if c in result.baseline.columns]
        for name, cols in (("kelurahan", by_cols), ("kota", by_cols[:1])):
            table = summary_by(
                result.baseline, after=result.after, remaining=result.remaining, by=cols,
                total=None,
            )  # fmt: skip
            written.append(_write_csv(table, out / f"summary_{name}.csv", index=False))
        written.append(_write_csv(result.ledger.set_index("year"), out / "ledger.csv"))
        written.append(_write_csv(result.reductions, out / "reductions.csv", index=False))
    if result.grid_m and isinstance(result.after, gpd.GeoDataFrame):
        with step(f"summarising slum hectares on a {result.grid_m:g} m grid"):
            grid = grid_summary(result.after, cell_m=result.grid_m)
            written.append(write_gpkg({"grid": grid}, out / "grid.gpkg"))
            written.append(write_grid_tiff(grid, out / "grid.tif"))
    if write_map:
        with step("drawing the map"):
            path = _map_html(result, out / "map.html")
            if path is not None:
                written.append(path)
    if write_workbook:
        with step("writing the Excel report"):
            written.extend(_workbook(result, out))
    return written


def _workbook(result: JobResult, out: Path) -> list[Path]:
    from .reports import write_reports

    return list(
        write_reports(
            out,
            units_assessed=result.after,
            baseline=result.baseline,
            remaining=result.remaining,
            interventions=result.interventions,
            reductions=result.reductions,
            ledger=result.ledger,
            summary=result.summary,
        )
    )
