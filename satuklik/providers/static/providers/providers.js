// Partner hospitals: the map (Leaflet) and "Nearest to me". The page works without them:
// the search is a plain GET form and the list shows every result.
(function () {
  "use strict";

  var map = null;
  var layer = null;

  // The finer filters are folded on a phone (results first); a wide screen has room for them.
  var more = document.querySelector(".provider-more");
  if (more && window.matchMedia("(min-width: 768px)").matches) more.open = true;

  function readData() {
    var node = document.getElementById("provider-map-data");
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function renderMap() {
    var box = document.getElementById("provider-map");
    var data = readData();
    if (!box || !data || typeof L === "undefined") return;
    if (!map) {
      map = L.map(box, { scrollWheelZoom: false });
      // Tiles are decoration: when the tile server cannot be reached the markers still show.
      L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
      layer = L.layerGroup().addTo(map);
    }
    layer.clearLayers();
    var points = [];
    (data.markers || []).forEach(function (item) {
      var marker = L.marker([item.lat, item.lng], { title: item.name, alt: item.name });
      marker.bindPopup(item.url ? '<a href="' + escapeHtml(item.url) + '">' + escapeHtml(item.name) + "</a>" : escapeHtml(item.name));
      marker.addTo(layer);
      points.push([item.lat, item.lng]);
    });
    if (data.origin && data.origin.source === "location") {
      L.circleMarker([data.origin.lat, data.origin.lng], { radius: 8, color: "#1f5f8b", fillOpacity: 0.8 })
        .bindTooltip(box.dataset.originLabel || "")
        .addTo(layer);
      points.push([data.origin.lat, data.origin.lng]);
    }
    box.hidden = points.length === 0;
    if (points.length === 1) {
      map.setView(points[0], Number(box.dataset.zoom || 14));
    } else if (points.length > 1) {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
    } else {
      return;
    }
    map.invalidateSize();
  }

  function setupNearest() {
    var button = document.querySelector("[data-nearest]");
    var form = button && button.closest("form");
    var message = document.querySelector("[data-geo-message]");
    if (!button || !form || !("geolocation" in navigator)) return;
    button.hidden = false;
    function fail(text) {
      button.disabled = false;
      message.textContent = text;
      message.hidden = false;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      message.hidden = true;
      // The browser asks the member for permission only now, on this press.
      navigator.geolocation.getCurrentPosition(
        function (position) {
          button.disabled = false;
          form.elements.lat.value = position.coords.latitude.toFixed(6);
          form.elements.lng.value = position.coords.longitude.toFixed(6);
          if (form.requestSubmit) form.requestSubmit(); else form.submit();
        },
        function (error) {
          fail(error && error.code === 1 ? button.dataset.deniedMessage : button.dataset.unavailableMessage);
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderMap();
    setupNearest();
  });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "results") renderMap();
  });
})();
