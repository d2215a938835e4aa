// The phone menu: closed by default on narrow screens, opened by its button. Without
// JavaScript the button stays hidden and the menu stays open, so nothing is out of reach.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var nav = document.querySelector("[data-site-nav]");
    var toggle = nav && nav.querySelector("[data-site-nav-toggle]");
    if (!toggle) return;
    toggle.hidden = false;
    nav.classList.add("site-nav--collapsible");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("site-nav--open", open);
    });
  });
})();
