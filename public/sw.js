// Reintegra service worker. The server writes the build identifier in place of __BUILD__, so
// every release installs a new worker with its own caches.
"use strict";
const BUILD = "__BUILD__";
const SHELL = "reintegra-shell-" + BUILD; // hashed assets, icons, manifest
const PAGES = "reintegra-pages-" + BUILD; // server-rendered pages last seen online
// Kept in the pages cache: the language of the last page seen.
const LANG_KEY = "/__reintegra-language";
// The offline page for a page never seen online, in the language of the last page seen.
const OFFLINE = {
  sq: "Pa rrjet. Kjo faqe nuk është hapur ende me rrjet në këtë pajisje.",
  "sr-Latn": "Nema mreže. Ova stranica još nije otvorena uz mrežu na ovom uređaju.",
  "sr-Cyrl": "Нема мреже. Ова страница још није отворена уз мрежу на овом уређају.",
  tr: "Ağ yok. Bu sayfa bu cihazda henüz ağ ile açılmadı.",
  en: "Offline. This page has not been opened online on this device yet.",
};
const STATIC = ["/manifest.webmanifest", "/icons/icon-192.png", "/icons/icon-512.png", "/register-sw.js"];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL);
    const pages = await caches.open(PAGES);
    const assets = new Set(STATIC);
    // "/field" is the field worker's offline screen: it must open with no network at all.
    for (const path of ["/", "/login", "/field"]) {
      try {
        const res = await fetch(path, { credentials: "same-origin", cache: "no-store" });
        if (!res.ok) continue;
        const html = await res.clone().text();
        for (const m of html.matchAll(/\/pkg\/[A-Za-z0-9_.\-]+/g)) assets.add(m[0]);
        // "/" answers with the sign-in page when nobody is signed in: keep only real pages.
        if (!res.redirected) await pages.put(path, res);
      } catch (e) {
        // Offline during install: the worker will be installed again on a later visit.
      }
    }
    await precache(shell, [...assets]);
    // No skipWaiting here: an open page keeps the worker it started with (see register-sw.js).
  })());
});

// The whole build or nothing: every file is fetched (or found unchanged in an earlier build's
// cache: hashed names never change their content) before any is stored, so a build cut off
// halfway leaves no partial cache and the install fails; the old worker and its caches stay
// until a later visit completes the new one. A file already on the phone is not downloaded again.
async function precache(shell, paths) {
  const earlier = (await caches.keys()).filter((k) => k.startsWith("reintegra-shell-") && k !== SHELL);
  const responses = await Promise.all(paths.map(async (path) => {
    if (path.startsWith("/pkg/")) {
      for (const key of earlier) {
        const hit = await (await caches.open(key)).match(path, { ignoreVary: true });
        if (hit) return hit;
      }
    }
    // A hashed file the page has just downloaded is in the browser's HTTP cache (immutable):
    // taken from there rather than downloaded a second time.
    const mode = path.startsWith("/pkg/") ? "default" : "no-store";
    const res = await fetch(path, { credentials: "same-origin", cache: mode });
    if (!res.ok) throw new Error(path + " answered " + res.status);
    return res;
  }));
  await Promise.all(paths.map((path, i) => shell.put(path, responses[i])));
}

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("reintegra-") && key !== SHELL && key !== PAGES) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

async function forgetPages() {
  await caches.delete(PAGES);
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;

  // Signing out removes the pages that show the user's name and data.
  if (url.pathname === "/api/logout") {
    event.respondWith(fetch(req).then((res) => forgetPages().then(() => res)));
    return;
  }
  // Data and server functions always go to the network.
  if (req.method !== "GET" || url.pathname.startsWith("/api/") || url.pathname === "/health") return;

  if (req.mode === "navigate") {
    event.respondWith(page(req, url));
    return;
  }
  if (url.pathname.startsWith("/pkg/") || STATIC.includes(url.pathname)) {
    event.respondWith(asset(req));
  }
});

// Pages: the network first (fresh data), the last copy when offline.
async function page(req, url) {
  const pages = await caches.open(PAGES);
  try {
    const res = await fetch(req);
    if (res.ok && !res.redirected && (res.headers.get("content-type") || "").startsWith("text/html")) {
      await pages.put(url.pathname, res.clone());
      // The language of the last page seen, for the offline page below.
      const lang = (await res.clone().text()).match(/<html[^>]*\blang="([A-Za-z-]+)"/);
      if (lang) await pages.put(LANG_KEY, new Response(lang[1]));
    }
    return res;
  } catch (e) {
    const cached = (await pages.match(url.pathname, { ignoreVary: true })) || (await pages.match("/", { ignoreVary: true })) || (await pages.match("/login", { ignoreVary: true }));
    if (cached) return cached;
    const seen = await pages.match(LANG_KEY);
    const lang = seen ? await seen.text() : "sq";
    const text = OFFLINE[lang] || OFFLINE.sq;
    return new Response(`<!doctype html><html lang="${lang}"><meta charset=utf-8><meta name=viewport content="width=device-width"><title>Reintegra</title><p>${text}</p></html>`, {
      status: 503,
      headers: { "content-type": "text/html; charset=utf-8" },
    });
  }
}

// Hashed files never change: the cache first, the network once.
async function asset(req) {
  const shell = await caches.open(SHELL);
  const hit = await shell.match(req, { ignoreVary: true });
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) await shell.put(req, res.clone());
  return res;
}
