"""Interactive maps for meetings and reports: :func:`map_units`, saved self-contained.

``map_units`` draws slum levels before and after works, per-aspect or per-criterion scores,
intervention sites by category and the unserved parts of the units; ``save_map`` writes any
folium map as one HTML file that works without network (basemap tiles excepted).

Examples
--------
>>> import kotaku_gis as kg
>>> callable(kg.map_units) and callable(kg.save_map)
True
"""

from __future__ import annotations

from .offline import make_offline, map_html, save_map
from .units import VIEWS, map_units

__all__ = ["VIEWS", "make_offline", "map_html", "map_units", "save_map"]
