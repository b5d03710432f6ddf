"""folium elements for kotaku_gis maps: unit data and views, summaries, boundaries, sites, controls.

Unit geometry is written once per map (:class:`UnitData`) and drawn by any number of views
(:class:`UnitView`), so twenty views of 10,000 units cost one copy of the polygons. The
browser side lives in ``assets/kotaku/kotaku_map.js``, inlined into every map (it is the
project's own code; no CDN). All data strings reach these elements already HTML-escaped, and
:func:`to_js` escapes ``<``, ``>`` and ``&`` so that nothing in the data can close a
``<script>`` block.
"""

from __future__ import annotations

import json
from typing import Any

from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer, LayerControl
from folium.plugins import MarkerCluster
from folium.template import Template

from .offline import asset_text

__all__ = [
    "Basemaps",
    "BoundaryLayer",
    "FitView",
    "GroupedLayerControl",
    "Legend",
    "SiteLayer",
    "SummaryLayer",
    "Title",
    "UnitData",
    "UnitView",
    "to_js",
]

_SCRIPT_SAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def to_js(value: Any) -> str:
    """JSON for a ``<script>`` block: compact, NaN as null, ``<``, ``>``, ``&`` escaped.

    Examples
    --------
    >>> from kotaku_gis.maps.layers import to_js
    >>> to_js({"a": "</script>", "b": float("nan")})
    '{"a":"\\\\u003c/script\\\\u003e","b":null}'
    """
    text = json.dumps(_nan_to_none(value), ensure_ascii=False, separators=(",", ":"))
    for char, code in _SCRIPT_SAFE.items():
        text = text.replace(char, code)
    return text


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value else value
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nan_to_none(v) for v in value]
    return value


class _KotakuScript(MacroElement):
    """Puts kotaku_map.js and its stylesheet (inline) into the page header once."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if isinstance(figure, Figure):
            figure.header.add_child(
                Element("<style>\n" + asset_text("kotaku/kotaku_map.css") + "</style>"),
                name="kotaku_map_css",
            )
            figure.header.add_child(
                Element("<script>\n" + asset_text("kotaku/kotaku_map.js") + "</script>"),
                name="kotaku_map_js",
            )
        super().render(**kwargs)


class UnitData(_KotakuScript):
    """The units of a map, written once: packed geometry, escaped texts, value columns.

    ``payload`` is the JSON text made by :func:`kotaku_gis.maps.units` (keys ``geom``,
    ``id``, ``sub``, ``cols``, ``info``, ``crit``, ``t``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = {{ this.payload }};
        {% endmacro %}
        """
    )

    def __init__(self, payload: str) -> None:
        super().__init__()
        self._name = "UnitData"
        self.payload = payload


class UnitView(Layer):
    """One thematic view of :class:`UnitData`: a layer the layer control can switch.

    ``view`` holds ``col`` (the value column, or None for plain outlines), ``values`` (the
    value of each class) or ``breaks`` (upper bound of each class), ``colors``, ``labels``,
    ``title``, optional ``unit`` (tooltip shows the value with this suffix), and the line
    style ``line``, ``weight``, ``opacity``, ``dash``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = kotaku.units(
                {{ this.data.get_name() }}, {{ this.view_js }}
            );
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: UnitData,
        view: dict[str, Any],
        *,
        name: str,
        overlay: bool = False,
        show: bool = False,
    ) -> None:
        super().__init__(name=name, overlay=overlay, control=True, show=show)
        self._name = "UnitView"
        self.data = data
        self.view = view
        self.view_js = to_js(view)


