"""Run the example notebooks once per test session, for tests/test_notebooks.py and
tests/test_docs.py (which renders them with their outputs).

Each notebook runs in a fresh kernel of this interpreter, from the ``notebooks/`` folder (as a
planner opening Jupyter there would run it), with ``TMPDIR`` pointing into the test's
temporary folder: a notebook that wrote beside itself would leave files in the repository,
which tests/test_notebooks.py checks with ``git status``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def git_status() -> str | None:
    """``git status --porcelain`` of the repository (untracked files listed one by one), or
    None when there is no git or no repository."""
    if shutil.which("git") is None:
        return None
    result = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return result.stdout if result.returncode == 0 else None


class NotebookRuns:
    """Executed notebooks by name, each run at most once."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.status_before = git_status()
        self.results: dict[str, tuple[Any, float]] = {}

    def run(self, name: str) -> Any:
        """The executed notebook (``nbformat.NotebookNode``) ``name`` of ``notebooks/``."""
        if name not in self.results:
            import time

            nbclient = pytest.importorskip("nbclient")
            nbformat = pytest.importorskip("nbformat")
            pytest.importorskip("ipykernel")
            temp = self.tmp / Path(name).stem
            temp.mkdir(parents=True, exist_ok=True)
            nb = nbformat.read(NOTEBOOKS / name, as_version=4)
            start = time.perf_counter()
            with pytest.MonkeyPatch.context() as mp:
                path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
                mp.setenv("PYTHONPATH", path)
                mp.setenv("MPLBACKEND", "Agg")
                mp.setenv("TMPDIR", str(temp))
                client = nbclient.NotebookClient(
                    nb, timeout=300, kernel_name="python3",
                    resources={"metadata": {"path": str(NOTEBOOKS)}},
                )  # fmt: skip
                # jupyter_client starts the "python3" kernel with this interpreter.
                client.execute()
            self.results[name] = (nb, time.perf_counter() - start)
        return self.results[name][0]

    def seconds(self, name: str) -> float:
        return self.results[name][1]


def errors(nb: Any) -> list[Any]:
    """The error outputs of an executed notebook."""
    return [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
