// The admin's multi-select (portal/widgets.py): a filter field over a list of checkboxes,
// and a line naming what is chosen. Started on load and on every form added later.
(function () {
  "use strict";

  function start(box) {
    box.setAttribute("data-searchable-select-started", "");
    var filter = box.querySelector("[data-searchable-select-filter]");
    var chosen = box.querySelector("[data-searchable-select-chosen]");
    var options = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]"));
    function item(input) { return input.closest("div, li") || input.parentElement; }
    function label(input) { return (input.closest("label") || input.parentElement).textContent.trim(); }
    function showChosen() {
      var names = options.filter(function (input) { return input.checked; }).map(label);
      chosen.textContent = names.join("、");
      chosen.hidden = names.length === 0;
    }
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var words = filter.value.trim().toLowerCase();
      options.forEach(function (input) {
        item(input).hidden = words !== "" && label(input).toLowerCase().indexOf(words) === -1;
      });
    });
    // Enter in the filter must not submit the page form.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    options.forEach(function (input) { input.addEventListener("change", showChosen); });
    showChosen();
  }

  function startAll(root) {
    root.querySelectorAll("[data-searchable-select]:not([data-searchable-select-started])").forEach(start);
  }

  document.addEventListener("DOMContentLoaded", function () {
    startAll(document);
    new MutationObserver(function () { startAll(document); }).observe(document.body, { childList: true, subtree: true });
  });
})();
