"""Build the sample's candidate works for 2024, with ILLUSTRATIVE costs, for budget planning.

Run from the repository root after ``make_sample.py``::

    python sample_data/make_candidates.py   # rewrites kotaku_gis/datasets/data/ntb_candidates.gpkg
    python sample_data/make_candidates.py --out /tmp/candidates.gpkg

The script is seeded and deterministic. It reads the bundled sample (units and works), scores
the units after the works completed by 2023, and for a choice of the units still on the slum
list proposes works for their failing criteria, worst first, as a planner drafts a list of
proposals (usulan) for the next year:

* lanes (Jalan Beton, with a cheaper Jalan Paving design of the same lane as its alternative)
  and drains (Drainase Lingkungan) as lines across the RT along its long axis;
* public taps, boreholes, communal septic tanks, MCK, waste bins and carts, fire hydrants and
  fire motorbikes as points inside the RT, with the catalogue's service radius;
* house rehabilitation (Rehab RTLH) as a point with the number of houses.

Costs are the length or count times a unit cost and are ILLUSTRATIVE ONLY: round figures of
the order of magnitude of community-built works, not official unit prices (HSPK) of any kota.
Every row says so in ``keterangan``. Do not use them for budgeting.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
import shapely.ops

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kotaku_gis as kg  # noqa: E402
from kotaku_gis.crs import WGS84, laea_crs, to_frame_crs  # noqa: E402

SEED = 2024_06
OUT = ROOT / "kotaku_gis" / "datasets" / "data" / "ntb_candidates.gpkg"
YEAR = 2024
NOTE = "ILUSTRASI: biaya perkiraan untuk latihan perencanaan, bukan harga satuan resmi"

#: failing criterion -> (kind as planners write it, unit cost in rupiah, shape, unit of cost)
PROPOSALS: dict[str, list[tuple[str, float, str]]] = {
    "2a": [("Jalan Beton", 1_200_000.0, "line")],
    "2b": [("Jalan Beton", 1_200_000.0, "line")],
    "1a": [("Jalan Beton", 1_200_000.0, "line")],
    "4a": [("Drainase Lingkungan", 1_500_000.0, "line")],
    "4b": [("Drainase Lingkungan", 1_500_000.0, "line")],
    "4c": [("Drainase Lingkungan", 1_500_000.0, "line")],
    "3a": [("Hidran Umum", 35_000_000.0, "point"), ("Sumur Bor", 90_000_000.0, "point")],
    "3b": [("Sumur Bor", 90_000_000.0, "point")],
    "5a": [("Septictank Komunal", 200_000_000.0, "point"), ("MCK", 300_000_000.0, "point")],
    "5b": [("Septictank Komunal", 200_000_000.0, "point")],
    "6a": [("Bak Sampah", 10_000_000.0, "point"), ("Gerobak Sampah", 25_000_000.0, "point")],
    "6b": [("Gerobak Sampah", 25_000_000.0, "point")],
    "7a": [("Hidran Kebakaran", 75_000_000.0, "point")],
    "7b": [("Motor Pemadam", 120_000_000.0, "point")],
    "1c": [("Rehab RTLH", 20_000_000.0, "item")],
}
PAVING_PER_M = 750_000.0


def _inside_point(rng: np.random.Generator, poly: shapely.Geometry) -> shapely.Point:
    minx, miny, maxx, maxy = poly.bounds
    for _ in range(200):
        p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if poly.buffer(-5).contains(p):
            return p
    return poly.representative_point()


def _lane(rng: np.random.Generator, poly: shapely.Geometry, max_m: float) -> shapely.Geometry:
    """A straight lane through the RT along its long axis, at most ``max_m`` long."""
    rect = poly.minimum_rotated_rectangle
    xy = np.asarray(rect.exterior.coords)[:4]
    edges = np.diff(np.vstack([xy, xy[:1]]), axis=0)
    k = int(np.argmax(np.hypot(edges[:, 0], edges[:, 1])))
    direction = edges[k] / np.hypot(*edges[k])
    centre = np.asarray(_inside_point(rng, poly).coords[0])
    reach = 2000.0
    line = shapely.LineString([centre - direction * reach, centre + direction * reach])
    part = line.intersection(poly.buffer(-3))
    parts = [g for g in shapely.get_parts(part) if g.length > 0]
    if not parts:
        return shapely.LineString([centre - direction * 20, centre + direction * 20])
    lane = max(parts, key=lambda g: g.length)
    if lane.length > max_m:
        mid = lane.length / 2
        lane = shapely.ops.substring(lane, mid - max_m / 2, mid + max_m / 2)
    return lane


def build(rng: np.random.Generator) -> gpd.GeoDataFrame:
    units = kg.datasets.load_units()
    works = kg.datasets.load_interventions()
    after = kg.assess(
        units, reductions=kg.allocate(units=units, interventions=works, year=YEAR - 1)
    )
    slum = after[(after["level"] != "tidak kumuh") & (after["total_score"] <= 34)]
    targets = slum.sample(n=min(40, len(slum)), random_state=int(rng.integers(2**31)))
    targets = targets.sort_values("unit_id")
    codes = list(PROPOSALS)
    rows: list[dict] = []
    geoms: list[shapely.Geometry] = []
    for _, unit in targets.iterrows():
        centre = unit.geometry.representative_point()
        frame = laea_crs(round(centre.x, 4), round(centre.y, 4))
        poly = to_frame_crs(np.array([unit.geometry]), WGS84, frame)[0]
        scores = {c: int(unit[f"score_{c}"]) for c in codes}
        failing = sorted((c for c in codes if scores[c] > 0), key=lambda c: -scores[c])
        kinds_used: set[str] = set()
        for code in failing[: int(rng.integers(2, 4))]:
            options = PROPOSALS[code]
            kind, unit_cost, shape = options[int(rng.integers(len(options)))]
            if kind in kinds_used:
                continue
            kinds_used.add(kind)
            row = {
                "kota": unit["kota"],
                "kecamatan": unit["kecamatan"],
                "kelurahan": unit["kelurahan"],
                "unit_sasaran": unit["unit_id"],
                "kriteria_sasaran": code,
                "kind": kind,
                "volume": np.nan,
                "alternatif": None,
            }
            if shape == "line":
                geom = _lane(rng, poly, max_m=float(rng.uniform(80, 220)))
                metres = round(geom.length)
                row["volume"] = float(metres)
                row["cost"] = round(metres * unit_cost, -5)
                if kind == "Jalan Beton" and rng.random() < 0.5:
                    # the same lane in paving blocks: cheaper, one or the other
                    group = f"ALT-{unit['unit_id']}"
                    row["alternatif"] = group
                    rows.append(row)
                    geoms.append(geom)
                    row = {**row, "kind": "Jalan Paving", "cost": round(metres * PAVING_PER_M, -5)}
            elif shape == "item":
                houses = int(rng.integers(4, 16))
                geom = _inside_point(rng, poly)
                row["volume"] = float(houses)
                row["cost"] = houses * unit_cost
            else:
                geom = _inside_point(rng, poly)
                row["volume"] = 1.0
                row["cost"] = unit_cost
            rows.append(row)
            geoms.append(geom)
        # back to lon/lat
        k0 = len(geoms) - sum(1 for r in rows if r["unit_sasaran"] == unit["unit_id"])
        geoms[k0:] = list(to_frame_crs(np.array(geoms[k0:], dtype=object), frame, WGS84))
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=WGS84)
    out.insert(0, "intervention_id", [f"USUL-{YEAR}-{i + 1:03d}" for i in range(len(out))])
    out["year"] = YEAR
    out["status"] = "usulan"
    out["keterangan"] = NOTE
    out["geometry"] = shapely.set_precision(out.geometry.array, 1e-7)
    cols = ["intervention_id", "kind", "cost", "volume", "alternatif", "year", "status", "kota",
            "kecamatan", "kelurahan", "unit_sasaran", "kriteria_sasaran", "keterangan",
            "geometry"]  # fmt: skip
    return out[cols]


def write(cands: gpd.GeoDataFrame, out: Path) -> None:
    # a fixed timestamp in gpkg_contents makes the file byte-for-byte reproducible
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-01-01T00:00:00.000Z"})
    tmp = out.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    cands.to_file(tmp, layer="candidates", driver="GPKG", engine="pyogrio", geometry_type="Unknown")
    tmp.replace(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"GeoPackage to write ({OUT.name})")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        cands = build(np.random.default_rng(SEED))
    write(cands, args.out)
    print(f"{len(cands)} candidate works, Rp {cands['cost'].sum() / 1e9:,.2f} bn in all")
    print(cands["kind"].value_counts().to_string())
    print(f"{args.out}: {args.out.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
