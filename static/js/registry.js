// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // On a phone the filter panel starts folded, unless it shows an error or active filters.
  var filters = document.querySelector("details.filters[data-collapse-on-phone]");
  if (filters && window.matchMedia("(max-width: 48rem)").matches) {
    filters.open = false;
  }

  // Printing shows every figure history and other folded details.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.setAttribute("open", "");
      details.dataset.openedForPrint = "true";
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-opened-for-print]").forEach(function (details) {
      details.removeAttribute("open");
      delete details.dataset.openedForPrint;
    });
  });
})();
