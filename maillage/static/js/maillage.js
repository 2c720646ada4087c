// Maillage — small progressive enhancements. Pages work without JavaScript.
"use strict";

(function () {
  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function escapeHTML(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function tileLayer(el) {
    return L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: escapeHTML(el.dataset.attribution) });
  }

  // A map of places from a GeoJSON FeatureCollection embedded in the page (json_script).
  function initPointsMap(el) {
    var data = readJSON(el.dataset.mapPoints);
    var map = L.map(el, { scrollWheelZoom: false });
    tileLayer(el).addTo(map);
    var group = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup() : L.featureGroup();
    (data && data.features || []).forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var p = feature.properties || {};
      var marker = L.marker([c[1], c[0]], { title: p.name, alt: p.name });
      var html = "<strong>" + (p.url ? '<a href="' + escapeHTML(p.url) + '">' + escapeHTML(p.name) + "</a>" : escapeHTML(p.name)) + "</strong>";
      if (p.commune) { html += "<br>" + escapeHTML(p.commune); }
      if (p.types) { html += "<br>" + escapeHTML(p.types); }
      marker.bindPopup(html);
      group.addLayer(marker);
    });
    map.addLayer(group);
    if (group.getLayers().length) {
      map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 13 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
    el.dataset.markerCount = String(group.getLayers().length);
    el.classList.add("map-ready");
  }

  // A map with one draggable marker that writes its position into two inputs.
  function initEditMap(el) {
    var lat = document.getElementById(el.dataset.latInput);
    var lng = document.getElementById(el.dataset.lngInput);
    var map = L.map(el);
    tileLayer(el).addTo(map);
    var start = lat.value && lng.value ? [parseFloat(lat.value), parseFloat(lng.value)] : null;
    var marker = L.marker(start || [46.6, 2.4], { draggable: true, autoPan: true,
      title: el.dataset.markerLabel, alt: el.dataset.markerLabel });
    marker.addTo(map);
    map.setView(start || [46.6, 2.4], start ? 15 : 5);
    function write(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
    }
    marker.on("dragend", function () { write(marker.getLatLng()); });
    map.on("click", function (event) { marker.setLatLng(event.latlng); write(event.latlng); });
    function fromInputs() {
      var a = parseFloat(lat.value), b = parseFloat(lng.value);
      if (!isNaN(a) && !isNaN(b)) { marker.setLatLng([a, b]); map.setView([a, b], Math.max(map.getZoom(), 13)); }
    }
    lat.addEventListener("change", fromInputs);
    lng.addEventListener("change", fromInputs);
    document.addEventListener("maillage:place-marker", function (event) {
      lat.value = event.detail.lat; lng.value = event.detail.lng; fromInputs();
    });
    el.classList.add("map-ready");
  }

  // The observatory's white zones: commune centres beyond N km of a place (red circles sized by
  // population, drawn on a canvas: thousands of them) and the places (blue dots).
  function initCoverageMap(el) {
    var white = readJSON(el.dataset.mapCoverage);
    var places = readJSON(el.dataset.places);
    var map = L.map(el, { scrollWheelZoom: false, preferCanvas: true });
    tileLayer(el).addTo(map);
    var bounds = L.latLngBounds([]);
    var zones = L.featureGroup();
    (white && white.features || []).forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var p = feature.properties || {};
      var radius = Math.max(3, Math.min(14, Math.sqrt(p.population || 0) / 6));
      var dot = L.circleMarker([c[1], c[0]], { radius: radius, color: "#a4161a", weight: 1,
        fillColor: "#e4572e", fillOpacity: 0.55 });
      dot.bindPopup("<strong>" + escapeHTML(p.name) + "</strong><br>" + escapeHTML(p.population) +
        " hab. — " + (p.distance_km == null ? "—" : escapeHTML(p.distance_km) + " km"));
      zones.addLayer(dot);
      bounds.extend([c[1], c[0]]);
    });
    var spots = L.featureGroup();
    (places && places.features || []).forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var dot = L.circleMarker([c[1], c[0]], { radius: 4, color: "#1d5c8c", weight: 1,
        fillColor: "#1d5c8c", fillOpacity: 0.9 });
      dot.bindPopup(escapeHTML((feature.properties || {}).name));
      spots.addLayer(dot);
      bounds.extend([c[1], c[0]]);
    });
    zones.addTo(map);
    spots.addTo(map);
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 11 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
    el.dataset.whiteCount = String(zones.getLayers().length);
    el.dataset.placeCount = String(spots.getLayers().length);
    el.classList.add("map-ready");
  }

  function initMaps() {
    if (typeof L === "undefined") { return; }
    var icons = readJSON("leaflet-icons");
    if (icons) {
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions(icons);
    }
    document.querySelectorAll("[data-map-points]").forEach(initPointsMap);
    document.querySelectorAll("[data-map-edit]").forEach(initEditMap);
    document.querySelectorAll("[data-map-coverage]").forEach(initCoverageMap);
  }

  // Commune autocomplete: typing a postal code or a name offers matching communes.
  function initCommuneSearch(input) {
    var list = document.getElementById(input.dataset.suggestions);
    var target = document.getElementById(input.dataset.communeTarget);
    var postal = document.getElementById(input.dataset.postalTarget);
    var timer = null;
    function choose(item) {
      target.value = item.code_insee;
      input.value = item.label;
      if (postal && !postal.value && item.postal_codes.length === 1) { postal.value = item.postal_codes[0]; }
      list.innerHTML = "";
      if (item.latitude != null) {
        document.dispatchEvent(new CustomEvent("maillage:place-marker",
          { detail: { lat: item.latitude.toFixed(6), lng: item.longitude.toFixed(6) } }));
      }
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { list.innerHTML = ""; return; }
      timer = setTimeout(function () {
        fetch(input.dataset.url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            list.innerHTML = "";
            data.results.forEach(function (item) {
              var li = document.createElement("li");
              var button = document.createElement("button");
              button.type = "button";
              button.textContent = item.label;
              button.addEventListener("click", function () { choose(item); });
              li.appendChild(button);
              list.appendChild(li);
            });
          });
      }, 150);
    });
  }

  // The folding menu (a <details>): Escape or a click elsewhere folds it back.
  function initMenu(menu) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  }

  // On a phone a wide table scrolls inside its own box (maillage.css): let the keyboard reach it
  // too, so it can be scrolled without a mouse.
  function focusableScrollingTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusableScrollingTables();
    window.addEventListener("resize", focusableScrollingTables);
    document.body.addEventListener("htmx:afterSwap", focusableScrollingTables);
    document.querySelectorAll(".nav-more").forEach(initMenu);
    initMaps();
    document.querySelectorAll("[data-commune-search]").forEach(initCommuneSearch);
  });
})();
