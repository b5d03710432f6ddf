/* kotaku_gis map layers: unpack compact geometry and draw unit views, area summaries,
 * boundaries, intervention sites, the title, the legend and a grouped layer control.
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

  // Hectares as the reader's language writes them (471,30 or 471.30).
  function hectares(v, locale) {
    return v.toLocaleString(locale || "id-ID", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }

  // Panes and renderers shared by every kotaku layer of a map: land (the plain background),
  // place labels (under the units, so they never hide one) and boundary lines (over them),
  // none of which take the mouse from the units.
  function setup(map) {
    if (map._kg) return map._kg;
    var kg = map._kg = {};
    [["kgLand", 250], ["kgLabels", 390], ["kgBounds", 450]].forEach(function (p) {
      var pane = map.createPane(p[0]);
      pane.style.zIndex = p[1];
      pane.style.pointerEvents = "none";
    });
    kg.land = L.canvas({pane: "kgLand"});
    kg.bounds = L.canvas({pane: "kgBounds"});
    map.getContainer().classList.add("kg-map");
    return kg;
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

  // ------------------------------------------------------------------ legend

  // Legend sections tied to a unit view are shown only with that view; sections tied to
  // overlays only while one of their layers is on the map.
  var shownLegend = null;
  function syncLegend() {
    var parts = document.querySelectorAll(".kg-legend [data-kg-view]");
    for (var k = 0; k < parts.length; k++) {
      parts[k].style.display = parts[k].getAttribute("data-kg-view") === shownLegend ? "" : "none";
    }
    var legends = document.querySelectorAll(".kg-legend");
    for (var j = 0; j < legends.length; j++) {
      var div = legends[j], layers = div.kgLayers || {}, map = div.kgMap;
      if (!map) continue;
      var rows = div.querySelectorAll("[data-kg-layer]");
      for (var r = 0; r < rows.length; r++) {
        var on = rows[r].getAttribute("data-kg-layer").split(" ").some(function (name) {
          return layers[name] && map.hasLayer(layers[name]);
        });
        rows[r].style.display = on ? "" : "none";
      }
    }
  }

  var legendPending = false;
  function legendSoon() {
    if (legendPending) return;
    legendPending = true;
    setTimeout(function () { legendPending = false; syncLegend(); }, 0);
  }

  function legend(html, position, layers) {
    var control = L.control({position: position || "bottomleft"});
    control.onAdd = function (map) {
      var div = L.DomUtil.create("div", "kg-legend leaflet-control");
      div.innerHTML = html;
      div.kgLayers = layers || {};
      div.kgMap = map;
      var head = div.querySelector("h4");
      if (head) {
        head.classList.add("kg-fold");
        head.setAttribute("title", "\u25be / \u2725");
        L.DomEvent.on(head, "click", function () {
          if (!div.kgDragged) div.classList.toggle("kg-folded");
        });
        // dragged by its heading, the legend moves out of the way of the units
        var drag = new L.Draggable(div, head);
        drag.on("dragstart", function () { div.kgDragged = true; });
        drag.on("dragend", function () { setTimeout(function () { div.kgDragged = false; }, 0); });
        drag.enable();
      }
      // a small window keeps the map for the units: the legend opens on a click
      var size = map.getSize();
      if (size.y < 560 || size.x < 700) div.classList.add("kg-folded");
      map.on("layeradd layerremove", legendSoon);
      setTimeout(syncLegend, 0);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    return control;
  }

  // ------------------------------------------------------------------ units

  // A unit is drawn from the zoom at which the units of its area are a few pixels wide;
  // below it the area's summary stands for them (see Summary).
  function shownAt(data, row, zoom) {
    if (!data.grp) return true;
    var g = data.grp[row];
    return g < 0 || zoom >= data.gz[g];
  }

  function syncZoom(data, map) {
    var zoom = map.getZoom();
    Object.keys(data._groups || {}).forEach(function (key) {
      var group = data._groups[key];
      if (!map.hasLayer(group)) return;
      group.kgAll.forEach(function (path) {
        var want = shownAt(data, path.kgRow, zoom);
        if (want !== group.hasLayer(path)) {
          if (want) group.addLayer(path); else group.removeLayer(path);
        }
      });
    });
  }

  // Hatching for the unserved parts: the level colours stay visible underneath.
  var hatch = null;
  function hatchPattern(color) {
    if (hatch) return hatch;
    var c = document.createElement("canvas");
    c.width = c.height = 8;
    var ctx = c.getContext("2d");
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.1;
    ctx.beginPath();
    ctx.moveTo(0, 8); ctx.lineTo(8, 0);
    ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
    ctx.moveTo(6, 10); ctx.lineTo(10, 6);
    ctx.stroke();
    hatch = ctx.createPattern(c, "repeat");
    return hatch;
  }

  // The unit polygons of one geometry key, built once and restyled by whichever view owns them:
  // switching views changes colours, not shapes.
  function unitGroup(data, key, map, interactive) {
    data._groups = data._groups || {};
    if (data._groups[key]) return data._groups[key];
    var group = L.featureGroup(), rows = unpack(data[key]), zoom = map.getZoom();
    group.kgAll = [];
    rows.forEach(function (shape, i) {
      if (!shape) return;
      var path = L.polygon(shape, {interactive: interactive});
      path.kgRow = i;
      group.kgAll.push(path);
      if (shownAt(data, i, zoom)) group.addLayer(path);
    });
    if (interactive) {
      // one tooltip, popup and hover handler for the whole group: events of each polygon
      // reach the group with the polygon as their source
      group.bindTooltip(function (path) {
        var view = group.kgOwner._view, i = path.kgRow, t = viewText(data, view, values(data, view), i);
        return heading(data, i) + "<br>" + view.title + (t === "" ? "" : ": " + t);
      }, {sticky: true, className: "kg-tooltip"});
      if (data.info) group.bindPopup(function (path) { return popupHtml(data, path.kgRow); }, {maxWidth: 440});
      group.on("mouseover", function (e) { e.propagatedFrom.setStyle({weight: group.kgOwner._view.weight + 2}); });
      group.on("mouseout", function (e) { e.propagatedFrom.setStyle({weight: group.kgOwner._view.weight}); });
    }
    if (!data._zoomHook) {
      data._zoomHook = true;
      map.on("zoomend", function () { syncZoom(data, map); });
    }
    data._groups[key] = group;
    return group;
  }

  function restyle(group, data, view) {
    var vals = values(data, view), paths = group.kgAll;
    var pattern = view.hatch ? hatchPattern(view.line) : null;
    for (var k = 0; k < paths.length; k++) {
      var c = vals ? classOf(view, vals[paths[k].kgRow]) : 0;
      var style = {
        fillColor: pattern || (c >= 0 ? view.colors[c] : data.t.missing_color),
        fillOpacity: view.opacity, color: view.line, weight: view.weight,
        dashArray: view.dash || null
      };
      if (group.hasLayer(paths[k])) paths[k].setStyle(style); else L.setOptions(paths[k], style);
    }
  }

  // One thematic view of the units: fill colour by class, tooltip, popup with the criteria.
  var UnitView = L.Layer.extend({
    initialize: function (data, view) {
      this._data = data;
      this._view = view;
    },
    _group: function (map) {
      return unitGroup(this._data, this._view.geom || "geom", map || this._map, !this._view.passive);
    },
    onAdd: function (map) {
      var group = this._group(map);
      group.kgOwner = this;
      restyle(group, this._data, this._view);
      if (!map.hasLayer(group)) {
        map.addLayer(group);
        syncZoom(this._data, map);
      }
      if (this._view.base) {
        toFront(map, this);
        shownLegend = this._view.legend || null;
        syncLegend();
        map.fire("kgview", {view: this._view});
      }
    },
    onRemove: function (map) {
      var group = this._group(map), self = this;
      // the layer control removes the old view before adding the new one: keep the shapes
      // for the next view unless none claims them
      setTimeout(function () {
        if (group.kgOwner === self && !map.hasLayer(self)) map.removeLayer(group);
      }, 0);
    },
    kgFront: function () {
      if (!this._view.base && this._map) this._group().bringToFront();
    },
    getBounds: function () { return this._group().getBounds(); }
  });

  // A newly shown view is drawn last on the shared canvas; keep the overlays above it.
  function toFront(map, shown) {
    map.eachLayer(function (layer) {
      if (layer !== shown && layer.kgFront) layer.kgFront();
    });
  }

  // ------------------------------------------------------------------ area summaries

  // At low zoom each area (kota, or kelurahan in a one-kota map) is one label: its name,
  // slum hectares and units, and a bar of its hectares per level. Labels that would overlap
  // a larger area's label shrink to a dot with the same tooltip. In an index map each label
  // opens the area's own map.
  var Summary = L.Layer.extend({
    initialize: function (s) {
      this._s = s;
      this._col = s.cols[0];
      var slum = s.name.map(function (_, g) { return this._slum(g); }, this);
      this._order = s.name.map(function (_, g) { return g; })
        .sort(function (a, b) { return slum[b] - slum[a]; });
    },
    _ha: function (g) { return this._s.ha[this._col][g]; },
    _slum: function (g) { var h = this._ha(g); return h[0] + h[1] + h[2]; },
    _href: function (g) {
      var page = decodeURIComponent(root.location.pathname.split("/").pop() || "map.html");
      return encodeURIComponent(page.replace(/\.html?$/i, "") + "_" + this._s.href[g] + ".html");
    },
    _bar: function (g) {
      var h = this._ha(g), total = h.reduce(function (a, b) { return a + b; }, 0), s = this._s;
      if (!(total > 0)) return "";
      return '<div class="kg-bar">' + h.map(function (v, k) {
        return v > 0 ? '<span style="flex:' + v / total + ";background:" + s.colors[k] + '"></span>' : "";
      }).join("") + "</div>";
    },
    _icon: function (g, compact) {
      var s = this._s, t = s.t, slum = this._slum(g), html;
      if (compact) {
        var h = this._ha(g), worst = h[0] > 0 ? 0 : h[1] > 0 ? 1 : h[2] > 0 ? 2 : h[3] > 0 ? 3 : 4;
        html = '<div class="kg-sum-dot" style="background:' + s.colors[worst] + '"></div>';
      } else {
        html = '<div class="kg-sum' + (s.href ? " kg-sum-link" : "") + '"><div class="kg-sum-name">' +
          s.name[g] + '</div><div class="kg-sum-ha">' + hectares(slum, s.locale) + " " + t.slum_ha +
          " \u00b7 " + s.n[g] + " " + t.units_word + "</div>" + this._bar(g) +
          (s.href ? '<div class="kg-sum-open">' + t.open + " \u203a</div>" : "") + "</div>";
      }
      return L.divIcon({html: html, className: "kg-sum-icon", iconSize: null});
    },
    _table: function (g) {
      var s = this._s, t = s.t, h = this._ha(g), rows = "";
      h.forEach(function (v, k) {
        if (v > 0) {
          rows += '<tr><td><span class="kg-swatch" style="background:' + s.colors[k] +
            '"></span>' + s.labels[k] + "</td><td>" + hectares(v, s.locale) + " ha</td></tr>";
        }
      });
      return '<div class="kg-sum-tip"><b>' + s.name[g] + "</b><br>" + s.viewTitle[this._col] +
        '<table class="kg-info">' + rows + "<tr><th>" + t.slum_total + "</th><th>" +
        hectares(this._slum(g), s.locale) + " ha</th></tr></table>" +
        (s.href ? t.click_open : t.click_zoom) + "</div>";
    },
    onAdd: function (map) {
      var s = this._s, self = this;
      this._markers = s.name.map(function (_, g) {
        var m = L.marker([s.lat[g], s.lon[g]], {icon: self._icon(g, false), keyboard: false,
          riseOnHover: true});
        m.kgCompact = false;
        m.bindTooltip(function () { return self._table(g); },
          {direction: "top", className: "kg-tooltip", offset: [0, -12]});
        m.on("click", function () {
          if (s.href) root.location.href = self._href(g);
          else map.fitBounds([[s.b[g][0], s.b[g][1]], [s.b[g][2], s.b[g][3]]], {padding: [30, 30]});
        });
        return m;
      });
      map.on("zoomend", this._sync, this);
      map.on("kgview", this._onView, this);
      this._sync();
    },
    onRemove: function (map) {
      this._markers.forEach(function (m) { map.removeLayer(m); });
      map.off("zoomend", this._sync, this);
      map.off("kgview", this._onView, this);
    },
    _onView: function (e) {
      var col = e.view && e.view.col;
      if (col && this._s.ha[col] && col !== this._col) {
        this._col = col;
        this._markers.forEach(function (m) { m.kgIcon = null; });
        this._sync();
      }
    },
    _sync: function () {
      var map = this._map, s = this._s, zoom = map.getZoom(), placed = [], self = this;
      this._order.forEach(function (g) {
        var m = self._markers[g];
        if (!(zoom < s.gz[g])) {
          if (map.hasLayer(m)) map.removeLayer(m);
          return;
        }
        var p = map.latLngToContainerPoint([s.lat[g], s.lon[g]]);
        var box = [p.x - 80, p.y - 26, p.x + 80, p.y + 26];
        var compact = placed.some(function (b) {
          return box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1];
        });
        if (!compact) placed.push(box);
        if (m.kgIcon !== (compact ? "dot" : "full")) {
          m.setIcon(self._icon(g, compact));
          m.kgIcon = compact ? "dot" : "full";
          // a full label stays above the dots of the areas it hides
          m.setZIndexOffset(compact ? 0 : 1000);
        }
        if (!map.hasLayer(m)) m.addTo(map);
      });
    }
  });

  // ------------------------------------------------------------------ boundaries

  // Kota, kecamatan and kelurahan lines with their names, each level from its own zoom.
  var Boundaries = L.Layer.extend({
    initialize: function (b) { this._b = b; },
    _build: function (map) {
      var kg = setup(map);
      return this._b.levels.map(function (level) {
        var lines = L.layerGroup(), names = L.layerGroup();
        unpack(level.geom).forEach(function (shape) {
          if (!shape) return;
          lines.addLayer(L.polygon(shape, {renderer: kg.bounds, fill: false, interactive: false,
            color: level.color, weight: level.weight, opacity: 0.9, dashArray: level.dash || null}));
        });
        if (level.labels) {
          unpack(level.labels).forEach(function (pts, i) {
            if (!pts || !level.names[i]) return;
            names.addLayer(L.marker(pts[0], {pane: "kgLabels", interactive: false, keyboard: false,
              icon: L.divIcon({className: "kg-place kg-place-" + level.key, iconSize: null,
                html: "<span>" + level.names[i] + "</span>"})}));
          });
        }
        return {level: level, lines: lines, names: names};
      });
    },
    onAdd: function (map) {
      if (!this._levels) this._levels = this._build(map);
      map.on("zoomend", this._sync, this);
      this._sync();
    },
    onRemove: function (map) {
      map.off("zoomend", this._sync, this);
      this._levels.forEach(function (l) { map.removeLayer(l.lines); map.removeLayer(l.names); });
    },
    _sync: function () {
      var map = this._map, zoom = map.getZoom();
      this._levels.forEach(function (l) {
        var lines = zoom >= l.level.min, names = zoom >= l.level.labelMin && zoom < l.level.labelMax;
        if (lines !== map.hasLayer(l.lines)) { if (lines) l.lines.addTo(map); else map.removeLayer(l.lines); }
        if (names !== map.hasLayer(l.names)) { if (names) l.names.addTo(map); else map.removeLayer(l.names); }
      });
    }
  });

  // ------------------------------------------------------------------ basemaps

  // Tile basemaps are options. When a basemap's tiles fail and none has loaded (no network),
  // it is switched off and the plain background is shown: land from the boundaries, a note
  // in the title. With no basemap on, the background is plain too.
  function basemaps(map, tiles, land, note) {
    var kg = setup(map), container = map.getContainer();
    if (land) {
      var group = L.layerGroup();
      unpack(land).forEach(function (shape) {
        if (shape) group.addLayer(L.polygon(shape, {renderer: kg.land, stroke: false,
          fillColor: "#fbfaf5", fillOpacity: 1, interactive: false}));
      });
      group.addTo(map);
      container.classList.add("kg-has-land");
    }
    function sync() {
      var any = tiles.some(function (layer) { return map.hasLayer(layer); });
      container.classList.toggle("kg-plain", !any);
    }
    tiles.forEach(function (layer) {
      var loads = 0, waiting = false;
      layer.on("add", function () { loads = 0; });
      layer.on("tileload", function () { loads++; });
      layer.on("tileerror", function () {
        if (loads > 0 || waiting) return;
        waiting = true;
        setTimeout(function () {
          waiting = false;
          if (loads > 0 || !map.hasLayer(layer)) return;
          map.removeLayer(layer);
          container.classList.add("kg-tiles-failed");
          var box = container.querySelector(".kg-offline");
          if (box) { box.innerHTML = note; box.style.display = ""; }
        }, 700);
      });
    });
    map.on("layeradd layerremove", sync);
    sync();
  }

  // ------------------------------------------------------------------ title and control

  function title(map, html) {
    var div = L.DomUtil.create("div", "kg-title", map.getContainer());
    div.innerHTML = html + '<div class="kg-offline" style="display:none"></div>';
    // one area's map of an index map: <index>_<slug>.html links back to <index>.html
    var back = div.querySelector("a.kg-back");
    if (back) {
      var page = decodeURIComponent(root.location.pathname.split("/").pop() || "");
      var slug = back.getAttribute("data-kg-slug");
      back.href = encodeURIComponent(page.replace(new RegExp("_" + slug + "\\.html?$", "i"), ".html"));
    }
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  }

  // The layer control with its entries in folding groups (aspects, criteria, works,
  // basemaps), so that a map with every view keeps a short list.
  var Grouped = L.Control.Layers.extend({
    _update: function () {
      this._kgBoxes = {};
      this._kgOpen = this._kgOpen || {};
      return L.Control.Layers.prototype._update.call(this);
    },
    _addItem: function (obj) {
      var label = L.Control.Layers.prototype._addItem.call(this, obj), layer = obj.layer;
      if (layer.kgShort) label.firstChild.lastChild.innerHTML = " " + layer.kgShort;
      var name = layer.kgGroup;
      if (!name) return label;
      var list = obj.overlay ? this._overlaysList : this._baseLayersList, self = this;
      var key = (obj.overlay ? "o:" : "b:") + name, box = this._kgBoxes[key];
      if (!box) {
        box = this._kgBoxes[key] = document.createElement("details");
        box.className = "kg-group";
        var summary = document.createElement("summary");
        summary.innerHTML = name;
        box.appendChild(summary);
        box.open = !!this._kgOpen[key];
        box.addEventListener("toggle", function () { self._kgOpen[key] = box.open; });
      }
      list.appendChild(box);
      box.appendChild(label);
      if (label.querySelector("input").checked && !obj.overlay) box.open = true;
      return label;
    }
  });

  function layerControl(base, overlays, options, groups) {
    (groups || []).forEach(function (g) {
      g[0].kgGroup = g[1];
      if (g[2]) g[0].kgShort = g[2];
    });
    return new Grouped(base, overlays, options);
  }

  // ------------------------------------------------------------------ sites

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

  // Open on bounds, clear of the title (top) and of the unfolded legend (bottom left).
  function fit(map, bounds) {
    var c = map.getContainer(), size = map.getSize(), left = 20, top = 20;
    var legendBox = c.querySelector(".kg-legend"), titleBox = c.querySelector(".kg-title");
    if (legendBox && !legendBox.classList.contains("kg-folded")) left = legendBox.offsetWidth + 20;
    if (left > size.x * 0.4) left = 20;
    if (titleBox) top = titleBox.offsetHeight + 20;
    map.fitBounds(bounds, {paddingTopLeft: [left, top], paddingBottomRight: [20, 20]});
  }

  root.kotaku = {
    fit: fit,
    unpack: unpack,
    setup: setup,
    units: function (data, view) { return new UnitView(data, view); },
    summary: function (s) { return new Summary(s); },
    boundaries: function (b) { return new Boundaries(b); },
    sites: function (data) { return new Sites(data); },
    basemaps: basemaps,
    title: title,
    layerControl: layerControl,
    legend: legend
  };
})(window);
