"""Self-contained maps: the JavaScript and CSS that folium loads from CDNs, inlined.

A folium map is an HTML page that fetches Leaflet, jQuery, Bootstrap and plugins from CDNs;
opened without network it is blank ("L is not defined"). The exact versions folium 0.20 uses
are vendored under ``assets/`` with their licences (fetched from the npm registry by
``scripts/vendor_map_assets.py``; ``assets/manifest.json`` maps each CDN address to its file).
Here the ``<script src>`` and ``<link href>`` tags of a rendered map are replaced by inline
``<script>`` and ``<style>`` blocks, images named by the stylesheets become data URIs, and a
map opened offline shows every layer; only the basemap tiles are missing.

Use :func:`save_map` to write a map file (atomically), :func:`map_html` for the HTML text, or
:func:`make_offline` so that ``m.save()`` and the notebook display are self-contained too.
"""

from __future__ import annotations

import base64
import json
import os
import re
import warnings
from functools import cache
from pathlib import Path

import folium
from branca.element import Figure

from ..io import atomic_path

__all__ = ["OfflineFigure", "asset_text", "inline_assets", "make_offline", "map_html", "save_map"]

ASSETS = Path(__file__).resolve().parent / "assets"

_SCRIPT = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_LINK = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/?>')
_CSS_URL = re.compile(r"""url\((?P<q>['"]?)(?P<ref>[^'")]+)(?P=q)\)""")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


@cache
def _manifest() -> dict:
    return json.loads((ASSETS / "manifest.json").read_text(encoding="utf-8"))


@cache
def asset_text(relative: str) -> str:
    """Text of a file under ``kotaku_gis/maps/assets`` (cached).

    Examples
    --------
    >>> from kotaku_gis.maps.offline import asset_text
    >>> "Leaflet" in asset_text("leaflet-1.9.3/leaflet.js")[:300]
    True
    """
    return (ASSETS / relative).read_text(encoding="utf-8")


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


@cache
def _inline_css(relative: str) -> str:
    folder = (ASSETS / relative).parent

    def _embed(match: re.Match) -> str:
        ref = match.group("ref")
        target = folder / ref
        if ref.startswith(("data:", "#")) or not target.is_file():
            return match.group(0)
        return f'url("{_data_uri(target)}")'

    css = _CSS_URL.sub(_embed, asset_text(relative))
    return "<style>\n" + css.replace("</style", "<\\/style") + "\n</style>"


@cache
def _leaflet_icons() -> str:
    # Leaflet finds its default marker images through a CSS url() it cannot parse once that
    # is a data URI; give it the images directly.
    images = ASSETS / "leaflet-1.9.3" / "images"
    options = {
        "iconUrl": _data_uri(images / "marker-icon.png"),
        "iconRetinaUrl": _data_uri(images / "marker-icon-2x.png"),
        "shadowUrl": _data_uri(images / "marker-shadow.png"),
    }
    return (
        '<script>L.Icon.Default.imagePath = "";'
        f"L.Icon.Default.mergeOptions({json.dumps(options)});</script>"
    )


@cache
def _inline_js(relative: str) -> str:
    # "</script" would end the inline block early; "<\/script" means the same to JavaScript.
    code = asset_text(relative).replace("</script", "<\\/script")
    block = f"<script>\n{code}\n</script>"
    if relative.startswith("leaflet-1.9.3/"):
        block += _leaflet_icons()
    return block


