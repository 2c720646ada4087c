// Search page and map: "near me", the map that follows the filters. Pages work without it.
"use strict";

(function () {
  function escapeHTML(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // The usual slug of a place, as Django's slugify makes it; the GeoJSON only sends the slugs
  // that differ (selectors.slug_from_name mirrors this function).
  function slugFromName(name) {
    var text = String(name || "").normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase();
    text = text.replace(/[^a-z0-9_\s-]/g, "").replace(/[-\s]+/g, "-").replace(/^[-_]+|[-_]+$/g, "");
    return text.slice(0, 200).replace(/-+$/, "") || "lieu";
  }

  function formQuery(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") { params.append(key, value); }
    });
    params.delete("page");
    return params;
  }

  function submit(form) {
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  }

  // "Près de moi": the browser's position goes into the hidden lat/lon inputs.
  function initNearMe(button) {
    var form = button.form;
    var lat = document.getElementById(button.dataset.latInput);
    var lon = document.getElementById(button.dataset.lonInput);
    var status = document.getElementById(button.dataset.status);
    if (!navigator.geolocation) { return; }
    button.closest(".near-me").hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.waiting || "…";
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        var near = form.querySelector("[name=near]");
        if (near) { near.value = ""; }
        status.textContent = "";
        submit(form);
      }, function () {
        status.textContent = button.dataset.refused || "Position indisponible.";
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
    });
  }

  function initForgetPosition(button) {
    button.addEventListener("click", function () {
      document.getElementById(button.dataset.latInput).value = "";
      document.getElementById(button.dataset.lonInput).value = "";
      submit(button.form);
    });
  }

  // The full-page map: markers of the visible area, reloaded when the map moves or filters change.
  function initSearchMap(el) {
    if (typeof L === "undefined") { return; }
    var form = document.getElementById(el.dataset.form);
    var placeUrl = el.dataset.placeUrl || "/lieux/slug-placeholder/";
    var map = L.map(el);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: escapeHTML(el.dataset.attribution) }).addTo(map);
    var group = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup() : L.featureGroup();
    map.addLayer(group);
    map.setView([46.6, 2.4], 5);
    var controller = null;
    var fitting = false;

    function show(data) {
      group.clearLayers();
      (data.features || []).forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var p = feature.properties || {};
        // The GeoJSON sends each place's slug, not its URL (a quarter lighter): build the URL.
        var url = p.url || placeUrl.replace("slug-placeholder", encodeURIComponent(p.slug || slugFromName(p.name)));
        var marker = L.marker([c[1], c[0]], { title: p.name, alt: p.name });
        var html = '<strong><a href="' + escapeHTML(url) + '">' + escapeHTML(p.name) + "</a></strong>";
        if (p.commune) { html += "<br>" + escapeHTML(p.commune); }
        if (p.types) { html += "<br>" + escapeHTML(p.types); }
        html += '<br><a href="' + escapeHTML(url) + '">' + escapeHTML(el.dataset.linkLabel) + "</a>";
        marker.bindPopup(html);
        group.addLayer(marker);
      });
      el.dataset.markerCount = String(group.getLayers().length);
    }

    function load(withBox) {
      var params = form ? formQuery(form) : new URLSearchParams();
      if (withBox) { params.set("bbox", map.getBounds().toBBoxString()); }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      el.classList.add("map-loading");
      return fetch(el.dataset.geojsonUrl + "?" + params.toString(), { signal: controller.signal, headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          show(data);
          el.classList.remove("map-loading");
          el.classList.add("map-ready");
          if (!withBox && group.getLayers().length) {
            fitting = true;
            map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 13 });
            fitting = false;
          }
        })
        .catch(function (error) { if (error.name !== "AbortError") { el.classList.remove("map-loading"); } });
    }

    map.on("moveend", function () { if (!fitting) { load(true); } });
    if (form) {
      form.addEventListener("change", function () { setTimeout(function () { load(false); }, 0); });
      form.addEventListener("submit", function () { setTimeout(function () { load(false); }, 0); });
    }
    load(false);
  }

  // After an htmx search the URL changed: keep the list/map switch pointing at the same filters.
  function followLinks() {
    ["to-map", "to-list"].forEach(function (id) {
      var link = document.getElementById(id);
      if (link) { link.href = link.href.split("?")[0] + window.location.search; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-near-me]").forEach(initNearMe);
    document.querySelectorAll("[data-forget-position]").forEach(initForgetPosition);
    document.querySelectorAll("[data-search-map]").forEach(initSearchMap);
    document.body.addEventListener("htmx:pushedIntoHistory", followLinks);
    document.body.addEventListener("htmx:afterSettle", followLinks);
  });
})();
