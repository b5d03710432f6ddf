"""Scoring 1,000,000 units with kg.assess (DESIGN §6: "scoring 1 000 000 units in seconds").

Run from the repository root::

    .venv/bin/python benchmarks/bench_scoring.py [n_units]

Units are generated here (seeded), not committed: plausible RT denominators, volumes drawn
between 0 and the denominator, and 1 % of units with a zero drain length so the report path
is exercised. Prints the time of the baseline scoring and of a re-scoring with a reductions
table of one row per unit and criterion for a tenth of the units.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import kotaku_gis as kg


def make_units(n: int, seed: int = 2024) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    denoms = {
        "buildings": rng.integers(20, 120, n).astype(float),
        "households": rng.integers(20, 150, n).astype(float),
        "road_length_m": rng.uniform(100, 1500, n),
        "drain_length_m": rng.uniform(100, 1500, n),
        "area_ha": rng.uniform(0.3, 6.0, n),
    }
    denoms["drain_length_m"][rng.random(n) < 0.01] = 0.0
    cols = {"unit_id": pd.array([f"RT{i:07d}" for i in range(n)], dtype="string"), **denoms}
    for c in kg.get_ruleset().criteria:
        d = denoms[c.denominator]
        cols[c.code] = np.round(d * rng.random(n) * (rng.random(n) < 0.7), 2)
    return pd.DataFrame(cols)


def main(n: int = 1_000_000) -> None:
    t0 = time.perf_counter()
    units = make_units(n)
    t1 = time.perf_counter()
    out = kg.assess(units)
    t2 = time.perf_counter()
    some = units.sample(frac=0.1, random_state=1)
    red = pd.DataFrame(
        {
            "unit_id": np.repeat(some["unit_id"].to_numpy(), 2),
            "criterion": np.tile(["2a", "4b"], len(some)),
            "volume": np.tile([50.0, 50.0], len(some)),
            "year": 2022,
        }
    )
    t3 = time.perf_counter()
    again = kg.assess(units, reductions=red, year=2022)
    t4 = time.perf_counter()
    print(f"generated {n:,} units in {t1 - t0:.2f} s")
    print(
        f"assess (baseline):               {t2 - t1:.2f} s  ({len(out.attrs['report']):,} "
        "report entries)"
    )
    print(f"assess with {len(red):,} reductions: {t4 - t3:.2f} s")
    print("levels:", out["level"].value_counts().to_dict())
    print("slum units after works:", int((again["level"] != "tidak kumuh").sum()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
