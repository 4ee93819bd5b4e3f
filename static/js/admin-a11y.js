/* The curation workbench (/admin/), for screen readers: Django's autocomplete boxes
   (select2) get the name of the field they stand for. Select2 names its box after the
   chosen option only (nothing when empty), gives a read-only "textbox" inside it no name,
   and puts its "clear" button inside a list. Runs on load and whenever select2 draws or
   an inline row is added. The page works without it: select2 itself needs JavaScript.
   Also two gaps of Django's own widgets (fixDjango). */
(function () {
  "use strict";

  function fieldName(select) {
    var name = select.getAttribute("aria-label");
    if (!name && select.labels && select.labels.length) {
      name = select.labels[0].textContent.replace(/:\s*$/, "").trim();
    }
    return name || select.name;
  }

  function nameTag(select, name) {
    var id = "select2-" + select.id + "-name";
    var tag = document.getElementById(id);
    if (!tag) {
      tag = document.createElement("span");
      tag.id = id;
      tag.className = "visually-hidden";
      select.parentNode.insertBefore(tag, select);
    }
    if (tag.textContent !== name) {
      tag.textContent = name;
    }
    return id;
  }

  function fixBox(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT" || !select.id) {
      return;
    }
    var name = fieldName(select);
    var nameId = nameTag(select, name);
    var selection = container.querySelector(".select2-selection");
    var rendered = container.querySelector(".select2-selection__rendered");
    if (selection) {
      var ids = nameId + (rendered && rendered.id ? " " + rendered.id : "");
      if (selection.getAttribute("aria-labelledby") !== ids) {
        selection.setAttribute("aria-labelledby", ids);
      }
    }
    if (rendered && rendered.getAttribute("role") === "textbox") {
      rendered.removeAttribute("role");
      rendered.removeAttribute("aria-readonly");
    }
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      if (field.getAttribute("aria-label") !== name) {
        field.setAttribute("aria-label", name);
      }
    });
    if (rendered && rendered.tagName === "UL") {
      Array.prototype.forEach.call(rendered.parentNode.children, function (child) {
        if (child !== rendered && child.classList.contains("select2-selection__clear")) {
          child.remove();
        }
      });
      Array.prototype.forEach.call(rendered.children, function (child) {
        if (child.tagName !== "LI") {
          rendered.parentNode.insertBefore(child, rendered);
        }
      });
    }
  }

  // Django's own: the tooltip icons of the two-box permission pickers (SelectFilter2)
  // carry aria-label on a plain span; the list's search box may be named only by a title.
  function fixDjango() {
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    var search = document.getElementById("searchbar");
    if (search && !search.getAttribute("aria-label")) {
      var button = document.querySelector("#changelist-search [type=submit]");
      search.setAttribute("aria-label", button ? button.value : "Search");
    }
  }

  var pending = false;
  function fixAll() {
    pending = false;
    document.querySelectorAll("span.select2-container").forEach(fixBox);
    fixDjango();
  }
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(fixAll);
    }
  }

  function start() {
    fixAll();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
