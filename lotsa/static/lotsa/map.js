/*
 * Lotsa's maps, a progressive enhancement: the list beside each map holds the same
 * information, so the page is complete without this script.
 *
 * A map is any element with `data-map`; it reads
 *   data-markers    the id of a `json_script` element holding [{name, url, lat, lon}, …]
 *   data-tile-url   an XYZ tile URL template (settings.LOTSA_MAP_TILE_URL)
 *   data-attribution  the tile attribution (settings.LOTSA_MAP_ATTRIBUTION, trusted HTML)
 * Markers are CSS dots (L.divIcon), so they show even when no tile or image loads.
 *
 * The same file enables the search form's "Use my position" button (`data-locate`).
 * After htmx swaps in new content (and settles it), both run again on it.
 */
(function () {
  "use strict";

  var maps = [];

  function readMarkers(element) {
    var source = document.getElementById(element.dataset.markers || "");
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

  function popupContent(marker) {
    // Built as DOM nodes, never as an HTML string: names come from the public.
    var link = document.createElement("a");
    link.href = marker.url;
    link.textContent = marker.name;
    return link;
  }

  function showMap(element) {
    if (typeof L === "undefined" || element.dataset.mapReady) {
      return;
    }
    var markers = readMarkers(element).filter(function (m) {
      return typeof m.lat === "number" && typeof m.lon === "number";
    });
    if (!markers.length) {
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
    var icon = L.divIcon({ className: "marker-dot", iconSize: [18, 18], iconAnchor: [9, 9] });
    var bounds = [];
    markers.forEach(function (m) {
      // Markers stay out of the tab order: the list is the keyboard's way to the same links.
      L.marker([m.lat, m.lon], { icon: icon, title: m.name, keyboard: false })
        .bindPopup(popupContent(m))
        .addTo(map);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 14);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    }
    maps.push(map);
  }

  function forgetDetachedMaps() {
    maps = maps.filter(function (map) {
      if (document.body.contains(map.getContainer())) {
        return true;
      }
      map.remove();
      return false;
    });
  }

  function enableLocate(button) {
    if (!("geolocation" in navigator) || button.dataset.locateReady) {
      return;
    }
    button.dataset.locateReady = "true";
    button.hidden = false;
    button.addEventListener("click", function () {
      var form = button.form;
      var status = document.getElementById(button.dataset.status || "");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          // Two decimals (about a kilometre): the position ends up in a shareable URL.
          form.elements.lat.value = position.coords.latitude.toFixed(2);
          form.elements.lon.value = position.coords.longitude.toFixed(2);
          form.elements.near.value = "";
          if (form.requestSubmit) {
            form.requestSubmit();
          } else {
            form.submit();
          }
        },
        function () {
          if (status) {
            status.textContent = button.dataset.error || "";
          }
        },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
  }

  function enhance(root) {
    forgetDetachedMaps();
    root.querySelectorAll("[data-map]").forEach(showMap);
    root.querySelectorAll("[data-locate]").forEach(enableLocate);
  }

  enhance(document);
  // After the settle, not the swap: while settling, htmx gives a new element the class of the
  // old one with the same id (for CSS transitions), which would strip Leaflet's classes.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    enhance(event.detail.target || document);
  });
})();
