// Runs in <head> on every page, before the first paint and before Material's bundle.

// Restore the 大字 (large text, high contrast) choice. The toggle itself lives in site.js.
(function () {
  try {
    if (window.localStorage.getItem("songshan-ce.text-size") === "large") {
      document.documentElement.classList.add("text-large");
    }
  } catch (e) {
    // Storage can be blocked (private mode, some in-app browsers): keep the normal size.
  }
})();

// Material's bundle asks for the search index (search/search_index.json, 0.12 MB) as soon as a page
// opens, with XMLHttpRequest. Most visits never search, and on the self-check pages the index
// competes with the engine's download on a slow link, so its request is sent only once the person
// goes to the search: focus inside the search box (Material gives it focus on a tap, a click and
// its / s f keys) or the search toggle. Until then Material shows its "initialising" line there.
// A page opened from a search result (?h=word) needs the index at once: Material marks the word
// with the index's word separator.
(function () {
  var INDEX = /\/search\/search_index\.json$/;
  var held = new WeakSet();
  var waiting = [];
  var wanted = new URLSearchParams(location.search).has("h");
  function release() {
    if (wanted) return;
    wanted = true;
    waiting.splice(0).forEach(function (send) { send(); });
  }
  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest(".md-search")) release();
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search") release();
  }, true);
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    if (INDEX.test(new URL(String(url), document.baseURI).pathname)) held.add(this);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (wanted || !held.has(request)) return send.apply(request, args);
    waiting.push(function () { send.apply(request, args); });
  };
})();
