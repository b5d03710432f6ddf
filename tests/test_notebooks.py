"""The example notebooks run from top to bottom on the bundled sample, without network, and
leave the repository as it was.

Each notebook runs once per session in a fresh kernel (ipykernel of this interpreter) from the
``notebooks/`` folder, as a planner would run it (tests/notebook_runs.py); the files it writes
must go to a temporary folder, so ``git status`` is the same before and after. The repository
is put on the kernel's PYTHONPATH so that the package need not be installed.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from notebook_runs import errors, git_status

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


def _skip_reason(name: str) -> str | None:
    missing = [m for m in NEEDS[name] if importlib.util.find_spec(m) is None]
    if missing:
        return f"{name} needs {missing}, which do not exist yet"
    import kotaku_gis as kg

    absent = [d for d in DATASETS.get(name, ()) if d not in kg.datasets.available]
    if absent:
        return f"{name} needs the sample datasets {absent}, not yet in kg.datasets"
    return None


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_notebook_runs(name: str, notebook_runs) -> None:
    reason = _skip_reason(name)
    if reason:
        pytest.skip(reason)
    nb = notebook_runs.run(name)
    assert not errors(nb)


def test_files_go_to_a_temporary_folder_not_beside_the_notebook() -> None:
    for name in NEEDS:
        source = "\n".join(
            "".join(c["source"])
            for c in json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        )
        writes = re.findall(r"(?:save_map|write_\w+|plot_\w+|\.write)\(([^)]*)\)", source)
        for args in writes:
            # Every file a notebook writes is named under ``out``, a tempfile.mkdtemp folder.
            paths = re.findall(r"[\"'][^\"']+\.(?:html|png|xlsx|tif|gpkg|csv)[\"']", args)
            assert not paths or "out /" in args, (name, args)
        if writes:
            assert "tempfile.mkdtemp(" in source, name


def test_running_them_leaves_the_repository_clean(notebook_runs) -> None:
    before = notebook_runs.status_before
    if before is None:
        pytest.skip("not a git checkout (or no git): cannot compare git status")
    ran = [name for name in sorted(NEEDS) if _skip_reason(name) is None]
    for name in ran:
        notebook_runs.run(name)
    assert ran
    assert git_status() == before, "running the notebooks changed the repository"
