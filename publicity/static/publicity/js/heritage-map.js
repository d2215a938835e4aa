// The red-heritage map: Leaflet (vendored beside this file), the tile server and the markers the page
// hands over in <script type="application/json" id="heritage-map-data"> (the CSP allows no inline script).
(function () {
  "use strict";

  function popup(point) {
    var box = document.createElement("div");
    var name = document.createElement(point.url ? "a" : "strong");
    name.textContent = point.title;
    if (point.url) name.href = point.url;
    box.appendChild(name);
    if (point.place) {
      var place = document.createElement("div");
      place.textContent = point.place;
      box.appendChild(place);
    }
    return box;
  }

  function start() {
    var data = document.getElementById("heritage-map-data");
    var container = document.getElementById("heritage-map");
    if (!data || !container || !window.L) return;
    var config = JSON.parse(data.textContent);
    var icon = L.icon({
      iconUrl: config.icon,
      iconRetinaUrl: config.icon_2x,
      shadowUrl: config.shadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41]
    });
    // The wheel scrolls the page, not the map: the list of sites is what readers came for.
    var map = L.map(container, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: config.zoom_in, zoomOutTitle: config.zoom_out }).addTo(map);
    // Leaflet credited by name only (its default prefix adds a flag to the credit line).
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    // The site sends no Referer (same-origin policy); tile servers such as OpenStreetMap's want one:
    // the origin alone, never the page's path.
    L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 18, referrerPolicy: "strict-origin" })
      .addTo(map);
    var corners = [];
    config.points.forEach(function (point) {
      L.marker([point.lat, point.lng], { icon: icon, title: point.title, alt: point.title })
        .bindPopup(popup(point))
        .addTo(map);
      corners.push([point.lat, point.lng]);
    });
    if (corners.length === 1) {
      map.setView(corners[0], 14);
    } else {
      map.fitBounds(corners, { padding: [32, 32], maxZoom: 14 });
    }
    container.classList.add("heritage-map--ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
