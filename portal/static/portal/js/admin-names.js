// Gives an accessible name to two things Wagtail's admin leaves unnamed, so that a screen
// reader announces what they are (axe-core: aria-input-field-name, aria-dialog-name):
// - a rich-text editor (Draftail) is named by its field's label, or in a StreamField block
//   by the block's heading;
// - a modal dialog (modal-workflow.js, e.g. a reviewer's 退回修改 form) is named by its title.
(function () {
  "use strict";

  function labelId(element) {
    if (!element.id) {
      element.id = "portal-name-" + Math.random().toString(36).slice(2, 10);
    }
    return element.id;
  }

  function nameEditors(root) {
    root.querySelectorAll(".public-DraftEditor-content:not([aria-labelledby]):not([aria-label])")
      .forEach(function (editor) {
        var wrapper = editor.closest("[data-draftail-editor-wrapper]");
        var input = wrapper && wrapper.previousElementSibling;
        var label = input && input.id ? document.querySelector('label[for="' + input.id + '"]') : null;
        if (!label) {
          var panel = editor.closest("[data-panel]");
          label = panel && panel.querySelector("[data-panel-heading]");
        }
        if (label) {
          editor.setAttribute("aria-labelledby", labelId(label));
        }
      });
  }

  function nameDialogs(root) {
    root.querySelectorAll('.modal[role="dialog"]:not([aria-labelledby]):not([aria-label])')
      .forEach(function (dialog) {
        var title = dialog.querySelector("h1, h2");
        if (title && title.textContent.trim()) {
          // The title's id repeats the page header's (both are header-title): named by text.
          dialog.setAttribute("aria-label", title.textContent.trim());
        }
      });
  }

  function name() {
    nameEditors(document);
    nameDialogs(document);
  }

  // The admin changes its page often (panels, choosers, dialogs): name what was added once per
  // frame, not once per change.
  var scheduled = false;
  function nameSoon() {
    if (scheduled) {
      return;
    }
    scheduled = true;
    window.requestAnimationFrame(function () {
      scheduled = false;
      name();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    name();
    new MutationObserver(nameSoon).observe(document.body, { childList: true, subtree: true });
  });
})();
