"""The documentation site builds offline with warnings as errors, every reference inside it
resolving (``sphinx-build -W -n``), and its pages render in headless Chromium without errors.

The site is built from a copy of ``docs/`` in a temporary folder, with the example notebooks
already executed by tests/notebook_runs.py (they run once per test session, for this test
and tests/test_notebooks.py alike), so the build itself executes nothing
(``nb_execution_mode=off``) and writes nothing into the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kotaku_gis as kg

pytest.importorskip("sphinx", reason="the docs extra is not installed: pip install -e '.[docs]'")
pytest.importorskip("pydata_sphinx_theme")
pytest.importorskip("numpydoc")
pytest.importorskip("myst_nb")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory, notebook_runs) -> dict:
    """Build the site once: its folder, the build's output and how long each part took."""
    tmp = tmp_path_factory.mktemp("docs")
    source = tmp / "src"
    # A copy with the links into notebooks/ resolved into files, then replaced by the
    # executed notebooks.
    shutil.copytree(DOCS, source, symlinks=False, ignore=shutil.ignore_patterns("_build"))
    start = time.perf_counter()
    for name in NOTEBOOKS:
        nbformat.write(notebook_runs.run(name), source / "examples" / name)
    executed_s = time.perf_counter() - start
    out = tmp / "html"
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-b", "html", "-q",
         "-D", "nb_execution_mode=off", str(source), str(out)],
        capture_output=True, text=True, check=False, env={**os.environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    return {
        "out": out,
        "source": source,
        "result": result,
        "build_s": time.perf_counter() - start,
        "executed_s": executed_s,
    }


def test_builds_with_warnings_as_errors_and_every_reference_resolved(site):
    result = site["result"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    out = site["out"]
    for page in (
        "index.html", "getting-started.html", "guide/index.html", "guide/scoring.html",
        "postgis.html", "reference/regulation.html", "reference/catalogue.html",
        "reference/columns.html", "reference/glossary.html", "reference/cli.html",
        "api/index.html", "examples/index.html",
    ):  # fmt: skip
        assert (out / page).is_file(), page
    print(f"docs build: {site['build_s']:.1f} s (notebooks executed: {site['executed_s']:.1f} s)")


def test_a_broken_reference_fails_the_build(tmp_path):
    """-n and the resolver of docs/_ext: a name of kotaku_gis that does not exist, or a page
    that does not exist, is an error; a name that exists (public, or internal shown as code)
    is not."""
    source = tmp_path / "src"
    shutil.copytree(DOCS, source, symlinks=False, ignore=shutil.ignore_patterns("_build"))
    with (source / "guide" / "scale.md").open("a", encoding="utf-8") as f:
        f.write(
            "\nSee {func}`kotaku_gis.no_such_function`, {doc}`/no/such/page`, "
            "{func}`kotaku_gis.assess` and {data}`kotaku_gis.workbook.R0_HEADERS`.\n"
        )
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-b", "dummy", "-q",
         "-D", "nb_execution_mode=off", str(source), str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 2, result.stderr
    assert "kotaku_gis.no_such_function" in warnings[0] and "/no/such/page" in warnings[1]


def _text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_every_public_name_has_its_page_from_its_docstring(site):
    out = site["out"] / "api" / "generated"
    names = [n for n in kg.__all__ if not n.startswith("_")]
    pages = {p.name for p in out.glob("*.html")}
    assert pages == {f"kotaku_gis.{n}.html" for n in names}
    read_units = _text(out / "kotaku_gis.read_units.html")
    assert "Read, repair and validate assessment units" in read_units
    assert "Parameters" in read_units and "Examples" in read_units
    index = _text(site["out"] / "api" / "index.html")
    for name in names:
        assert f"kotaku_gis.{name}.html" in (site["out"] / "api" / "index.html").read_text(), name
    assert "Read and validate" in index and "Planning with a budget" in index


def test_generated_tables_say_what_the_package_does(site):
    out = site["out"] / "reference"
    regulation = _text(out / "regulation.html")
    for rs in kg.RULESETS.values():
        for criterion in rs.criteria:
            assert criterion.name_id in regulation, criterion
    # 2018: 60-80 berat, 38-59 sedang, 16-37 ringan; 2016: 71-95, 45-70, 19-44.
    for band in ("60 to 80 kumuh berat", "38 to 59 kumuh sedang", "16 to 37 kumuh ringan",
                 "under 16 tidak kumuh", "71 to 95 kumuh berat", "19 to 44 kumuh ringan",
                 "76 % to 100 % 5", "51 % to under 76 % 3", "under 25 % 0"):  # fmt: skip
        assert band in regulation, band
    catalogue = _text(out / "catalogue.html")
    for key, kind in kg.INTERVENTION_KINDS.items():
        assert key in catalogue and kind.name.split(" (")[0] in catalogue, key
    assert "SNI 03-1733-2004" in catalogue and "200 people" in catalogue
    columns = _text(out / "columns.html")
    assert "Luas Verifikasi (Ha)" in columns and "jumlah kepala keluarga (KK)" in columns
    glossary = _text(out / "glossary.html")
    for term in ("luas kumuh", "sisa luas kumuh", "terlayani", "belum terlayani",
                 "belum dinilai", "kontribusi penanganan", "pola penanganan"):  # fmt: skip
        assert term in glossary, term
    cli = _text(out / "cli.html")
    for command in ("demo", "run", "plan", "validate", "reconcile", "columns", "template"):
        assert f"kotaku-gis {command}" in cli, command
    assert "the latest year among the works" in cli


def test_notebooks_appear_with_their_outputs(site):
    out = site["out"] / "examples"
    for name in NOTEBOOKS:
        page = out / name.replace(".ipynb", ".html")
        assert page.is_file(), name
        html = page.read_text(encoding="utf-8")
        assert 'class="cell_output' in html, f"{name} shows no outputs"
    ledger = _text(out / "03_province_ledger.html")
    assert "-105.59" in ledger  # the reconciled gap printed by the notebook
    assert list((site["out"] / "_images").glob("*.png")), "no chart rendered"


def test_the_site_loads_nothing_from_elsewhere(site):
    for page in ("index.html", "api/index.html", "reference/regulation.html"):
        html = (site["out"] / page).read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", html):
            assert not re.search(r"(?:src|href)=\"(?:https?:)?//", tag), (page, tag)


# ---------------------------------------------------------------- in a browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.mark.browser
def test_pages_render_in_headless_chromium_without_errors(site):
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install it with `sudo bash .ci/browser-setup.sh`")
    sync_api = pytest.importorskip("playwright.sync_api")
    assert site["result"].returncode == 0
    shots = Path(os.environ.get("KOTAKU_ARTIFACTS", site["out"].parent / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    pages = {
        "front": "index.html",
        "api": "api/generated/kotaku_gis.read_units.html",
        "notebook": "examples/03_province_ledger.html",
    }
    seen: dict[str, dict] = {}
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        context.route("http*://**/*", lambda route: route.abort())
        for key, page_path in pages.items():
            page = context.new_page()
            errors: list[str] = []
            failed: list[str] = []
            page.on("pageerror", lambda err, errors=errors: errors.append(str(err)))
            page.on(
                "requestfailed",
                lambda req, failed=failed: failed.append(req.url)
                if req.url.startswith("file:") else None,
            )  # fmt: skip
            page.goto((site["out"] / page_path).as_uri(), wait_until="load")
            seen[key] = {
                "errors": errors,
                "failed": failed,
                "title": page.title(),
                "h1": page.locator("h1").first.inner_text(),
                "nav": page.locator("nav a").count(),
            }
            page.screenshot(path=str(shots / f"docs_{key}.png"), full_page=False)
            page.close()
        browser.close()
    for key, info in seen.items():
        assert info["errors"] == [], (key, info["errors"])
        assert info["failed"] == [], (key, info["failed"])  # every local file it asks for exists
        assert info["nav"] > 5, key
    assert seen["front"]["h1"].startswith("kotaku_gis")
    assert seen["api"]["h1"].startswith("kotaku_gis.read_units")
    assert seen["notebook"]["h1"].startswith("3. The province ledger")
    assert (shots / "docs_front.png").stat().st_size > 10_000
