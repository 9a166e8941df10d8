// Registers the service worker that keeps the app shell on the phone.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").then(function (reg) {
      // A new version installed during an earlier visit waits so that it never swaps files
      // under an open page; this page load is the "next load", so it may take over now.
      if (reg.waiting) reg.waiting.postMessage("skip-waiting");
      // Look for a new build on every load with signal, not only when the browser decides to:
      // it installs in the background and takes over on the next load.
      else if (navigator.onLine) reg.update().catch(function () {});
    }).catch(function (e) { console.warn("service worker not registered", e); });
    // Ask the browser not to evict our storage when space runs low (unsent records live there).
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
  });
}
