"""The sample data shipped with kotaku_gis: NTB slum units, interventions and boundaries.

The files live inside the installed package (``kotaku_gis/datasets/data/``), so they work after a
plain ``pip install`` without the source tree:

``ntb_sample``
    GeoPackage with the layers ``units`` (RT units of 13 kelurahan of Kota Mataram and
    kawasan-level units in the nine other kota/kabupaten of Nusa Tenggara Barat, with every
    baseline column of Permen PUPR 14/2018) and ``interventions`` (works 2020-2023 as points,
    lines and polygons, plus table-only rows without geometry that name a ``unit_id`` and a
    ``criterion``). The units and works are synthetic, drawn by ``sample_data/make_sample.py``
    on the real boundaries below.
``ntb_candidates``
    GeoPackage with the layer ``candidates``: about a hundred proposed works for 2024 (usulan)
    aimed at the failing criteria of units still on the slum list after the works of
    2020-2023, with costs, for planning with a budget (:func:`kotaku_gis.plan`). The costs are
    ILLUSTRATIVE, not official unit prices; made by ``sample_data/make_candidates.py``.
``ntb_kabupaten_kota``, ``ntb_kecamatan``, ``mataram_kelurahan``
    Administrative boundaries of NTB as published (GeoJSON, EPSG:4326, properties ``kode``,
    ``nama``, ``level``): the 10 kabupaten/kota, the 117 kecamatan and the 50 kelurahan of
    Kota Mataram. From cahyadsn/wilayah_boundaries (MIT License, Copyright (c) 2024 Cahya DSN);
    see ``ATTRIBUTION.txt`` next to the files. Some polygons are invalid as published;
    :func:`load_boundaries` repairs them and reports which.
``mataram_rt_shapefile``, ``mataram_kumuh_kmz``, ``ntb_kawasan_baseline``, ``mataram_sim_profile``
    The sample as planners' own files hold it, built from ``ntb_sample`` by
    ``sample_data/make_real_shaped.py``: a zipped Shapefile with Indonesian and truncated field
    names inside folders; a KMZ of slum polygons with a folder per level, a ``Status`` and no
    criteria; a geometry-less Excel baseline with a title block and Indonesian headers; a
    SIM-KOTAKU-style profile export (semicolon CSV, decimal commas) of criterion percentages
    and aspect averages. ``kg.read_units`` reads each of them.

Examples
--------
>>> import kotaku_gis as kg
>>> units = kg.datasets.load_units()
>>> sorted(units["unit_level"].unique())
['kawasan', 'rt']
"""

from __future__ import annotations

import atexit
import contextlib
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from ..errors import InputError
from ..io import read_interventions, read_units
from ..validation_report import ValidationReport

__all__ = [
    "available",
    "get_path",
    "load_boundaries",
    "load_candidates",
    "load_interventions",
    "load_units",
]

_FILES: dict[str, str] = {
    "ntb_sample": "ntb_sample.gpkg",
    "ntb_kabupaten_kota": "ntb_kabupaten_kota.geojson",
    "ntb_kecamatan": "ntb_kecamatan.geojson",
    "mataram_kelurahan": "mataram_kelurahan.geojson",
    "mataram_flood_depth": "mataram_flood_depth.tif",
    "mataram_population": "mataram_population.tif",
    "mataram_rt_shapefile": "mataram_rt_shapefile.zip",
    "mataram_kumuh_kmz": "mataram_kumuh.kmz",
    "ntb_kawasan_baseline": "ntb_kawasan_baseline.xlsx",
    "mataram_sim_profile": "mataram_sim_profile.csv",
    "ntb_candidates": "ntb_candidates.gpkg",
}

#: The names :func:`get_path` accepts.
available: tuple[str, ...] = tuple(_FILES)

_LEVELS: dict[str, str] = {
    "kabupaten_kota": "ntb_kabupaten_kota",
    "kota": "ntb_kabupaten_kota",
    "kabupaten": "ntb_kabupaten_kota",
    "kecamatan": "ntb_kecamatan",
    "kelurahan": "mataram_kelurahan",
}