class _PayloadLayer(_KotakuScript, Layer):
    """A layer drawn by one function of the page's ``kotaku`` script from a JSON payload."""

    #: The ``kotaku.<function>`` that draws the layer.
    js_function = ""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = kotaku.{{ this.js_function }}({{ this.payload }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: str, *, name: str, show: bool = True, control: bool = True) -> None:
        Layer.__init__(self, name=name, overlay=True, control=control, show=show)
        self._name = type(self).__name__
        self.payload = payload


class SiteLayer(JSCSSMixin, _PayloadLayer):
    """Intervention sites of one category: points clustered, lines, polygons.

    ``payload`` is JSON with ``color``, ``text`` (escaped tooltip HTML per site) and any of
    ``points``, ``lines``, ``polygons`` (each ``{"geom": packed, "row": [site index...]}``).
    """

    default_js = MarkerCluster.default_js
    default_css = MarkerCluster.default_css

    js_function = "sites"


class Legend(_KotakuScript):
    """A legend control; ``html`` is built from the project's labels and escaped values.

    Its first ``<h4>`` folds and unfolds it. Sections with ``data-kg-layer="key …"`` are shown
    only while one of the named layers (``layers``: key → element) is on the map, sections
    with ``data-kg-view`` only with their unit view.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            kotaku.legend({{ this.html_js }}, {{ this.position|tojson }}, {
                {%- for key, layer in this.layers.items() %}
                {{ key|tojson }}: {{ layer.get_name() }},
                {%- endfor %}
            }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, html: str, *, position: str = "bottomleft", layers: dict[str, Layer] | None = None
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.html_js = to_js(html)
        self.position = position
        self.layers = dict(layers or {})


class SummaryLayer(_PayloadLayer):
    """Area labels (name, slum hectares, units, a bar per level) shown below a zoom per area.

    ``payload`` is the JSON made by :mod:`kotaku_gis.maps.summary` (keys ``name``, ``lat``,
    ``lon``, ``b``, ``gz``, ``n``, ``ha``, ``cols``, ``colors``, ``labels``, ``viewTitle``,
    ``t``, ``locale`` and, in an index map, ``href``). Not in the layer control: it follows
    the zoom.
    """

    js_function = "summary"

    def __init__(self, payload: str) -> None:
        super().__init__(payload, name="summary", control=False)


class BoundaryLayer(_PayloadLayer):
    """Administrative boundaries (lines and place names), each level from its own zoom."""

    js_function = "boundaries"


class Title(_KotakuScript):
    """The map's title box (escaped HTML), with room for the offline-basemap note."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            kotaku.title({{ this._parent.get_name() }}, {{ this.html_js }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "Title"
        self.html_js = to_js(html)


class Basemaps(_KotakuScript):
    """Watches the tile basemaps: failed tiles switch a basemap off for the plain background.

    ``land`` is a packed polygon layer (the kota boundaries) drawn as land on the plain
    background, or None.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            kotaku.basemaps({{ this._parent.get_name() }}, [
                {%- for tile in this.tiles %}{{ tile.get_name() }},{% endfor -%}
            ], {{ this.land }}, {{ this.note_js }});
        {% endmacro %}
        """
    )

    def __init__(self, tiles: list[Layer], *, land: str | None, note: str) -> None:
        super().__init__()
        self._name = "Basemaps"
        self.tiles = list(tiles)
        self.land = land or "null"
        self.note_js = to_js(note)


class GroupedLayerControl(LayerControl):
    """folium's layer control, with entries gathered in folding groups.

    A layer with a ``kg_group`` attribute goes into the group of that name (``kg_short``, if
    set, is its label there).
    """

    _template = Template(
        """
        {% macro script(this,kwargs) %}
            var {{ this.get_name() }} = kotaku.layerControl(
                {
                    {%- for key, val in this.base_layers.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
                {
                    {%- for key, val in this.overlays.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
                {{ this.options|tojavascript }},
                [
                    {%- for var, group, short in this.groups %}
                    [{{ var }}, {{ group|tojson }}, {{ short|tojson }}],
                    {%- endfor %}
                ]
            ).addTo({{this._parent.get_name()}});
        {% endmacro %}
        """
    )

    def render(self, **kwargs):
        """Collect the map's layers and their groups, then render."""
        self.groups = [
            (item.get_name(), item.kg_group, getattr(item, "kg_short", None))
            for item in self._parent._children.values()
            if isinstance(item, Layer) and item.control and getattr(item, "kg_group", None)
        ]
        super().render(**kwargs)


class FitView(_KotakuScript):
    """Fits the map to ``bounds`` ([[south, west], [north, east]]) clear of the title and
    legend boxes. Add it after them."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            kotaku.fit({{ this._parent.get_name() }}, {{ this.bounds|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds
