"""The reductions of the province benchmark layers stay those of the allocation before the
engine: the same rows, in the same order, with the same figures to rounding.

The benchmark's province (10,000 RT units over the five NTB towns, 25,000 works of which 5 %
are drawn as polygons, seed 2024) is allocated, and the table is compared with a fingerprint
of the table the allocation gave before it ran on the engine (``data/allocation_province.json``):
a hash of every row's keys (work, unit, criterion, measure, method, kind, year, source row), and
per criterion the number of rows and sums of the volumes, overlap shares and capacity factors,
plain and weighted by two fixed pseudo-random weights per row, so that a figure moved in one
row of a criterion shows in its sums. The figures may differ by what the frames allow: the
engine measures in the equal-area frame of each quarter-degree cell, where the allocation
before it used a frame per group of units, so a buffer's 96-gon lies a little differently on
the units (within the 0.072 % of its area the 96-gon gives); sums agree within 1e-6.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kotaku_gis as kg
from benchmarks.synthetic import SIZES, make_baseline, make_layers

REFERENCE = Path(__file__).parent / "data" / "allocation_province.json"
REL = 1e-6
_KEYS = ("intervention_id", "unit_id", "criterion", "measure", "method", "kind", "year")


def fingerprint(reductions: pd.DataFrame) -> dict:
    """Keys hashed, and per criterion the row count and plain and weighted sums."""
    text = reductions["source_row"].astype(str)
    for col in _KEYS:
        text = text.str.cat(reductions[col].astype("string").fillna("<NA>"), sep="|")
    keys = hashlib.sha256("\n".join(text.tolist()).encode()).hexdigest()
    n = np.arange(len(reductions), dtype=np.uint64)
    w1 = ((n * np.uint64(2654435761)) % np.uint64(2**32)).astype(float) / 2**32
    w2 = ((n * np.uint64(40503) + np.uint64(12345)) % np.uint64(65521)).astype(float) / 65521
    out: dict = {"rows": len(reductions), "keys_sha256": keys, "criteria": {}}
    for code, at in reductions.groupby("criterion", sort=True).indices.items():
        entry = {"rows": len(at)}
        for col in ("volume", "overlap_share", "capacity_factor"):
            v = reductions[col].to_numpy(dtype=float)[at]
            given = ~np.isnan(v)
            entry[f"{col}_given"] = int(given.sum())
            entry[f"{col}_sum"] = float(v[given].sum())
            entry[f"{col}_w1"] = float((v * w1[at])[given].sum())
            entry[f"{col}_w2"] = float((v * w2[at])[given].sum())
        out["criteria"][str(code)] = entry
    return out


@pytest.fixture(scope="module")
def province() -> pd.DataFrame:
    spec = SIZES["province"]
    units, works = make_layers(
        n_units=spec.n_units, n_works=spec.n_works, n_cities=spec.n_cities, seed=2024,
        polygon_share=0.05,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return kg.allocate(make_baseline(units), works)


@pytest.mark.slow
def test_province_reductions_are_those_of_the_allocation_before_the_engine(province):
    want = json.loads(REFERENCE.read_text())
    got = fingerprint(province)
    assert got["rows"] == want["rows"] == 228_846
    assert got["keys_sha256"] == want["keys_sha256"]
    assert got["criteria"].keys() == want["criteria"].keys()
    for code, entry in want["criteria"].items():
        mine = got["criteria"][code]
        for name, value in entry.items():
            if name == "rows" or name.endswith("_given"):
                assert mine[name] == value, (code, name)
            else:
                assert mine[name] == pytest.approx(value, rel=REL), (code, name)
