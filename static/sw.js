// The explorer's service worker: keeps the page working offline after a first visit (a classroom with a flaky
// network). scripts/post-build.py writes the list of the build's files and a version (a hash of them) into the copy
// in dist/; this template is not served as is.
//
// - On install it caches every file of the build (the page, its script, its wasm, its styles, the other languages'
//   catalogues, the manifest, icons), asking the server, not the browser's HTTP cache, so that a new build's cache
//   never holds an old page.
// - The page itself is fetched from the network first (a new build is seen at once when online) and from the cache
//   when the network fails; so are the bug hunt's worker files, whose names carry no content hash (a new page must
//   not meet an old worker). Every other file comes from the cache first: the script, wasm and styles have a
//   content hash in their names, and the rest (catalogues, manifest, icons) belong to this build's cache, which a
//   new build replaces whole (its version is a hash of every file).
// - On activate it deletes the caches of older builds.
'use strict';
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = 'checkout-explorer-' + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((c) => c.addAll(FILES.map((url) => new Request(url, { cache: 'reload' }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((k) => k.startsWith('checkout-explorer-') && k !== CACHE)
        .map((k) => caches.delete(k))))
      .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    event.respondWith(fetch(req).catch(() =>
      caches.open(CACHE).then((c) => c.match('./')).then((r) => r || Response.error())));
    return;
  }
  if (/\/hunt-worker[^/]*$/.test(new URL(req.url).pathname)) {
    event.respondWith(fetch(req).catch(() =>
      caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true })).then((r) => r || Response.error())));
    return;
  }
  event.respondWith(caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true }).then((hit) => hit || fetch(req))));
});
