"""Sizes of a national map: the index of kota/kabupaten and one map per kota.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_national_map                  # 100,000 units, 30 kota
    .venv/bin/python -m benchmarks.bench_national_map --size province --keep /tmp/national

The layers are the seeded national benchmark layers of :mod:`benchmarks.synthetic`
(100,000 RT units and 250,000 works over 30 cities), digitised as in
:mod:`benchmarks.bench_map` (10 m edges, 0.3 m jitter), scored (``kg.assess``) and overlaid
with completed works (``kg.remaining_area``). ``kg.map_units`` with works and unserved parts
is above :data:`kotaku_gis.maps.units.MAX_UNITS` units, so ``kg.save_map`` writes the index
map and one map per kota beside it. Reported: the build-and-write time, the index's size and
the largest kota map's size, which must stay within 5 MB (the exit status is 1 otherwise).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import kotaku_gis as kg
from benchmarks import bench_map
from benchmarks.synthetic import SIZES

LIMIT_MB = 5.0


def make_inputs(size: str, seed: int = 7):
    """Scored units, works and the remaining area of one benchmark size."""
    spec = SIZES[size]
    return bench_map.make_inputs(spec.n_units, seed, n_works=spec.n_works, n_cities=spec.n_cities)


def main() -> None:
    """Build the national map, write it, report the files' sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="national", choices=sorted(SIZES))
    parser.add_argument("--keep", type=Path, help="folder to keep the HTML files in")
    args = parser.parse_args()

    t0 = time.perf_counter()
    assessed, works, remaining = make_inputs(args.size)
    per_kota = assessed["kota"].value_counts()
    print(
        f"inputs: {len(assessed):,} units over {len(per_kota)} kota (largest "
        f"{per_kota.index[0]}: {per_kota.iloc[0]:,} units), {len(works):,} works, "
        f"{time.perf_counter() - t0:.1f} s"
    )
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-national-"))
    folder.mkdir(parents=True, exist_ok=True)
    t1 = time.perf_counter()
    m = kg.map_units(assessed, interventions=works, remaining=remaining, year=2023)
    index = kg.save_map(m, folder / "map.html")
    seconds = time.perf_counter() - t1
    pages = sorted(folder.glob("map_*.html"), key=lambda p: p.stat().st_size, reverse=True)
    index_mb = index.stat().st_size / 1e6
    print(f"built and written in {seconds:.1f} s: index {index_mb:.2f} MB, {len(pages)} kota maps")
    if not pages:
        print("one map (below the split size): no kota maps")
        return
    sizes = [p.stat().st_size / 1e6 for p in pages]
    print(
        f"kota maps: largest {pages[0].name} {sizes[0]:.2f} MB, median "
        f"{float(np.median(sizes)):.2f} MB, all {sum(sizes):.1f} MB; limit {LIMIT_MB:.0f} MB"
    )
    print(f"files in {folder}")
    if sizes[0] > LIMIT_MB or index_mb > LIMIT_MB:
        raise SystemExit(f"a map is over {LIMIT_MB} MB")


if __name__ == "__main__":
    main()
