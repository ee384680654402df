// Service worker: the app shell and pages the member marked for offline use
// (the eCard) are served from cache when the network is gone.
const CACHE = "satuklik-v1";
const SHELL = ["/static/css/app.css", "/static/js/app.js", "/static/js/htmx.min.js", "/static/img/logo.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.headers.get("X-Offline-Cache") === "1" || url.pathname.startsWith("/cards/")) {
    // Network first, cache as a fallback: a card seen once stays viewable offline.
    event.respondWith(
      fetch(request).then((response) => {
        const copy = response.clone();
        if (response.ok) caches.open(CACHE).then((cache) => cache.put(request, copy));
        return response;
      }).catch(() => caches.match(request))
    );
  }
});
