"""The whole job at national scale: ``kotaku-gis run`` on 100,000 units, step by step.

Run from the repository root::

    .venv/bin/python benchmarks/bench_run.py --size national

The layers are the benchmark's (:mod:`bench_overlay`; national: 100,000 RT units over 30
towns and 250,000 works), the units with baseline volumes (:func:`synthetic.make_baseline`)
so that they can be scored, written once as GeoPackage files to ``benchmarks/data/``, as a
planner would hand them over. :func:`kotaku_gis.pipeline.run_job` (what ``kotaku-gis run``
calls) then runs in its own subprocess, stopped after ``--cap`` seconds, in two ways:

* ``all outputs``: what ``kotaku-gis run --units … --interventions … --out …`` writes
  (``remaining.gpkg``, summaries, ledger, ``reductions.csv``, privacy grid, ``map.html``, the
  Excel report, ``run.json``);
* ``without map and workbook``: the same with ``write_map=False, write_workbook=False``.

Each step of the job (its ``step`` hook, the lines ``kotaku-gis run`` shows) is timed: wall
and CPU seconds, its share of the run, and the process's peak resident memory when the step
ends. What runs between steps (checks, the manifest, moving the files into place) is
``between steps``. A run that fails or is stopped is recorded with the step it was in.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.measure import cpu_seconds, peak_mb, run_child  # noqa: E402
from benchmarks.results import environment, publish  # noqa: E402

#: Heading of this benchmark's section in RESULTS.md (the other sections are kept).
SECTION = "# Benchmark: the whole job (kotaku-gis run)"
#: The ways the job runs: name and run_job's options.
VARIANTS = {
    "all outputs": {"write_map": True, "write_workbook": True},
    "without map and workbook": {"write_map": False, "write_workbook": False},
}


def _ensure_inputs(size: str, data_dir: Path, seed: int) -> tuple[Path, Path]:
    """The size's units (with baseline volumes) and works as GeoPackage files."""
    import geopandas as gpd

    from benchmarks.bench_overlay import _ensure_data
    from benchmarks.synthetic import make_baseline

    _ensure_data(size, data_dir, seed)
    units_path = data_dir / f"{size}_run_units.gpkg"
    works_path = data_dir / f"{size}_run_works.gpkg"
    stamp = data_dir / f"{size}_run.seed"
    if not (units_path.exists() and works_path.exists() and stamp.exists()) or (
        stamp.read_text() != str(seed)
    ):
        units = make_baseline(gpd.read_parquet(data_dir / f"{size}_units.parquet"), seed=seed)
        units.to_file(units_path, layer="units", driver="GPKG")
        works = gpd.read_parquet(data_dir / f"{size}_works.parquet")
        works.to_file(works_path, layer="interventions", driver="GPKG")
        stamp.write_text(str(seed))
    return units_path, works_path


def _child(variant: str, units: Path, works: Path, result: Path) -> None:
    """Run the job once, writing the steps' figures to ``result`` as each ends."""
    import warnings

    from kotaku_gis.pipeline import run_job

    warnings.simplefilter("ignore", UserWarning)  # reports are kept in the result, not shown
    record: dict = {"steps": [], "current": None}

    def save() -> None:
        result.write_text(json.dumps(record))

    @contextlib.contextmanager
    def step(name: str):
        record["current"] = name
        save()
        cpu0, start = cpu_seconds(), time.perf_counter()
        yield
        record["steps"].append(
            {
                "name": name,
                "seconds": time.perf_counter() - start,
                "cpu": cpu_seconds() - cpu0,
                "peak_mb": peak_mb(),
            }
        )
        record["current"] = None
        save()

    out = Path(tempfile.mkdtemp(prefix="kotaku-bench-run-"))
    cpu0, start = cpu_seconds(), time.perf_counter()
    try:
        res = run_job(str(units), str(works), out_dir=out, step=step, **VARIANTS[variant])
        record["outputs"] = {
            p.name: p.stat().st_size for p in res.outputs if p.exists() and p.is_file()
        }
        record["reductions"] = len(res.reductions)
    except Exception as err:  # recorded: the benchmark says where the job broke
        record["error"] = f"{type(err).__name__}: {err}"[:600]
        record["trace"] = traceback.format_exc()[-3000:]
    finally:
        record["seconds"] = time.perf_counter() - start
        record["cpu"] = cpu_seconds() - cpu0
        record["peak_mb"] = peak_mb()
        save()
        shutil.rmtree(out, ignore_errors=True)


def _table(size: str, variant: str, run: dict) -> str:
    steps = run.get("steps", [])
    total = run.get("seconds") or sum(s["seconds"] for s in steps)
    lines = [
        f"**{size}, {variant}**: {run['status']}, {total:,.1f} s wall "
        + (f"({run['cpu']:,.1f} s CPU), " if "cpu" in run else "")
        + f"peak {run['peak_mb']:,.0f} MB.",
        "",
        "| step | seconds (cpu) | share | peak MB at its end |",
        "|---|---:|---:|---:|",
    ]
    for s in steps:
        lines.append(
            f"| {s['name']} | {s['seconds']:,.1f} ({s['cpu']:,.1f}) | "
            f"{s['seconds'] / total:.0%} | {s['peak_mb']:,.0f} |"
        )
    if run.get("current"):
        lines.append(f"| {run['current']} | {run['status']} | – | – |")
    between = total - sum(s["seconds"] for s in steps)
    if "seconds" in run and between > 0:
        lines.append(f"| between steps | {between:,.1f} | {between / total:.0%} | – |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="national")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--cap", type=float, default=1800.0, help="seconds before a run stops")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--child", type=json.loads, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:  # one run of the job, in this process
        c = args.child
        _child(c["variant"], Path(c["units"]), Path(c["works"]), Path(c["result"]))
        return 0

    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    print(f"[{args.size}] preparing the GeoPackage layers …", flush=True)
    units, works = _ensure_inputs(args.size, args.data_dir, args.seed)
    load = os.getloadavg()[0]
    blocks = []
    for variant in variants:
        result = args.data_dir / f"{args.size}_run_{variant.replace(' ', '_')}.json"
        result.unlink(missing_ok=True)
        child = {"variant": variant, "units": str(units), "works": str(works)}
        child["result"] = str(result)
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(child)]
        print(f"[{args.size}] run_job, {variant} …", flush=True)
        child = run_child(cmd, cap=args.cap)
        run = json.loads(result.read_text()) if result.exists() else {"steps": []}
        run["peak_mb"] = child.peak_mb
        if child.timed_out:
            run["status"] = f"stopped after {args.cap:,.0f} s"
            run.setdefault("seconds", child.seconds)
        elif "error" in run or child.returncode != 0:
            run["status"] = "failed: " + run.get("error", f"exit code {child.returncode}")
        else:
            run["status"] = f"done ({run.get('reductions', 0):,} reduction rows)"
        blocks.append(_table(args.size, variant, run))
        if "trace" in run:
            print(run["trace"], file=sys.stderr)
        print(blocks[-1], flush=True)
    notes = [
        environment(load),
        f"Command: `.venv/bin/python benchmarks/bench_run.py --size {args.size}`; the "
        f"{args.size} layers of the overlay benchmark as GeoPackage files, the units with "
        "baseline volumes; `run_job` (what `kotaku-gis run` calls) in its own subprocess, "
        f"stopped after {args.cap:,.0f} s.",
        "Shares are of the run's wall time; peak MB is the process's peak resident memory when "
        "the step ends (the first step's includes the interpreter and libraries).",
    ]
    publish(args.out, SECTION, "\n\n".join(blocks), notes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
