// Events: the tour route map and the recurrence picker. Pages work without JavaScript.
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

  // A tour: numbered markers joined by a line, in the order of the stops.
  function initTourMap(el) {
    if (typeof L === "undefined") { return; }
    var data = readJSON(el.dataset.tourRoute) || { points: [] };
    var map = L.map(el, { scrollWheelZoom: false });
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: escapeHTML(el.dataset.attribution) }).addTo(map);
    var latlngs = [];
    data.points.forEach(function (p) {
      var latlng = [p.lat, p.lng];
      latlngs.push(latlng);
      var icon = L.divIcon({
        className: "tour-marker" + (p.confirmed ? " tour-marker-confirmed" : ""),
        html: "<span>" + escapeHTML(p.position) + "</span>",
        iconSize: [28, 28],
        iconAnchor: [14, 14]
      });
      L.marker(latlng, { icon: icon, title: p.position + ". " + p.name, alt: p.position + ". " + p.name })
        .bindPopup("<strong>" + escapeHTML(p.position) + ". <a href=\"" + escapeHTML(p.url) + "\">" +
          escapeHTML(p.name) + "</a></strong><br>" + escapeHTML(p.arrives) + " – " + escapeHTML(p.leaves))
        .addTo(map);
    });
    if (latlngs.length > 1) {
      L.polyline(latlngs, { className: "tour-line", weight: 4 }).addTo(map);
    }
    if (latlngs.length) {
      map.fitBounds(L.latLngBounds(latlngs), { padding: [30, 30], maxZoom: 13 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
    el.dataset.markerCount = String(latlngs.length);
    el.classList.add("map-ready");
  }

  // The recurrence picker: shows the fields the chosen repetition needs and writes its RRULE
  // into the rule field (the server builds the same rule when JavaScript is off). The French
  // preview (#rrule-preview) comes from the server through htmx.
  var DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

  function initRecurrence(box) {
    function field(name) { return box.querySelector("[data-recurrence='" + name + "']"); }
    function wrapper(name) { var f = field(name); return f ? f.closest(".field") : null; }
    var repeat = field("repeat");
    var rrule = field("rrule");
    var start = document.querySelector("input[name='starts_at']");
    if (!repeat || !rrule) { return; }

    function build() {
      var kind = repeat.value;
      if (!kind || kind === "custom") { return kind ? rrule.value : ""; }
      var weekday = field("weekday").value;
      if (!weekday && start && start.value) {
        var d = new Date(start.value);
        if (!isNaN(d)) { weekday = DAYS[(d.getDay() + 6) % 7]; }
      }
      weekday = weekday || "MO";
      var parts = [kind === "weekly" ? "FREQ=WEEKLY" : "FREQ=MONTHLY"];
      var interval = parseInt(field("interval").value, 10);
      if (interval > 1) { parts.push("INTERVAL=" + interval); }
      var nth = field("nth").value;
      if (!nth && start && start.value) {
        var s = new Date(start.value);
        var week = new Date(s.getTime() + 7 * 86400000);
        if (!isNaN(s)) { nth = week.getMonth() !== s.getMonth() ? "-1" : String(Math.floor((s.getDate() - 1) / 7) + 1); }
      }
      parts.push("BYDAY=" + (kind === "monthly" ? (nth || "1") : "") + weekday);
      var until = field("until").value;
      var count = parseInt(field("count").value, 10);
      if (until) { parts.push("UNTIL=" + until.replace(/-/g, "") + "T235959"); }
      else if (count > 0) { parts.push("COUNT=" + count); }
      return parts.join(";");
    }

    function update() {
      var kind = repeat.value;
      var show = {
        interval: kind === "weekly" || kind === "monthly",
        weekday: kind === "weekly" || kind === "monthly",
        nth: kind === "monthly",
        until: kind === "weekly" || kind === "monthly",
        count: kind === "weekly" || kind === "monthly",
        rrule: kind === "custom"
      };
      Object.keys(show).forEach(function (name) {
        var w = wrapper(name);
        if (w) { w.hidden = !show[name]; }
      });
      if (kind && kind !== "custom") { rrule.value = build(); }
    }

    box.addEventListener("change", update);
    box.addEventListener("input", update);
    if (start) { start.addEventListener("change", update); }
    update();
  }

  function init() {
    document.querySelectorAll("[data-tour-route]").forEach(initTourMap);
    document.querySelectorAll("[data-recurrence-picker]").forEach(initRecurrence);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