def inline_assets(html: str) -> str:
    """Replace the CDN ``<script>`` and stylesheet links of a folium page by inline copies.

    Links to the vendored files (``assets/manifest.json``) are inlined; the two folium
    stylesheets that are not vendored (icon fonts that kotaku_gis maps do not use) are
    dropped; any other external address is left in place with a warning, since that plugin
    will still need the network.

    Examples
    --------
    >>> import folium
    >>> from kotaku_gis.maps.offline import inline_assets
    >>> page = inline_assets(folium.Map(tiles=None).get_root().render())
    >>> "<script src=" in page, "L.map(" in page
    (False, True)
    """
    manifest = _manifest()
    urls, omitted = manifest["urls"], manifest["omitted"]
    unknown: list[str] = []

    def _script(match: re.Match) -> str:
        url = match.group("url")
        if url in urls:
            return _inline_js(urls[url])
        if url.startswith(("http://", "https://", "//")):
            unknown.append(url)
        return match.group(0)

    def _link(match: re.Match) -> str:
        url = match.group("url")
        if url in urls:
            return _inline_css(urls[url])
        if url in omitted:
            return ""
        if url.startswith(("http://", "https://", "//")):
            unknown.append(url)
        return match.group(0)

    out = _LINK.sub(_link, _SCRIPT.sub(_script, html))
    if unknown:
        warnings.warn(
            "these map resources are not vendored in kotaku_gis and still load from the "
            f"network: {unknown}. The map will miss them offline; vendor them in "
            "scripts/vendor_map_assets.py or leave out the plugin that needs them.",
            UserWarning,
            stacklevel=3,
        )
    return out


class OfflineFigure(Figure):
    """A branca Figure whose rendered page has its CDN assets inlined."""

    def render(self, **kwargs) -> str:
        """Render the page, then inline the vendored assets (see :func:`inline_assets`)."""
        return inline_assets(super().render(**kwargs))


def make_offline(m: folium.Map) -> folium.Map:
    """Make ``m`` render self-contained: ``m.save()``, notebooks and :func:`map_html`.

    The map is moved into an :class:`OfflineFigure` (of the same size and title); it is
    returned for chaining.

    Examples
    --------
    >>> import folium
    >>> from kotaku_gis.maps.offline import make_offline
    >>> m = make_offline(folium.Map(tiles=None))
    >>> "cdn.jsdelivr" in m.get_root().render()
    False
    """
    old = m.get_root()
    if isinstance(old, OfflineFigure):
        return m
    fig = OfflineFigure()
    if isinstance(old, Figure):
        fig.width, fig.height, fig.ratio, fig.title = old.width, old.height, old.ratio, old.title
    fig.add_child(m)
    return m


def map_html(m: folium.Map, *, offline: bool = True) -> str:
    """The complete HTML page of a map, self-contained when ``offline``.

    Examples
    --------
    >>> import folium
    >>> from kotaku_gis.maps.offline import map_html
    >>> "https://cdn" in map_html(folium.Map(tiles=None))
    False
    """
    root = m.get_root()
    # the plain Figure render, whichever figure holds the map, then inline once if asked
    html = Figure.render(root) if isinstance(root, Figure) else root.render()
    return inline_assets(html) if offline else html


def save_map(m: folium.Map, path: str | os.PathLike, *, offline: bool = True) -> Path:
    """Write a map to an HTML file, self-contained when ``offline`` (the default).

    The file is written to a temporary file in the same folder and moved into place, so a
    reader never sees half a map. Folders are created as needed. An index map of
    :func:`kotaku_gis.map_units` (a national layer split per kota) is written with its
    per-kota maps beside it, ``<name>_<kota>.html``, each drawn and written in turn.

    Parameters
    ----------
    m : folium.Map
        Any folium map, e.g. from :func:`kotaku_gis.map_units`.
    path : str or path-like
        The HTML file to write.
    offline : bool, default True
        Inline Leaflet, its plugins and their stylesheets so the map works without network
        (basemap tiles excepted). ``False`` keeps folium's CDN links: a smaller file that
        needs the network.

    Returns
    -------
    Path
        The path written (the index, for a split map).

    Examples
    --------
    >>> import folium, tempfile, pathlib
    >>> from kotaku_gis.maps.offline import save_map
    >>> out = save_map(folium.Map(tiles=None), pathlib.Path(tempfile.mkdtemp()) / "map.html")
    >>> "<script src=" in out.read_text(encoding="utf-8")
    False
    """
    html = map_html(m, offline=offline)
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    for page in getattr(m, "kotaku_pages", ()):
        target = path.with_name(f"{path.stem}_{page.slug}{path.suffix}")
        text = map_html(page.build(), offline=offline)
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return path
