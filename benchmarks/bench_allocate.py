"""Allocation and re-scoring at the benchmark sizes: does the audit trail keep up?

Run from the repository root::

    .venv/bin/python benchmarks/bench_allocate.py --sizes province,national

For each size the seeded synthetic layers of :mod:`bench_overlay` (written once to
``benchmarks/data/``) are read, then ``kg.allocate(units, works)`` builds the reductions
table and ``kg.assess(units, reductions=...)`` re-scores the units after the works. Times are
wall-clock seconds of each call; the peak is the process's resident memory, layers included.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402

import kotaku_gis as kg  # noqa: E402
from benchmarks.bench_overlay import _ensure_data  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="city,province")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "benchmarks" / "data")
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)  # the layers' reports are not the point here
    print("| size | units | works | allocate s | reduction rows | assess after works s | peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        _ensure_data(size, args.data_dir, args.seed)
        units = gpd.read_parquet(args.data_dir / f"{size}_units.parquet")
        works = gpd.read_parquet(args.data_dir / f"{size}_works.parquet")
        units["area_ha"] = kg.area_ha(units)
        start = time.perf_counter()
        reductions = kg.allocate(units, works)
        t_alloc = time.perf_counter() - start
        start = time.perf_counter()
        kg.assess(units, reductions=reductions)
        t_assess = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"| {size} | {len(units):,} | {len(works):,} | {t_alloc:.1f} | {len(reductions):,} "
            f"| {t_assess:.1f} | {peak:,.0f} |"
        )


if __name__ == "__main__":
    main()
