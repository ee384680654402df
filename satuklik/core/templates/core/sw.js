{% load static %}// Service worker: the app shell and an offline page are cached at install; pages the
// member marked for offline use (the eCard) are kept after each successful visit.
// Anything else always comes from the network, so nobody sees a stale or someone
// else's page. A kept page is served only to the person it was kept for (the owner its
// response named), and every kept page is dropped when a page names another owner or
// nobody (satuklik/core/offline.py). The cache is named after the release.
const CACHE = "{{ version|escapejs }}";
const OFFLINE_URL = "{% url 'core:offline' %}";
const SHELL = [{% for url in shell %}"{{ url|escapejs }}", {% endfor %}OFFLINE_URL];
const OWNER_HEADER = "{{ owner_header|escapejs }}";
const OWNER_KEY = "/__offline_owner__";

async function currentOwner() {
  const hit = await (await caches.open(CACHE)).match(OWNER_KEY);
  return hit ? hit.text() : "";
}

async function ownerIs(owner) {
  const cache = await caches.open(CACHE);
  if ((await currentOwner()) !== owner) {
    const shell = new Set(SHELL.map((url) => new URL(url, self.location.origin).href));
    for (const request of await cache.keys()) {
      if (!shell.has(request.url)) await cache.delete(request);
    }
  }
  await cache.put(OWNER_KEY, new Response(owner));
}

async function keptCopy(request) {
  const hit = await caches.match(request);
  const owner = await currentOwner();
  if (hit && owner && hit.headers.get(OWNER_HEADER) === owner) return hit;
  return caches.match(OFFLINE_URL);
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "owner") event.waitUntil(ownerIs(String(event.data.owner || "")));
});

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function keepForOffline(request) {
  const url = new URL(request.url);
  return request.headers.get("X-Offline-Cache") === "1" || url.pathname.startsWith("/cards/");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.startsWith("/static/")) {
    // Cache first for the shell; other static files straight from the network.
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (keepForOffline(request)) {
    // Network first, the last good copy when offline: a card seen once stays viewable.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      }).catch(() => keptCopy(request))
    );
    return;
  }
  if (request.mode === "navigate") {
    // Pages: always the network; the offline page when there is none.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
  }
});
