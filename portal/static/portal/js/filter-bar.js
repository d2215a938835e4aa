// A list's filter bar on a phone: closed behind its 筛选 toggle so the results come first;
// open again on a wider screen, where the toggle is hidden. Without JavaScript it stays open.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var panels = document.querySelectorAll("[data-filter-bar-panel]");
    if (!panels.length || !window.matchMedia) return;
    var narrow = window.matchMedia("(max-width: 40rem)");
    function fit() {
      panels.forEach(function (panel) { panel.open = !narrow.matches; });
    }
    fit();
    narrow.addEventListener("change", fit);
  });
})();
