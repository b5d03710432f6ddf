"""Shared test set-up: the repository on sys.path, the example notebooks run once."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# The command's texts and help are read in English by the tests that quote them (the command
# speaks Indonesian when the variable is unset; tests/test_outputs_agree.py runs both).
os.environ.setdefault("KOTAKU_GIS_LANG", "en")


@pytest.fixture(scope="session")
def notebook_runs(tmp_path_factory):
    """The example notebooks, each executed once per session (tests/notebook_runs.py)."""
    from notebook_runs import NotebookRuns

    return NotebookRuns(tmp_path_factory.mktemp("notebook_runs"))
