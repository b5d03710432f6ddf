"""The example notebooks run from top to bottom on the bundled sample, without network.

Each notebook runs in a fresh kernel (ipykernel of this interpreter) in a temporary folder,
so the files it writes land there; the repository is put on the kernel's PYTHONPATH so that
the package need not be installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

# Modules each notebook needs beyond the core; a notebook is skipped only while one is missing.
NEEDS: dict[str, tuple[str, ...]] = {
    "01_city_baseline.ipynb": ("kotaku_gis.scoring", "kotaku_gis.ledger", "kotaku_gis.maps"),
    "02_overlay_remaining.ipynb": ("kotaku_gis.overlay", "kotaku_gis.maps"),
    "03_province_ledger.ipynb": ("kotaku_gis.allocation", "kotaku_gis.ledger"),
    "04_rasters.ipynb": ("kotaku_gis.raster",),
    "05_reading_your_own_data.ipynb": ("kotaku_gis.columns",),
    "06_merencanakan_dengan_anggaran.ipynb": ("kotaku_gis.planning", "kotaku_gis.maps"),
}

#: Bundled datasets (kg.datasets.get_path names) a notebook reads besides "ntb_sample".
DATASETS: dict[str, tuple[str, ...]] = {
    "04_rasters.ipynb": ("mataram_flood_depth", "mataram_population"),
    "05_reading_your_own_data.ipynb": (
        "mataram_rt_shapefile",
        "mataram_kumuh_kmz",
        "ntb_kawasan_baseline",
        "mataram_sim_profile",
    ),
    "06_merencanakan_dengan_anggaran.ipynb": ("ntb_candidates",),
}


def test_every_notebook_is_listed() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NEEDS)


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_committed_without_outputs(name: str) -> None:
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_notebook_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = [m for m in NEEDS[name] if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{name} needs {missing}, which do not exist yet")
    import kotaku_gis as kg

    absent = [d for d in DATASETS.get(name, ()) if d not in kg.datasets.available]
    if absent:
        pytest.skip(f"{name} needs the sample datasets {absent}, not yet in kg.datasets")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    )
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    # jupyter_client starts the "python3" kernel with this interpreter (sys.executable).
    client.execute()
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors
