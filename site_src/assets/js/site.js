// Site-wide behaviour that is not Material's: the 大字 switch.
// Loaded as a file on every page (no inline script, so the CSP can stay 'self' + hashes).
(function () {
  "use strict";
  var KEY = "songshan-ce.text-size";
  var root = document.documentElement;

  function remember(large) {
    try {
      if (large) {
        window.localStorage.setItem(KEY, "large");
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (e) {
      // Not stored; the choice still applies to this page.
    }
  }

  function show(large) {
    root.classList.toggle("text-large", large);
    document.querySelectorAll("[data-text-size-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", large ? "true" : "false");
    });
  }

  document.querySelectorAll("[data-text-size-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var large = !root.classList.contains("text-large");
      show(large);
      remember(large);
    });
  });
  show(root.classList.contains("text-large"));
})();
