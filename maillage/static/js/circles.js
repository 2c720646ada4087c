// Circles: the map of circles coloured by status, and the perimeter picker. Pages work without it.
"use strict";

(function () {
  // Okabe–Ito colours (safe for colour-blind readers), each with its own line pattern too:
  // the legend and the badges say the status in words, so colour is never the only cue.
  var STYLES = {
    active: { color: "#006d4f", fillColor: "#009E73", dashArray: null },
    emerging: { color: "#8a5a00", fillColor: "#E69F00", dashArray: "10 6" },
    prefiguration: { color: "#005a8c", fillColor: "#56B4E9", dashArray: "2 6" }
  };

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function escapeHTML(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function popup(p) {
    var name = p.url ? '<a href="' + escapeHTML(p.url) + '">' + escapeHTML(p.name) + "</a>" : escapeHTML(p.name);
    return "<strong>" + name + "</strong><br>" + escapeHTML(p.status_label);
  }

  function initCirclesMap(el) {
    var data = readJSON(el.dataset.circlesMap);
    // A view first: discs are projected as soon as they are added.
    var map = L.map(el, { scrollWheelZoom: false }).setView([46.6, 2.4], 5);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: escapeHTML(el.dataset.attribution) }).addTo(map);
    var shapes = L.featureGroup();
    var communes = L.featureGroup();
    var bounds = L.latLngBounds([]);
    (data && data.features || []).forEach(function (feature) {
      var p = feature.properties || {};
      var style = STYLES[p.status] || STYLES.active;
      var g = feature.geometry;
      var layer;
      if (p.kind === "commune") {
        layer = L.circleMarker([g.coordinates[1], g.coordinates[0]], {
          radius: 5, color: "#1d2330", weight: 1, fillColor: style.fillColor, fillOpacity: 1
        });
        layer.bindTooltip(escapeHTML(p.name) + " — " + escapeHTML(p.circle));
        bounds.extend(layer.getLatLng());
        communes.addLayer(layer);
        return;
      }
      var options = { color: style.color, weight: 3, dashArray: style.dashArray,
        fillColor: style.fillColor, fillOpacity: 0.25, className: "circle-shape circle-shape-" + p.status };
      if (g.type === "Point") {
        // A circle of a single commune: a disc of 4 km around its centre.
        var centre = L.latLng(g.coordinates[1], g.coordinates[0]);
        layer = L.circle(centre, L.extend({ radius: 4000 }, options));
        bounds.extend(centre.toBounds(8000));
      } else if (g.type === "LineString") {
        layer = L.polyline(g.coordinates.map(function (c) { return [c[1], c[0]]; }),
          L.extend({}, options, { weight: 10, opacity: 0.6 }));
      } else {
        layer = L.geoJSON(g, { style: function () { return options; } });
      }
      layer.bindPopup(popup(p));
      layer.bindTooltip(escapeHTML(p.name) + " (" + escapeHTML(p.status_label) + ")", { sticky: true });
      shapes.addLayer(layer);
    });
    shapes.addTo(map);
    communes.addTo(map);
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
    }
    el.dataset.shapeCount = String(shapes.getLayers().length);
    el.classList.add("map-ready");
  }

  // Perimeter picker: search a commune by name or postal code, add its INSEE code to the list.
  function initPicker(box) {
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector("ul");
    var target = document.getElementById(box.dataset.target);
    if (!input || !list || !target) { return; }
    box.hidden = false;
    var timer = null;
    function add(item) {
      var codes = target.value.split(/[\s,;]+/).filter(Boolean);
      if (codes.indexOf(item.code_insee) === -1) { codes.push(item.code_insee); }
      target.value = codes.join(" ");
      list.innerHTML = "";
      input.value = "";
      input.focus();
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { list.innerHTML = ""; return; }
      timer = setTimeout(function () {
        fetch(box.dataset.url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            list.innerHTML = "";
            data.results.forEach(function (item) {
              var li = document.createElement("li");
              var button = document.createElement("button");
              button.type = "button";
              button.textContent = item.label + " — " + item.code_insee;
              button.addEventListener("click", function () { add(item); });
              li.appendChild(button);
              list.appendChild(li);
            });
          });
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L !== "undefined") {
      document.querySelectorAll("[data-circles-map]").forEach(initCirclesMap);
    }
    document.querySelectorAll("[data-commune-picker]").forEach(initPicker);
  });
})();
