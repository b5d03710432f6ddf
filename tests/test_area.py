"""Ellipsoidal hectares against a geodesic reference, whatever the CRS."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

import kotaku_gis as kg

GEOD = pyproj.Geod(ellps="WGS84")

# Places across Indonesia: Mataram, Banda Aceh, Jayapura, Jakarta.
PLACES = [(116.10, -8.58), (95.32, 5.55), (140.70, -2.53), (106.80, -6.20)]
CRSS = ["EPSG:4326", "EPSG:4755", "EPSG:3857", "EPSG:32750", "EPSG:23830", "EPSG:32749"]


def _rt(lon: float, lat: float) -> shapely.Polygon:
    """An irregular RT-sized quadrilateral of about 3 ha."""
    d = 0.0015
    return shapely.Polygon(
        [
            (lon, lat),
            (lon + d * 1.3, lat + 0.0002),
            (lon + d, lat + d),
            (lon - 0.0003, lat + d * 0.8),
        ]
    )


@pytest.mark.parametrize("lon,lat", PLACES)
@pytest.mark.parametrize("crs", CRSS)
def test_rt_polygon_matches_geodesic_area_in_any_crs(lon, lat, crs):
    poly = _rt(lon, lat)
    reference = abs(GEOD.geometry_area_perimeter(poly)[0]) / 10_000
    series = gpd.GeoSeries([poly], crs="EPSG:4326").to_crs(crs)
    got = float(kg.area_ha(series).iloc[0])
    assert got == pytest.approx(reference, rel=1e-6)


def test_plain_utm_is_off_by_more_than_the_tolerance_near_lombok():
    poly = _rt(116.10, -8.58)
    reference = abs(GEOD.geometry_area_perimeter(poly)[0]) / 10_000
    utm_ha = gpd.GeoSeries([poly], crs=4326).to_crs(32750).area.iloc[0] / 10_000
    assert abs(utm_ha - reference) / reference > 5e-4  # the error the design warns of
    assert float(kg.area_ha(gpd.GeoSeries([poly], crs=4326)).iloc[0]) == pytest.approx(
        reference, rel=1e-6
    )


def test_index_kept_nulls_and_empties_and_non_polygons():
    s = gpd.GeoSeries(
        [_rt(116.1, -8.58), None, shapely.Polygon(), shapely.Point(116.1, -8.5)],
        index=["a", "b", "c", "d"],
        crs=4326,
    )
    out = kg.area_ha(s)
    assert list(out.index) == ["a", "b", "c", "d"]
    assert np.isnan(out["b"]) and out["c"] == 0.0 and out["d"] == 0.0


def test_geodataframe_and_far_apart_geometries_in_one_call():
    polys = [_rt(lon, lat) for lon, lat in PLACES]
    gdf = gpd.GeoDataFrame({"unit_id": list("abcd")}, geometry=polys, crs=4326)
    ref = [abs(GEOD.geometry_area_perimeter(p)[0]) / 10_000 for p in polys]
    np.testing.assert_allclose(kg.area_ha(gdf).to_numpy(), ref, rtol=1e-6)


def test_missing_crs_and_wrong_type_raise_input_error():
    with pytest.raises(kg.InputError, match="coordinate reference system"):
        kg.area_ha(gpd.GeoSeries([_rt(116.1, -8.58)]))
    with pytest.raises(kg.InputError, match="GeoSeries"):
        kg.area_ha([_rt(116.1, -8.58)])
