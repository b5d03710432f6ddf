"""Build the real-shaped sample files: the bundled sample as planners' own files hold it.

Run from the repository root::

    python sample_data/make_real_shaped.py   # rewrites four files in kotaku_gis/datasets/data/

The script is seeded and deterministic. It reads the bundled sample (``ntb_sample.gpkg``,
itself drawn on the MIT-licensed boundaries of ``ATTRIBUTION.txt``), scores it with
``kg.assess`` and writes four files shaped like the ones city teams and SIM KOTAKU exports
hand over, so that ``kg.read_units`` can be shown and tested on them:

``mataram_rt_shapefile.zip``
    A zipped Shapefile inside folders (``data/rt/rt_kumuh_mataram.shp``): the 74 RT of
    Ampenan Selatan, Ampenan Tengah and Bintaro with Indonesian field names, several cut to
    ten characters by the Shapefile format (``JUMLAH_BAN``, ``PANJANG_JA``, ``TINGKAT_KE``),
    criterion volumes as ``K1A`` … ``K7B`` and the published level.
``mataram_kumuh.kmz``
    A KMZ of the slum RT of Tanjung Karang, Tanjung Karang Permai and Jempong Baru as a
    field team draws them in Google Earth: one folder per level, placemarks without ids,
    ``Status`` (Berat / Sedang / Ringan), ``KELURAHAN``, ``LUAS`` with decimal commas,
    heights of 0 on every vertex, and no criteria.
``ntb_kawasan_baseline.xlsx``
    A geometry-less baseline workbook of the 27 kawasan outside Kota Mataram: one sheet per
    kabupaten/kota, a title block, Indonesian headers ("Kode Kawasan", "Luas Verifikasi (Ha)",
    "Jumlah KK", "1.a" …), some numbers typed as text with Indonesian separators, and a
    "Jumlah" total row.
``mataram_sim_profile.csv``
    A SIM-KOTAKU-style profile export of the 125 RT of Dayan Peken, Karang Taliwang, Kekalik
    Jaya, Pejeruk and Taman Sari: semicolon separated with decimal commas, criterion
    percentages ``k1_a_p`` … ``k7_b_p``, aspect averages ``k1_p`` … ``k7_p`` computed as SIM
    KOTAKU's profile does (a criterion under 25 % counts 0), total score and level; no
    volumes, no denominators, no ids (the kelurahan code, RW and RT name each row).

The units, volumes and levels are synthetic (see ``README.md``); do not quote them as figures
about Mataram or NTB.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kotaku_gis as kg  # noqa: E402
from kotaku_gis.rulesets import get_ruleset  # noqa: E402
from kotaku_gis.scoring import round_half_up  # noqa: E402

DATA = ROOT / "kotaku_gis" / "datasets" / "data"
SEED = 2_2016
# Zip members get this timestamp, so that the files are identical from one run to the next.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

SHP_KELURAHAN = ("Ampenan Selatan", "Ampenan Tengah", "Bintaro")
KMZ_KELURAHAN = ("Tanjung Karang", "Tanjung Karang Permai", "Jempong Baru")
SIM_KELURAHAN = ("Dayan Peken", "Karang Taliwang", "Kekalik Jaya", "Pejeruk", "Taman Sari")
SHORT_LEVEL = {"kumuh berat": "Berat", "kumuh sedang": "Sedang", "kumuh ringan": "Ringan"}


def _units() -> tuple[pd.DataFrame, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = kg.datasets.load_units()
    return units, kg.assess(units)


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


# ---------------------------------------------------------------- Shapefile


def write_shapefile(units: pd.DataFrame, assessed: pd.DataFrame, path: Path) -> None:
    pick = units["kelurahan"].isin(SHP_KELURAHAN).to_numpy()
    src, lev = units[pick], assessed[pick]
    codes = get_ruleset().codes
    table = pd.DataFrame(
        {
            "ID_RT": src["unit_id"],
            "KELURAHAN": src["kelurahan"],
            "KECAMATAN": src["kecamatan"],
            "KOTA_KAB": src["kota"],
            "LUAS_HA": src["area_ha"],
            # Long names, cut to ten characters by the Shapefile format when written.
            "jumlah_bangunan": src["buildings"],
            "JUMLAH_KK": src["households"],
            "jumlah_jiwa": src["penduduk"],
            "panjang_jalan": src["road_length_m"],
            "panjang_drainase": src["drain_length_m"],
            **{f"K{c.upper()}": src[c] for c in codes},
            "tingkat_kekumuhan": lev["level"].astype(str).str.title(),
        }
    )
    frame = gpd.GeoDataFrame(table, geometry=src.geometry.to_numpy(), crs=units.crs)
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "rt_kumuh_mataram.shp"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL says it cuts the long names
            frame.to_file(shp, engine="pyogrio", encoding="UTF-8")
        members = {
            f"data/rt/{p.name}": p.read_bytes()
            for p in sorted(Path(tmp).iterdir())
            if p.suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg")
        }
    members["data/BACA_SAYA.txt"] = (
        b"RT kumuh Kota Mataram (contoh sintetis dari kotaku_gis). Sistem koordinat: WGS 84.\n"
    )
    _zip(path, members)


# ---------------------------------------------------------------- KMZ


def _ring(coords: np.ndarray) -> str:
    return " ".join(f"{float(x)!r},{float(y)!r},0" for x, y in coords)


def _polygon_kml(geom: shapely.Polygon) -> str:
    inner = "".join(
        f"<innerBoundaryIs><LinearRing><coordinates>{_ring(np.asarray(r.coords))}"
        "</coordinates></LinearRing></innerBoundaryIs>"
        for r in geom.interiors
    )
    return (
        "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
        f"{_ring(np.asarray(geom.exterior.coords))}</coordinates></LinearRing>"
        f"</outerBoundaryIs>{inner}</Polygon>"
    )


def _geometry_kml(geom: shapely.Geometry) -> str:
    if geom.geom_type == "Polygon":
        return _polygon_kml(geom)
    return "<MultiGeometry>" + "".join(_polygon_kml(g) for g in geom.geoms) + "</MultiGeometry>"


def write_kmz(units: pd.DataFrame, assessed: pd.DataFrame, path: Path) -> None:
    pick = units["kelurahan"].isin(KMZ_KELURAHAN).to_numpy()
    pick = pick & (assessed["level"].astype(str) != "tidak kumuh").to_numpy()
    src, lev = units[pick], assessed[pick]
    folders = []
    for level, short in SHORT_LEVEL.items():
        rows = (lev["level"].astype(str) == level).to_numpy()
        marks = []
        for (_, unit), geom in zip(src[rows].iterrows(), src.geometry[rows], strict=True):
            luas = f"{unit['area_ha']:.2f}".replace(".", ",")
            marks.append(
                f"<Placemark><name>RT {escape(unit['rt'])} {escape(unit['kelurahan'])}</name>"
                f"<description>RW {escape(unit['rw'])} RT {escape(unit['rt'])}</description>"
                '<ExtendedData><SchemaData schemaUrl="#kumuh">'
                f'<SimpleData name="Status">{short}</SimpleData>'
                f'<SimpleData name="KELURAHAN">{escape(unit["kelurahan"])}</SimpleData>'
                f'<SimpleData name="KECAMATAN">{escape(unit["kecamatan"])}</SimpleData>'
                f'<SimpleData name="LUAS">{luas}</SimpleData>'
                "</SchemaData></ExtendedData>"
                f"{_geometry_kml(geom)}</Placemark>"
            )
        folders.append(f"<Folder><name>Kumuh {short}</name>{''.join(marks)}</Folder>")
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<name>Permukiman Kumuh Kota Mataram</name>"
        '<Schema name="kumuh" id="kumuh">'
        '<SimpleField name="Status" type="string"/>'
        '<SimpleField name="KELURAHAN" type="string"/>'
        '<SimpleField name="KECAMATAN" type="string"/>'
        '<SimpleField name="LUAS" type="string"/>'
        "</Schema>" + "".join(folders) + "</Document></kml>\n"
    )
    _zip(path, {"doc.kml": kml.encode("utf-8")})


# ---------------------------------------------------------------- Excel baseline


def _indonesian(value: float, decimals: int) -> str:
    """A number as an Indonesian spreadsheet shows it typed as text: "1.234,5"."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def write_workbook(units: pd.DataFrame, path: Path, rng: np.random.Generator) -> None:
    src = units[units["unit_level"] == "kawasan"]
    codes = get_ruleset().codes
    headers = [
        "No", "Kabupaten/Kota", "Kecamatan", "Kode Kawasan", "Nama Kawasan",
        "Luas Verifikasi (Ha)", "Jumlah Bangunan", "Jumlah KK", "Jumlah Jiwa",
        "Panjang Jalan Ideal (m)", "Panjang Drainase Ideal (m)",
        *[f"{c[0]}.{c[1]}" for c in codes], "Keterangan",
    ]  # fmt: skip
    count_columns = ["buildings", "households", "penduduk", "road_length_m", "drain_length_m"]
    count_columns += [c.code for c in get_ruleset().criteria]
    count_units = {"buildings", "households"}
    counts = {k for k, c in enumerate(["area_ha", *count_columns])
              if c in ("buildings", "households", "penduduk")
              or (len(c) == 2 and get_ruleset().criterion(c).unit in count_units)}  # fmt: skip
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for kota, part in src.groupby("kota", sort=False):
        ws = wb.create_sheet(kota.replace("Kabupaten ", "Kab. ")[:31])
        ws.append([f"DATA BASELINE KAWASAN KUMUH {kota.upper()}"])
        ws.append(["Provinsi Nusa Tenggara Barat, verifikasi 2023"])
        ws.append([])
        ws.append(headers)
        for i, (_, u) in enumerate(part.iterrows(), start=1):
            row = [i, kota, u["kecamatan"], u["unit_id"], u["nama_kawasan"]]
            numbers = [u["area_ha"], u["buildings"], u["households"], u["penduduk"],
                       u["road_length_m"], u["drain_length_m"], *[u[c] for c in codes]]  # fmt: skip
            for k, value in enumerate(numbers):
                # Some teams type numbers as text, with Indonesian separators: areas with a
                # decimal comma, counts with a thousands point.
                if k == 0 and (i == 1 or rng.random() < 0.3):
                    row.append(_indonesian(float(value), 2))
                elif k in counts and rng.random() < 0.15:
                    row.append(_indonesian(float(value), 0))
                else:
                    row.append(value)
            row.append("verifikasi lapangan" if rng.random() < 0.2 else None)
            ws.append(row)
        ws.append([None, "Jumlah", None, None, None, round(float(part["area_ha"].sum()), 2)])
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp) / "book.xlsx"
        wb.save(tmp_path)
        # Rewrite the zip with fixed timestamps: the same sample gives the same bytes.
        with zipfile.ZipFile(tmp_path) as archive:
            members = {n: archive.read(n) for n in archive.namelist()}
    stamp = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    members["docProps/core.xml"] = stamp.sub(b"2024-01-01T00:00:00Z", members["docProps/core.xml"])
    _zip(path, members)


