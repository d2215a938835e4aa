// 长辈模式 (larger text, stronger contrast): the choice is kept in localStorage and applied
// before the page paints, so it holds on every page without a server round trip or a cookie
// that would split the page cache.
(function () {
  var KEY = "portal-reading-mode";
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY) === "large"; } catch (e) { return false; }
  }
  function apply(on) {
    root.classList.toggle("reading-mode-large", on);
    var buttons = document.querySelectorAll("[data-reading-mode-toggle]");
    for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
  }
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    apply(stored());
    var buttons = document.querySelectorAll("[data-reading-mode-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var on = !root.classList.contains("reading-mode-large");
        try { window.localStorage.setItem(KEY, on ? "large" : "normal"); } catch (e) { /* private mode: this page only */ }
        apply(on);
      });
    }
  });
})();
