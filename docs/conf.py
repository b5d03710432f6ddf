"""Sphinx configuration of the kotaku_gis documentation (see README.md beside this file).

Build it, warnings as errors, from the repository root::

    .venv/bin/python -m sphinx -W --keep-going -n -b html docs docs/_build/html

It builds offline: no intersphinx, no fonts or scripts from elsewhere. The notebooks of
``notebooks/`` (linked into ``examples/``) run during the build, each in a temporary folder,
and their outputs are cached in ``docs/_build/.jupyter_cache`` (``nb_execution_mode``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
# The site is in English: so is the command's help it shows (the command speaks Indonesian
# unless KOTAKU_GIS_LANG says otherwise).
os.environ.setdefault("KOTAKU_GIS_LANG", "en")

import kotaku_gis  # noqa: E402

project = "kotaku_gis"
author = "kotaku_gis contributors"
copyright = "kotaku_gis contributors"
release = version = kotaku_gis.__version__

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "myst_nb",
    "kotaku_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "**.ipynb_checkpoints", "_data", "_ext"]
templates_path: list[str] = []
language = "en"

# Every cross-reference must resolve (sphinx-build -n): names of other libraries, which this
# offline build cannot link, are ignored by pattern below; a broken link to a page or to a
# name of kotaku_gis is an error.
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:.*",
        r"(pd|pandas|gpd|geopandas|np|numpy|shapely|pyproj|rasterio|folium|matplotlib"
        r"|openpyxl|sqlalchemy|psycopg|dask|dask_geopandas|distributed|highspy|typer"
        r"|os|pathlib|collections|typing|datetime|decimal|io|re)(\..*)?",
    ),
    (
        r"py:class",
        r"(array-like|array_like|optional|default.*|callable|iterable.*|sequence.*"
        r"|mapping.*|path.*|str|int|float|bool|dict|list|tuple|set|None|object"
        r"|Any|Path|PathLike|DataFrame|GeoDataFrame|Series|GeoSeries|Index"
        r"|ndarray|Map|Figure|Axes|CRS|DatasetReader|Engine|Literal.*|\{.*|.*\})",
    ),
]

# numpydoc: the docstrings are numpydoc; members are documented by autodoc.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_default_options = {"exclude-members": "__init__, __new__"}

# myst-nb: the notebooks run in a temporary folder; an error in a cell stops the build.
nb_execution_mode = "cache"
nb_execution_cache_path = str(HERE / "_build" / ".jupyter_cache")
nb_execution_in_temp = True
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = f"kotaku_gis {release}"
html_static_path = ["_static"]
html_css_files = ["kotaku.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
html_last_updated_fmt = None