# Files of a package imported from a zip archive are extracted once, for the whole session.
_EXTRACTED = contextlib.ExitStack()
atexit.register(_EXTRACTED.close)


def get_path(name: str) -> str:
    """Path of a bundled dataset file inside the installed package.

    Parameters
    ----------
    name : str
        One of :data:`available`: ``"ntb_sample"`` (GeoPackage with the layers ``units`` and
        ``interventions``), ``"ntb_kabupaten_kota"``, ``"ntb_kecamatan"`` or
        ``"mataram_kelurahan"`` (GeoJSON boundaries as published), ``"mataram_flood_depth"``
        (synthetic flood depth in metres, GeoTIFF, EPSG:32750, 30 m cells) or
        ``"mataram_population"`` (synthetic persons per cell, GeoTIFF, EPSG:4326, 1″ cells),
        ``"ntb_candidates"`` (GeoPackage, layer ``candidates``: proposed works with
        illustrative costs), or one of the real-shaped files: ``"mataram_rt_shapefile"``
        (zipped Shapefile), ``"mataram_kumuh_kmz"`` (KMZ), ``"ntb_kawasan_baseline"`` (Excel)
        and ``"mataram_sim_profile"`` (CSV).

    Returns
    -------
    str
        A file-system path, readable by geopandas, QGIS or ``kg.read_units``.

    Raises
    ------
    InputError
        For a name that is not in :data:`available`.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> kg.datasets.get_path("ntb_sample").endswith("ntb_sample.gpkg")
    True
    >>> kg.datasets.available[:4]
    ('ntb_sample', 'ntb_kabupaten_kota', 'ntb_kecamatan', 'mataram_kelurahan')
    """
    if not isinstance(name, str) or name not in _FILES:
        raise InputError(
            f"no bundled dataset named {name!r}; the available names are "
            f"{', '.join(repr(n) for n in available)}."
        )
    resource = resources.files(__name__).joinpath("data", _FILES[name])
    if isinstance(resource, Path):
        return str(resource)
    return str(_EXTRACTED.enter_context(resources.as_file(resource)))


def load_units() -> gpd.GeoDataFrame:
    """The sample's assessment units, read and validated by :func:`kotaku_gis.read_units`.

    339 RT polygons (``unit_level == "rt"``, 0.5-5 ha each) in 13 coastal and riverside
    kelurahan of Kota Mataram, and 27 kawasan (``unit_level == "kawasan"``, 5-60 ha) in the
    other kota/kabupaten of NTB; EPSG:4326. Columns: ``unit_id``, the administrative names
    and codes, ``legal_status``, the "pertimbangan lain" levels ``nilai_strategis``,
    ``kepadatan_penduduk`` and ``potensi_sosial_ekonomi`` (1 rendah, 3 sedang, 5 tinggi), the
    denominators (``area_ha``, ``buildings``, ``households``, ``penduduk``,
    ``road_length_m``, ``drain_length_m``) and the 16 criterion volumes ``"1a"`` … ``"7b"``.

    Returns
    -------
    GeoDataFrame
        With the reader's :class:`~kotaku_gis.ValidationReport` in ``attrs["report"]``
        (a few verified ``area_ha`` differ a little from the polygon, as in field data, and
        are reported as warnings).

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> units = kg.datasets.load_units()
    >>> units["unit_id"].is_unique
    True
    >>> str(units.crs)
    'EPSG:4326'
    """
    return read_units(get_path("ntb_sample"), layer="units")


def load_interventions() -> gpd.GeoDataFrame:
    """The sample's interventions 2020-2023, read by :func:`kotaku_gis.read_interventions`.

    Points (hidran umum, MCK, IPAL komunal, TPS 3R, bak sampah, APAR, hidran kebakaran, sumur
    bor, rehab RTLH …), lines (jalan beton, paving, drainase lingkungan, normalisasi saluran)
    and polygons (kolam retensi, rumah deret) with programme names in mixed case as planners
    type them; most are ``"selesai"``, some of 2023 ``"proses"`` or ``"rencana"``. A few
    rows carry a measured ``radius_m``, some have no ``volume`` (it is measured from the
    geometry), and table-only rows have no geometry but a ``unit_id`` and a ``criterion``.

    Returns
    -------
    GeoDataFrame
        Normalised by the reader (``kind_key``, ``category``, ``completed``, ``volume``,
        ``radius_m``), with its report in ``attrs["report"]``.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> works = kg.datasets.load_interventions()
    >>> sorted(works["year"].unique().tolist())
    [2020, 2021, 2022, 2023]
    >>> bool(works["completed"].all())
    False
    """
    return read_interventions(get_path("ntb_sample"), layer="interventions")


