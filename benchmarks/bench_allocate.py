"""Allocation and re-scoring beside the overlay: does the audit trail keep up?

Run from the repository root::

    .venv/bin/python benchmarks/bench_allocate.py --sizes city,province,national

For each size the seeded synthetic layers of :mod:`bench_overlay` (written once to
``benchmarks/data/``), with 5 % of the works drawn as polygons in place of points
(``--polygon-share``), are read and the units given baseline volumes
(:func:`synthetic.make_baseline`), so that they can be scored. Two measurements run, each in
its own subprocess so that its peak memory is its own (``ru_maxrss`` of the child):

* the overlay: ``kg.remaining_area(units, works)``, as in ``bench_overlay.py``;
* the audit trail: ``kg.allocate(units, works)`` builds the reductions table, then
  ``kg.assess(units, reductions=...)`` re-scores the units after the works.

Times are wall-clock seconds of each call with CPU seconds over all threads beside them; a
call shorter than ``REPEAT_UNDER`` seconds is run up to three times and the fastest kept.
``--workers`` and ``--chunk-units`` set the engine (:class:`kotaku_gis.EngineSettings`). The
table goes to its section of ``benchmarks/RESULTS.md`` and to the screen.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from the repository root

from benchmarks import measure  # noqa: E402
from benchmarks.results import environment, publish  # noqa: E402

HERE = ROOT / "benchmarks"

#: Heading of this benchmark's section in RESULTS.md (the other sections are kept).
SECTION = "# Benchmark: allocation and re-scoring beside the overlay"
#: Calls shorter than this many seconds are repeated, up to REPEATS runs, the fastest kept.
REPEAT_UNDER = 20.0
REPEATS = 3


def _timed(call):
    """``call()`` timed: (result, wall seconds, CPU seconds), fastest of up to REPEATS."""
    runs = []
    while True:
        cpu0, start = measure.cpu_seconds(), time.perf_counter()
        out = call()
        runs.append((time.perf_counter() - start, measure.cpu_seconds() - cpu0))
        if runs[0][0] >= REPEAT_UNDER or len(runs) == REPEATS:
            break
    seconds, cpu = min(runs)
    return out, seconds, cpu


def _child(what: str, size: str, args: argparse.Namespace, settings: dict) -> None:
    import geopandas as gpd

    import kotaku_gis as kg
    from benchmarks.bench_overlay import works_file
    from benchmarks.synthetic import make_baseline

    warnings.simplefilter("ignore", UserWarning)  # the layers' reports are not the point here
    units = gpd.read_parquet(args.data_dir / f"{size}_units.parquet")
    works = gpd.read_parquet(args.data_dir / works_file(size, args.polygon_share))
    units = make_baseline(units)
    engine = kg.EngineSettings(**settings)
    base = measure.peak_mb()
    if what == "overlay":
        _, seconds, cpu = _timed(lambda: kg.remaining_area(units, works, settings=engine))
        out = {"seconds": seconds, "cpu": cpu}
    else:
        red, seconds, cpu = _timed(lambda: kg.allocate(units, works, settings=engine))
        after, a_seconds, a_cpu = _timed(lambda: kg.assess(units, reductions=red))
        out = {
            "seconds": seconds,
            "cpu": cpu,
            "rows": len(red),
            "assess_seconds": a_seconds,
            "assess_cpu": a_cpu,
            "slum_after": int(after["level"].isin(["kumuh ringan", "kumuh sedang",
                                                    "kumuh berat"]).sum()),
        }  # fmt: skip
    out["base_mb"] = base
    args.result.write_text(json.dumps(out))


def _run(what: str, size: str, args: argparse.Namespace) -> dict:
    result = args.data_dir / f"{size}_{what}_alloc.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", what, "--size", size]
    cmd += ["--data-dir", str(args.data_dir), "--result", str(result)]
    cmd += ["--workers", str(args.workers or 0), "--chunk-units", str(args.chunk_units)]
    cmd += ["--polygon-share", str(args.polygon_share)]
    child = measure.run_child(cmd)
    if child.returncode != 0 or not result.exists():
        raise SystemExit(f"the {what} measurement failed at size {size}")
    return {**json.loads(result.read_text()), "peak_mb": child.peak_mb}


def _s(seconds: float, cpu: float) -> str:
    fmt = "{:,.1f}" if seconds >= 10 else "{:.2f}"
    return f"{fmt.format(seconds)} ({fmt.format(cpu)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="city,province")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--workers", type=int, default=0, help="engine threads (0: every core)")
    parser.add_argument("--chunk-units", type=int, default=1024, help="units per engine chunk")
    parser.add_argument(
        "--polygon-share", type=float, default=0.05, help="share of works drawn as polygons"
    )
    parser.add_argument("--measure", choices=["overlay", "allocate"], help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = {"chunk_units": args.chunk_units, "workers": args.workers or None}
    if args.measure:
        _child(args.measure, args.size, args, settings)
        return 0

    from benchmarks.bench_overlay import _ensure_data

    load = os.getloadavg()[0]
    rows = []
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        n_units, n_works = _ensure_data(size, args.data_dir, args.seed, args.polygon_share)
        print(f"[{size}] {n_units:,} units × {n_works:,} works …", flush=True)
        ov = _run("overlay", size, args)
        al = _run("allocate", size, args)
        total = al["seconds"] + al["assess_seconds"]
        rows.append(
            f"| {size} | {n_units:,} | {n_works:,} | {_s(ov['seconds'], ov['cpu'])} | "
            f"{ov['peak_mb']:,.0f} ({ov['base_mb']:,.0f}) | {_s(al['seconds'], al['cpu'])} | "
            f"{al['rows']:,} | {_s(al['assess_seconds'], al['assess_cpu'])} | "
            f"{total:,.1f} | {al['peak_mb']:,.0f} ({al['base_mb']:,.0f}) |"
        )
        print(rows[-1], flush=True)
    header = (
        "| size | units | works | overlay s (cpu) | overlay peak MB (before) | allocate s (cpu) "
        "| reduction rows | assess after works s (cpu) | allocate + assess s | "
        "allocate + assess peak MB (before) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    command = f".venv/bin/python benchmarks/bench_allocate.py --sizes {args.sizes}"
    if args.workers:
        command += f" --workers {args.workers}"
    if args.chunk_units != 1024:
        command += f" --chunk-units {args.chunk_units}"
    if args.polygon_share != 0.05:
        command += f" --polygon-share {args.polygon_share}"
    notes = [
        environment(load),
        f"Command: `{command}`; engine settings {settings}.",
        "The layers are those of the overlay benchmark with "
        f"{args.polygon_share:.0%} of the works drawn as polygons in place of points (row-house "
        "blocks and retention ponds; the rest lines and points, 85 % completed), the units "
        "with baseline volumes from `synthetic.make_baseline`. Each measurement runs in "
        "its own subprocess: seconds are wall-clock time of the call alone, CPU seconds over "
        f"all threads in brackets; a call shorter than {REPEAT_UNDER:.0f} s is run "
        f"{REPEATS} times and the fastest kept. Peak MB is the subprocess's peak resident "
        "memory, with its peak before the call (interpreter, libraries, layers, baseline) in "
        "brackets.",
        "Overlay: `kg.remaining_area(units, works)`. Allocate: `kg.allocate(units, works)` "
        "(the reductions table, every overlap claimed in time order); assess: "
        "`kg.assess(units, reductions=...)`, the units re-scored after the works.",
    ]
    publish(args.out, SECTION, "\n".join([header, *rows]), notes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
