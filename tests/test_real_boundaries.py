"""The real NTB boundaries load, their invalid polygons are repaired and reported, and their
hectares are kept.

The published boundaries (``shared/data/ntb_boundaries`` beside the repository) hold invalid
MultiPolygons: 6 of the 10 kabupaten/kota and 9 of the 117 kecamatan. Each of their rings is
simple; the fault is "nested shells": small islands digitised as separate parts that lie inside
the mainland part, so the parts overlap.

The reference, "unrepaired ring area": for every part, the geodesic area (pyproj.Geod on the
WGS 84 ellipsoid) of its exterior ring minus those of its interior rings, summed over parts.
Each ring is first densified to 0.001° (about 110 m) so that its edges follow the file's
straight lon/lat lines (RFC 7946) rather than geodesics between far-apart vertices. This is
the figure a GIS shows for the layer as published, since shoelace sums take each ring alone.
For a self-intersecting ring it would be the winding-number-weighted area; none occurs here.

Because nested shells are counted twice in that sum, the sound expectation for the repaired
polygon is the ring area minus the area where parts overlap (counted once by the union that
``make_valid(method="structure")`` builds). The tests check both: within 0.1 % of the ring
area (the design's bound), and equal, to 1e-6, to the ring area less the overlaps. The other
GEOS method, ``"linework"``, applies an even-odd rule and turns each nested island into a hole,
losing twice the overlap: it would still pass 0.1 % here, but is wrong in kind.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

import kotaku_gis as kg

BOUNDARIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "ntb_boundaries"
FILES = {
    # file: (features, invalid as published)
    "ntb_kabupaten_kota.geojson": (10, 6),
    "ntb_kecamatan.geojson": (117, 9),
    "mataram_kelurahan.geojson": (50, 0),
}
DENSIFY_DEG = 0.001
GEOD = pyproj.Geod(ellps="WGS84")

pytestmark = pytest.mark.skipif(
    not BOUNDARIES.is_dir(),
    reason=f"the NTB boundaries are not beside the repository ({BOUNDARIES} is absent)",
)


def _ring_ha(ring: shapely.LinearRing) -> float:
    line = shapely.segmentize(shapely.LineString(ring.coords), DENSIFY_DEG)
    lon, lat = np.asarray(line.coords).T
    return abs(GEOD.polygon_area_perimeter(lon, lat)[0]) / 10_000


def ring_area_ha(geom: shapely.Geometry) -> float:
    """Unrepaired ring area: Σ over parts of |exterior| − Σ |interiors|, geodesic."""
    total = 0.0
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon":
            continue
        total += _ring_ha(part.exterior) - sum(_ring_ha(r) for r in part.interiors)
    return total


def overlap_of_parts_ha(geom: shapely.Geometry) -> float:
    """Area where the parts of a MultiPolygon overlap each other (pairwise)."""
    parts = shapely.get_parts(geom)
    tree = shapely.STRtree(parts)
    left, right = tree.query(parts, predicate="intersects")
    pairs = left < right
    inter = shapely.intersection(parts[left[pairs]], parts[right[pairs]])
    return sum(ring_area_ha(g) for g in inter)


@pytest.fixture(scope="module", params=sorted(FILES))
def layer(request):
    name = request.param
    raw = gpd.read_file(BOUNDARIES / name)
    with warnings.catch_warnings():
        # Simplified neighbours overlap a little; the reader reports it and warns.
        warnings.simplefilter("ignore", UserWarning)
        units = kg.read_units(BOUNDARIES / name, id_column="kode")
    return name, raw, units


def test_boundaries_load_with_every_feature(layer):
    name, raw, units = layer
    n, _ = FILES[name]
    assert len(raw) == len(units) == n
    assert units.index.equals(raw.index)
    assert units["unit_id"].tolist() == raw["kode"].tolist()
    assert pyproj.CRS(units.crs).equals(pyproj.CRS("EPSG:4326"))


def test_invalid_polygons_are_repaired_and_reported(layer):
    name, raw, units = layer
    _, n_invalid = FILES[name]
    invalid = ~shapely.is_valid(raw.geometry.to_numpy())
    assert invalid.sum() == n_invalid  # as published
    repaired = [i for i in units.attrs["report"] if i.check == "invalid_geometry" and i.repaired]
    assert len(repaired) == n_invalid
    assert [i.row for i in repaired] == raw.index[invalid].tolist()
    assert all(i.severity == "warning" and i.column == "geometry" for i in repaired)
    assert all("Nested shells" in i.message for i in repaired)
    geoms = units.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert np.isin(shapely.get_type_id(geoms), [3, 6]).all()  # still (multi)polygons


def test_hectares_stay_within_a_thousandth_of_the_ring_areas(layer):
    _, raw, units = layer
    reference = np.array([ring_area_ha(g) for g in raw.geometry])
    got = units["area_ha"].to_numpy()
    rel = np.abs(got - reference) / reference
    assert rel.max() < 1e-3, raw["kode"].to_numpy()[rel.argmax()]
    # The repair only ever removes double counting: it never adds hectares.
    assert (got <= reference * (1 + 1e-6)).all()


def test_repair_removes_exactly_the_double_counted_islands(layer):
    _, raw, units = layer
    invalid = np.flatnonzero(~shapely.is_valid(raw.geometry.to_numpy()))
    valid = np.flatnonzero(shapely.is_valid(raw.geometry.to_numpy()))
    area = units["area_ha"].to_numpy()
    for i in invalid:
        geom = raw.geometry.iloc[i]
        expected = ring_area_ha(geom) - overlap_of_parts_ha(geom)
        assert area[i] == pytest.approx(expected, rel=1e-6), raw["kode"].iloc[i]
    for i in valid:
        assert area[i] == pytest.approx(ring_area_ha(raw.geometry.iloc[i]), rel=1e-6)


def test_the_islands_are_nested_shells_that_overlap_the_mainland(layer):
    """Documents the fault: every invalid feature's parts are simple and some overlap."""
    _, raw, _ = layer
    for geom in raw.geometry[~raw.is_valid]:
        parts = shapely.get_parts(geom)
        assert shapely.is_valid(parts).all()
        assert overlap_of_parts_ha(geom) > 0
