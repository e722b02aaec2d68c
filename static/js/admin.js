// The Django admin, made accessible where its own scripts leave gaps. It only adds names
// and roles; every page works without it.
(function () {
  "use strict";

  function labelFor(select) {
    var own = select.getAttribute("aria-label");
    if (own) {
      return own;
    }
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  // Autocomplete pickers (select2): the box and its text are named after the field.
  function namePickers() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = labelFor(select);
      if (!name || !select.id) {
        return;
      }
      var rendered = document.getElementById("select2-" + select.id + "-container");
      if (!rendered) {
        return;
      }
      var box = rendered.closest(".select2-selection");
      if (box && box.getAttribute("aria-label") !== name) {
        box.setAttribute("aria-label", name);
        box.removeAttribute("aria-labelledby");
      }
      if (rendered.getAttribute("aria-label") !== name) {
        rendered.setAttribute("aria-label", name);
      }
    });
    // The filter boxes' help icons carry a label: give them the role that allows it.
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function start() {
    namePickers();
    new MutationObserver(namePickers).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