# ---------------------------------------------------------------- SIM KOTAKU profile


def write_sim_profile(units: pd.DataFrame, assessed: pd.DataFrame, path: Path) -> None:
    pick = units["kelurahan"].isin(SIM_KELURAHAN).to_numpy()
    src, lev = units[pick], assessed[pick]
    rs = get_ruleset()
    table = pd.DataFrame(
        {
            "kode_kel": src["kode_kelurahan"],
            "nama_kel": src["kelurahan"],
            "rw": src["rw"],
            "rt": src["rt"],
            "luas_kumuh": src["area_ha"],
        }
    )
    letters = {c.code: c.reference.replace(".", "_") for c in rs.criteria}
    for d, (aspect, codes) in enumerate(rs.aspects.items(), start=1):
        pct = np.column_stack([lev[f"pct_{c}"].to_numpy(dtype=float) for c in codes])
        for j, code in enumerate(codes):
            table[f"k{letters[code]}_p"] = pct[:, j]
        # SIM KOTAKU's profile counts a criterion under 25 % as 0 in its aspect's average.
        table[f"k{d}_p"] = round_half_up(np.where(pct >= 25, pct, 0.0).mean(axis=1))
        assert aspect == rs.criteria[[c.code for c in rs.criteria].index(codes[0])].aspect
    table["total_nilai"] = lev["total_score"].to_numpy()
    table["tingkat_kekumuhan"] = lev["level"].astype(str).str.upper().to_numpy()
    text = table.to_csv(sep=";", index=False, decimal=",", float_format="%.2f", lineterminator="\n")
    path.write_text(text, encoding="utf-8")


#: The files written, in order.
FILES = (
    "mataram_rt_shapefile.zip", "mataram_kumuh.kmz", "ntb_kawasan_baseline.xlsx",
    "mataram_sim_profile.csv",
)  # fmt: skip


def main(out: Path = DATA) -> list[Path]:
    """Write the four files into ``out``; return their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    units, assessed = _units()
    rng = np.random.default_rng(SEED)
    paths = [out / name for name in FILES]
    write_shapefile(units, assessed, paths[0])
    write_kmz(units, assessed, paths[1])
    write_workbook(units, paths[2], rng)
    write_sim_profile(units, assessed, paths[3])
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA, help="folder to write into")
    for path in main(parser.parse_args().out):
        print(f"{path}: {path.stat().st_size / 1024:.0f} KB")
