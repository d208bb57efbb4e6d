/*
 * The Gaps view's map, a progressive enhancement: the table "By area" holds the same
 * numbers, so the page is complete without this script.
 *
 * The map is the element with `data-gap-map`; it reads
 *   data-points       the id of a `json_script` element holding
 *                     [{lat, lon, count, approximate, areas: [{label, count, url}]}, …]
 *   data-tile-url     an XYZ tile URL template (settings.LOTSA_MAP_TILE_URL)
 *   data-attribution  the tile attribution (settings.LOTSA_MAP_ATTRIBUTION, trusted HTML)
 *   data-examples-label, data-too-few-label  the popup's words, translated
 * Each point is a circle with its count (an L.divIcon sized by a CSS class), so it shows even
 * when no map tile loads; its popup lists the areas there with links to their examples.
 */
(function () {
  "use strict";

  var SIZES = [28, 34, 42, 52, 64];

  function readPoints(element) {
    var source = document.getElementById(element.dataset.points || "");
    if (!source) {
      return [];
    }
    try {
      var data = JSON.parse(source.textContent);
      return Array.isArray(data) ? data : [];
    } catch (error) {
      return [];
    }
  }

  function sizeOf(count, largest) {
    // By area, not radius: the square root keeps a big count from drowning the rest.
    var step = Math.ceil(SIZES.length * Math.sqrt(count / Math.max(largest, 1)));
    return SIZES[Math.min(Math.max(step, 1), SIZES.length) - 1];
  }

  function popupContent(point, element) {
    // Built as DOM nodes, never as an HTML string: area names are typed by link workers.
    var box = document.createElement("div");
    box.className = "gap-popup";
    var list = document.createElement("ul");
    point.areas.forEach(function (area) {
      var item = document.createElement("li");
      item.appendChild(document.createTextNode(area.label + ": " + area.count + " "));
      if (area.url) {
        var link = document.createElement("a");
        link.href = area.url;
        link.textContent = element.dataset.examplesLabel || "";
        item.appendChild(link);
      } else {
        var note = document.createElement("span");
        note.className = "muted";
        note.textContent = "(" + (element.dataset.tooFewLabel || "") + ")";
        item.appendChild(note);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function showMap(element) {
    if (typeof L === "undefined" || element.dataset.mapReady) {
      return;
    }
    var points = readPoints(element).filter(function (p) {
      return typeof p.lat === "number" && typeof p.lon === "number" && p.count > 0;
    });
    if (!points.length) {
      return;
    }
    element.hidden = false;
    element.dataset.mapReady = "true";
    var map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 18,
        attribution: element.dataset.attribution || "",
      }).addTo(map);
    }
    var largest = Math.max.apply(null, points.map(function (p) { return p.count; }));
    var bounds = [];
    points.forEach(function (point) {
      var size = sizeOf(point.count, largest);
      var label = document.createElement("span");
      label.textContent = String(point.count);
      var icon = L.divIcon({
        className: "gap-marker" + (point.approximate ? " gap-approximate" : ""),
        html: label,
        iconSize: [size, size],
        iconAnchor: [size / 2, size / 2],
      });
      var title = point.areas.map(function (a) { return a.label + ": " + a.count; }).join(", ");
      // Out of the tab order: the table's links are the keyboard's way to the same examples.
      L.marker([point.lat, point.lon], { icon: icon, title: title, keyboard: false })
        .bindPopup(popupContent(point, element))
        .addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 11);
    } else {
      map.fitBounds(bounds, { padding: [40, 40], maxZoom: 12 });
    }
  }

  document.querySelectorAll("[data-gap-map]").forEach(showMap);
})();
