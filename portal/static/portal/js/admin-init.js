// Starts what Wagtail's admin templates start with inline scripts, which the
// Content-Security-Policy forbids: the templates (portal/templates/wagtailadmin/)
// leave a data-portal-init element instead. Forms added later (inline panels) are
// started when they appear.
(function () {
  "use strict";
  var starters = {
    InlinePanel: function (options) { new window.InlinePanel(options); },
    MultipleChooserPanel: function (options) { new window.MultipleChooserPanel(options); },
    DateChooser: function (options, element) { window.initDateChooser(element.dataset.id, options); },
    TimeChooser: function (options, element) { window.initTimeChooser(element.dataset.id, options); },
    DateTimeChooser: function (options, element) { window.initDateTimeChooser(element.dataset.id, options); },
    // Page, image, document and snippet choosers: the constructor Wagtail names.
    Chooser: function (options, element) {
      var Constructor = element.dataset.constructor.split(".").reduce(function (scope, key) {
        return scope[key];
      }, window);
      new Constructor(element.dataset.id, options);
    },
  };

  function start(root) {
    root.querySelectorAll("[data-portal-init]:not([data-portal-started])").forEach(function (element) {
      element.setAttribute("data-portal-started", "");
      var starter = starters[element.dataset.portalInit];
      if (starter) {
        starter(JSON.parse(element.dataset.options || "{}"), element);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    start(document);
    new MutationObserver(function () { start(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
})();
