// The facet drawer is closed on phones and always open beside the results on wide screens.
(function () {
  var drawer = document.querySelector("[data-facet-drawer]");
  if (!drawer || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 900px)");
  function follow() { drawer.open = wide.matches; }
  follow();
  if (wide.addEventListener) wide.addEventListener("change", follow);
})();
