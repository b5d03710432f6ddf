/* kotaku_gis map layers: unpack compact geometry and draw unit views and intervention sites.
 *
 * Python (kotaku_gis.maps) writes the data; every string in it is already HTML-escaped, so
 * the texts are joined into tooltips and popups as they are. Layers build their Leaflet
 * features when first added to the map, so views that are switched off cost nothing.
 * Licence: MIT, as kotaku_gis.
 */
(function (root) {
  "use strict";

  function latLngs(p) {
    var xy = p.xy, s = p.s, n = xy.length / 2, out = new Array(n), x = 0, y = 0;
    for (var i = 0; i < n; i++) {
      x += xy[2 * i];
      y += xy[2 * i + 1];
      out[i] = new L.LatLng(y / s, x / s);
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

  // Packed geometry (kotaku_gis.maps.display.Packed) -> per row the nested L.LatLng arrays of
  // a (multi)polygon, (multi)line or point list, or null for rows without geometry.
  function unpack(p) {
    var items = latLngs(p);
    for (var level = 0; level < p.n.length; level++) items = split(items, p.n[level]);
    return items.map(function (c) { return c.length ? c : null; });
  }

  // A text column: a plain list, or {v: distinct values, i: index of each row's value}.
  function text(column, i) {
    if (!column) return "";
    if (column.i) return column.i[i] < 0 ? "" : column.v[column.i[i]];
    return column[i];
  }

  function fmt(v) {
    if (v === null || v === undefined || v !== v || v === "") return "\u2013";
    return typeof v === "number" ? String(Math.round(v * 100) / 100) : v;
  }

  // Values of a view: a column, or the sum of several (aspect = sum of its criterion scores).
  function values(data, view) {
    if (!view.col) return null;
    if (!data.cols[view.col] && view.sum) {
      var parts = view.sum.map(function (c) { return data.cols[c]; }), n = parts[0].length;
      var out = new Array(n);
      for (var i = 0; i < n; i++) {
        var s = null;
        for (var k = 0; k < parts.length; k++) if (parts[k][i] !== null) s = (s || 0) + parts[k][i];
        out[i] = s;
      }
      data.cols[view.col] = out;
    }
    return data.cols[view.col];
  }

  // Class of value v: its position in view.values, or the first break it does not exceed.
  function classOf(view, v) {
    if (v === null || v === undefined) return -1;
    if (view.values) return view.values.indexOf(v);
    for (var k = 0; k < view.breaks.length; k++) if (v <= view.breaks[k]) return k;
    return view.breaks.length - 1;
  }

  function heading(data, i) {
    var h = "<b>" + data.id[i] + "</b>", sub = text(data.sub, i);
    return sub ? h + " \u00b7 " + sub : h;
  }

  function viewText(data, view, vals, i) {
    if (!vals) return "";
    var v = vals[i], c = classOf(view, v);
    if (view.unit !== undefined && v !== null) return fmt(v) + view.unit;
    return c >= 0 ? view.labels[c] : data.t.missing;
  }

  function popupHtml(data, i) {
    var h = '<div class="kg-popup">' + heading(data, i) + '<table class="kg-info">';
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

  // The unit polygons of one geometry key, built once and restyled by whichever view owns them:
  // switching views changes colours, not shapes.
  function unitGroup(data, key) {
    data._groups = data._groups || {};
    if (data._groups[key]) return data._groups[key];
    var group = L.featureGroup(), rows = unpack(data[key]);
    group.kgPaths = [];
    rows.forEach(function (shape, i) {
      if (!shape) return;
      var path = L.polygon(shape);
      path.kgRow = i;
      group.addLayer(path);
      group.kgPaths.push(path);
    });
    // one tooltip, popup and hover handler for the whole group: events of each polygon
    // reach the group with the polygon as their source
    group.bindTooltip(function (path) {
      var view = group.kgOwner._view, i = path.kgRow, t = viewText(data, view, values(data, view), i);
      return heading(data, i) + "<br>" + view.title + (t === "" ? "" : ": " + t);
    }, {sticky: true, className: "kg-tooltip"});
    if (data.info) group.bindPopup(function (path) { return popupHtml(data, path.kgRow); }, {maxWidth: 440});
    group.on("mouseover", function (e) { e.propagatedFrom.setStyle({weight: group.kgOwner._view.weight + 2}); });
    group.on("mouseout", function (e) { e.propagatedFrom.setStyle({weight: group.kgOwner._view.weight}); });
    data._groups[key] = group;
    return group;
  }

  function restyle(group, data, view) {
    var vals = values(data, view), paths = group.kgPaths;
    for (var k = 0; k < paths.length; k++) {
      var c = vals ? classOf(view, vals[paths[k].kgRow]) : 0;
      paths[k].setStyle({
        fillColor: c >= 0 ? view.colors[c] : data.t.missing_color,
        fillOpacity: view.opacity, color: view.line, weight: view.weight,
        dashArray: view.dash || null
      });
    }
  }

  // One thematic view of the units: fill colour by class, tooltip, popup with the criteria.
  var UnitView = L.Layer.extend({
    initialize: function (data, view) {
      this._data = data;
      this._view = view;
    },
    onAdd: function (map) {
      var group = unitGroup(this._data, this._view.geom || "geom");
      group.kgOwner = this;
      restyle(group, this._data, this._view);
      if (!map.hasLayer(group)) map.addLayer(group);
      if (this._view.base) {
        toFront(map, this);
        shownLegend = this._view.legend || null;
        syncLegend();
      }
    },
    onRemove: function (map) {
      var group = unitGroup(this._data, this._view.geom || "geom"), self = this;
      // the layer control removes the old view before adding the new one: keep the shapes
      // for the next view unless none claims them
      setTimeout(function () {
        if (group.kgOwner === self && !map.hasLayer(self)) map.removeLayer(group);
      }, 0);
    },
    kgFront: function () {
      if (!this._view.base && this._map) unitGroup(this._data, this._view.geom || "geom").bringToFront();
    },
    getBounds: function () { return unitGroup(this._data, this._view.geom || "geom").getBounds(); }
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

  function siteText(d, i) {
    var rows = ["<b>" + d.id[i] + "</b>"];
    d.fields.forEach(function (f) {
      var v = f.n ? f.n[i] : text(f, i);
      if (v !== null && v !== "") rows.push(f.label + ": " + v);
    });
    return rows.join("<br>");
  }

  // Intervention sites of one category: clustered points, lines and polygons; planned works
  // (not completed) hollow or dashed.
  var Sites = L.Layer.extend({
    initialize: function (data) { this._data = data; },
    _build: function () {
      var d = this._data, group = L.featureGroup();
      function tip(i) { return function () { return siteText(d, i); }; }
      if (d.points) {
        var cluster = L.markerClusterGroup({iconCreateFunction: clusterIcon(d.color),
          showCoverageOnHover: false, chunkedLoading: true});
        var markers = [];
        unpack(d.points.geom).forEach(function (g, k) {
          if (!g) return;
          var i = d.points.row[k], done = d.done[i];
          g.forEach(function (c) {
            var m = L.circleMarker(c, {radius: 6, color: done ? "#ffffff" : d.color,
              weight: done ? 1.5 : 2.5, fillColor: done ? d.color : "#ffffff", fillOpacity: 0.95});
            m.bindTooltip(tip(i), {className: "kg-tooltip"});
            markers.push(m);
          });
        });
        cluster.addLayers(markers);
        group.addLayer(cluster);
      }
      ["lines", "polygons"].forEach(function (key) {
        var part = d[key], make = key === "lines" ? L.polyline : L.polygon;
        if (!part) return;
        unpack(part.geom).forEach(function (g, k) {
          if (!g) return;
          var i = part.row[k], done = d.done[i];
          var shape = make(g, {color: d.color, weight: key === "lines" ? 4 : 2, fillColor: d.color,
            fillOpacity: done ? 0.35 : 0.1, dashArray: done ? null : "6 4"});
          shape.bindTooltip(tip(i), {sticky: true, className: "kg-tooltip"});
          group.addLayer(shape);
        });
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
