/* kotaku_gis map layers: unpack compact geometry and draw unit views and intervention sites.
 *
 * Python (kotaku_gis.maps) writes the data; every string in it is already HTML-escaped, so
 * the texts are joined into tooltips and popups as they are. Layers build their Leaflet
 * features when first added to the map, so views that are switched off cost nothing.
 * Licence: MIT, as kotaku_gis.
 */
(function (root) {
  "use strict";

  function coords(p) {
    var xy = p.xy, s = p.s, n = xy.length / 2, out = new Array(n), x = 0, y = 0;
    for (var i = 0; i < n; i++) {
      x += xy[2 * i];
      y += xy[2 * i + 1];
      out[i] = [x / s, y / s];
    }
    return out;
  }

  function split(items, counts) {
    var out = new Array(counts.length), k = 0;
    for (var i = 0; i < counts.length; i++) {
      out[i] = items.slice(k, k + counts[i]);
      k += counts[i];
    }
    return out;
  }

  // Packed geometry (kotaku_gis.maps.display.Packed) -> one GeoJSON geometry (or null) per row.
  function unpack(p) {
    var items = coords(p), type = {polygon: "MultiPolygon", line: "MultiLineString", point: "MultiPoint"}[p.k];
    for (var level = 0; level < p.n.length; level++) items = split(items, p.n[level]);
    return items.map(function (c) { return c.length ? {type: type, coordinates: c} : null; });
  }

  function geometries(data) {
    if (!data._geoms) data._geoms = unpack(data.geom);
    return data._geoms;
  }

  function features(data) {
    var g = geometries(data), out = [];
    for (var i = 0; i < g.length; i++) {
      if (g[i]) out.push({type: "Feature", geometry: g[i], properties: {i: i}});
    }
    return out;
  }

  function fmt(v) {
    if (v === null || v === undefined || v !== v) return "\u2013";
    return typeof v === "number" ? String(Math.round(v * 100) / 100) : v;
  }

  // Class of value v: its position in view.values, or the first break it does not exceed.
  function classOf(view, v) {
    if (v === null || v === undefined) return -1;
    if (view.values) return view.values.indexOf(v);
    for (var k = 0; k < view.breaks.length; k++) if (v <= view.breaks[k]) return k;
    return view.breaks.length - 1;
  }

  function heading(data, i) {
    var h = "<b>" + data.id[i] + "</b>";
    if (data.sub && data.sub[i]) h += " \u00b7 " + data.sub[i];
    return h;
  }

  function viewText(data, view, i) {
    var v = view.col ? data.cols[view.col][i] : null, c = classOf(view, v);
    if (!view.col) return "";
    if (view.unit !== undefined && v !== null) return fmt(v) + view.unit;
    return c >= 0 ? view.labels[c] : data.t.missing;
  }

  function popupHtml(data, i) {
    var h = '<div class="kg-popup">' + heading(data, i) + "<table class=\"kg-info\">";
    data.info.forEach(function (row) {
      var v = data.cols[row.col][i];
      if (row.labels) v = v === null || v < 0 ? data.t.missing : row.labels[v];
      h += "<tr><th>" + row.label + "</th><td>" + fmt(v) + "</td></tr>";
    });
    h += "</table>";
    if (data.crit && data.crit.length) {
      h += '<table class="kg-crit"><tr><th>' + data.t.code + "</th><th>" + data.t.criterion +
        "</th><th>" + data.t.pct + "</th><th>" + data.t.score + "</th></tr>";
      data.crit.forEach(function (c) {
        var pct = c.pct ? data.cols[c.pct][i] : null, sc = c.score ? data.cols[c.score][i] : null;
        h += '<tr class="kg-s' + (sc === null ? "" : sc) + '"><td>' + c.code + "</td><td>" +
          c.name + "</td><td>" + fmt(pct) + "</td><td>" + fmt(sc) + "</td></tr>";
      });
      h += "</table>";
    }
    return h + "</div>";
  }

  // Legend sections tied to a unit view are shown only with that view.
  var shownLegend = null;
  function syncLegend() {
    var parts = document.querySelectorAll(".kg-legend [data-kg-view]");
    for (var k = 0; k < parts.length; k++) {
      parts[k].style.display = parts[k].getAttribute("data-kg-view") === shownLegend ? "" : "none";
    }
  }

  // A newly shown view is drawn last on the shared canvas; keep the overlays above it.
  function toFront(map, shown) {
    map.eachLayer(function (layer) {
      if (layer !== shown && layer.kgFront) layer.kgFront();
    });
  }

  // One thematic view of the units: fill colour by class, tooltip, popup with the criteria.
  var UnitView = L.Layer.extend({
    initialize: function (data, view) {
      this._data = data;
      this._view = view;
    },
    _build: function () {
      var data = this._data, view = this._view, values = view.col ? data.cols[view.col] : null;
      return L.geoJSON(features(data), {
        style: function (f) {
          var c = values ? classOf(view, values[f.properties.i]) : 0;
          return {
            fillColor: c >= 0 ? view.colors[c] : data.t.missing_color,
            fillOpacity: view.opacity, color: view.line, weight: view.weight,
            dashArray: view.dash || null
          };
        },
        onEachFeature: function (f, layer) {
          var i = f.properties.i;
          layer.bindTooltip(function () {
            var t = viewText(data, view, i);
            return heading(data, i) + "<br>" + view.title + (t === "" ? "" : ": " + t);
          }, {sticky: true, className: "kg-tooltip"});
          if (data.info) layer.bindPopup(function () { return popupHtml(data, i); }, {maxWidth: 420});
          layer.on("mouseover", function () { layer.setStyle({weight: view.weight + 2}); });
          layer.on("mouseout", function () { layer.setStyle({weight: view.weight}); });
        }
      });
    },
    onAdd: function (map) {
      if (!this._layer) this._layer = this._build();
      map.addLayer(this._layer);
      if (this._view.base) {
        toFront(map, this);
        shownLegend = this._view.legend || null;
        syncLegend();
      }
    },
    onRemove: function (map) { map.removeLayer(this._layer); },
    kgFront: function () { if (this._layer && !this._view.base) this._layer.bringToFront(); },
    getBounds: function () { return (this._layer || this._build()).getBounds(); }
  });

  function clusterIcon(color) {
    return function (cluster) {
      var n = cluster.getChildCount(), size = n < 10 ? 28 : n < 100 ? 34 : 40;
      return L.divIcon({
        html: '<div style="background:' + color + '"><span>' + n + "</span></div>",
        className: "marker-cluster kg-cluster", iconSize: L.point(size, size)
      });
    };
  }

  // Intervention sites of one category: clustered points, lines and polygons.
  var Sites = L.Layer.extend({
    initialize: function (data) { this._data = data; },
    _build: function () {
      var d = this._data, group = L.featureGroup(), text = d.text;
      function tip(i) { return function () { return text[i]; }; }
      if (d.points) {
        var cluster = L.markerClusterGroup({iconCreateFunction: clusterIcon(d.color),
          showCoverageOnHover: false, chunkedLoading: true});
        var markers = [];
        unpack(d.points.geom).forEach(function (g, k) {
          if (!g) return;
          var i = d.points.row[k];
          var done = d.done[i];
          g.coordinates.forEach(function (c) {
            var m = L.circleMarker([c[1], c[0]], {radius: 6, color: done ? "#ffffff" : d.color,
              weight: done ? 1.5 : 2.5, fillColor: done ? d.color : "#ffffff", fillOpacity: 0.95});
            m.bindTooltip(tip(i), {className: "kg-tooltip"});
            markers.push(m);
          });
        });
        cluster.addLayers(markers);
        group.addLayer(cluster);
      }
      ["lines", "polygons"].forEach(function (key) {
        var part = d[key];
        if (!part) return;
        var feats = [];
        unpack(part.geom).forEach(function (g, k) {
          if (g) feats.push({type: "Feature", geometry: g, properties: {i: part.row[k]}});
        });
        group.addLayer(L.geoJSON(feats, {
          style: function (f) {
            var done = d.done[f.properties.i];
            return {color: d.color, weight: key === "lines" ? 4 : 2, fillColor: d.color,
              fillOpacity: done ? 0.35 : 0.1, dashArray: done ? null : "6 4"};
          },
          onEachFeature: function (f, layer) { layer.bindTooltip(tip(f.properties.i), {sticky: true, className: "kg-tooltip"}); }
        }));
      });
      return group;
    },
    onAdd: function (map) {
      if (!this._layer) this._layer = this._build();
      map.addLayer(this._layer);
    },
    onRemove: function (map) { map.removeLayer(this._layer); },
    kgFront: function () { if (this._layer) this._layer.bringToFront(); }
  });

  function legend(html, position) {
    var control = L.control({position: position || "bottomright"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "kg-legend leaflet-control");
      div.innerHTML = html;
      setTimeout(syncLegend, 0);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    return control;
  }

  root.kotaku = {
    unpack: unpack,
    units: function (data, view) { return new UnitView(data, view); },
    sites: function (data) { return new Sites(data); },
    legend: legend
  };
})(window);
