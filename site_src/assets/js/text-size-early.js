// Runs in <head> before the first paint: restore the 大字 (large text, high contrast) choice.
// The toggle itself lives in site.js.
(function () {
  try {
    if (window.localStorage.getItem("songshan-ce.text-size") === "large") {
      document.documentElement.classList.add("text-large");
    }
  } catch (e) {
    // Storage can be blocked (private mode, some in-app browsers): keep the normal size.
  }
})();