def load_candidates() -> gpd.GeoDataFrame:
    """Proposed works for 2024 with ILLUSTRATIVE costs, for :func:`kotaku_gis.plan`.

    About a hundred usulan (status ``"usulan"``, year 2024) for units of the sample still on
    the slum list after the works completed by 2023: lanes (``Jalan Beton``, some with a
    cheaper ``Jalan Paving`` design of the same lane as its alternative, named in
    ``alternatif``), drains, public taps, boreholes, communal septic tanks, MCK, waste bins and
    carts, fire hydrants and fire motorbikes, house rehabilitation. ``cost`` is in rupiah: a
    length or count times a round unit cost, for practice only (``keterangan`` says so on
    every row); ``unit_sasaran`` and ``kriteria_sasaran`` name the unit and criterion each
    was proposed for.

    Returns
    -------
    GeoDataFrame
        Read by :func:`kotaku_gis.read_interventions`, with its report in ``attrs["report"]``.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> cands = kg.datasets.load_candidates()
    >>> cands["intervention_id"].is_unique, bool((cands["cost"] > 0).all())
    (True, True)
    >>> bool(cands["keterangan"].str.startswith("ILUSTRASI").all())
    True
    """
    return read_interventions(get_path("ntb_candidates"), layer="candidates")


def load_boundaries(level: str = "kelurahan") -> gpd.GeoDataFrame:
    """Administrative boundaries of NTB, with invalid polygons repaired and reported.

    Parameters
    ----------
    level : {"kelurahan", "kecamatan", "kabupaten_kota"}
        ``"kelurahan"``: the 50 kelurahan of Kota Mataram; ``"kecamatan"``: the 117 kecamatan
        of NTB; ``"kabupaten_kota"`` (or ``"kota"``, ``"kabupaten"``): its 10 kabupaten/kota.

    Returns
    -------
    GeoDataFrame
        Columns ``kode`` (Kemendagri code such as ``"52.71.01.1004"``), ``nama``, ``level``
        and geometry (EPSG:4326). Polygons that are invalid as published (self-intersecting
        rings) are repaired with ``shapely.make_valid``; ``attrs["report"]`` lists each one.

    Raises
    ------
    InputError
        For an unknown ``level``.

    Examples
    --------
    >>> import kotaku_gis as kg
    >>> kab = kg.datasets.load_boundaries("kabupaten_kota")
    >>> len(kab), bool(kab.is_valid.all())
    (10, True)
    >>> len(kab.attrs["report"]) > 0  # repaired polygons are reported
    True
    """
    if level not in _LEVELS:
        raise InputError(
            f"no boundary level {level!r}; choose one of 'kelurahan', 'kecamatan' or "
            "'kabupaten_kota'."
        )
    name = _LEVELS[level]
    path = get_path(name)
    frame = gpd.read_file(path, engine="pyogrio")
    report = ValidationReport(what="boundaries", source=path)
    geoms = np.asarray(frame.geometry.array, dtype=object).copy()
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])
        geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure")
        report.add_rows(
            frame.index[invalid],
            frame.geometry.name,
            "warning",
            "invalid_geometry",
            [
                f"{nama} ({kode}): invalid as published ({reason}); repaired with make_valid"
                for nama, kode, reason in zip(
                    frame["nama"][invalid], frame["kode"][invalid], reasons, strict=True
                )
            ],
            repaired=True,
        )
        frame[frame.geometry.name] = gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs)
    frame.attrs["report"] = report
    return frame
