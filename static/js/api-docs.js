/* The API's Swagger UI page (templates/drf_spectacular/swagger_ui.html), for keyboard and
   screen-reader users: names for the select boxes of query parameters (Swagger UI gives
   them none), and code samples that scroll sideways reachable by keyboard (tabindex).
   Re-applied whenever Swagger UI draws (it renders with React as sections open). */
(function () {
  "use strict";

  function fix() {
    document.querySelectorAll(".swagger-ui tr[data-param-name]").forEach(function (row) {
      var name = row.getAttribute("data-param-name");
      var where = row.getAttribute("data-param-in");
      var label = where ? name + " (" + where + ")" : name;
      row.querySelectorAll("select, input, textarea").forEach(function (field) {
        if (!field.getAttribute("aria-label") && !field.labels.length) {
          field.setAttribute("aria-label", label);
        }
      });
    });
    document.querySelectorAll(".swagger-ui select:not([aria-label])").forEach(function (select) {
      if (!select.labels.length) {
        var header = select.closest(".opblock-section-header, .response-controls, .servers");
        var text = header ? header.querySelector("label, h4, .servers-title") : null;
        if (text && !text.contains(select)) {
          select.setAttribute("aria-label", text.textContent.trim());
        }
      }
    });
    document.querySelectorAll(".swagger-ui pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
  }

  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        fix();
      });
    }
  }

  var root = document.getElementById("swagger-ui");
  if (root) {
    new MutationObserver(schedule).observe(root, { childList: true, subtree: true });
    fix();
  }
})();
