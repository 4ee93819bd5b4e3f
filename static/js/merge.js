// The merge page (/manage/merge/...), enhanced; without this file it works the same, the
// records named by slug or by their address pasted.
// 1. Each record field becomes a combobox (WAI-ARIA 1.2 pattern, list autocomplete): typing
//    three letters asks the page's JSON search (data-merge-search) for at most 20 records;
//    arrows move, Enter or a click chooses (the field then holds the slug, the name is shown
//    under it), Escape closes. The number of results is announced.
// 2. Choosing the other survivor pre-selects its values in the rows not yet touched.
(function () {
  "use strict";

  var DELAY = 200;
  var MIN_LENGTH = 3;

  function text(tag, className, content) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = content;
    return node;
  }

  var texts = (document.querySelector("form.merge-pick") || { dataset: {} }).dataset;

  function announce(count) {
    if (!count) {
      return texts.textNone || "No record found";
    }
    if (count === 1) {
      return texts.textOne || "1 result";
    }
    return (texts.textMany || "%(count)s results").replace("%(count)s", String(count));
  }

  function setUp(input) {
    var url = input.getAttribute("data-merge-search");
    if (!url || !window.fetch) {
      return;
    }
    var field = input.parentNode;
    field.classList.add("autocomplete");
    var list = document.createElement("ul");
    list.id = input.id + "-listbox";
    list.className = "autocomplete__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", field.querySelector("label").textContent.trim());
    list.hidden = true;
    var status = text("div", "visually-hidden", "");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var chosen = text("span", "autocomplete__chosen", "");
    chosen.id = input.id + "-chosen";
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", chosen);
    field.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var described = (input.getAttribute("aria-describedby") || "").split(" ");
    described.push(chosen.id);
    input.setAttribute("aria-describedby", described.join(" ").trim());

    var timer = null;
    var asked = 0;
    var results = [];
    var active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var record = results[index];
      if (!record) {
        return;
      }
      input.value = record.slug;
      chosen.textContent = record.label + (record.detail ? " — " + record.detail : "");
      status.textContent = record.label;
      close();
    }

    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (record, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.className = "autocomplete__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.appendChild(text("span", "autocomplete__label", record.label));
        option.appendChild(text("span", "autocomplete__detail", record.detail + " · " + record.slug));
        // Keep the focus in the field while the pointer chooses.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(i);
        });
        list.appendChild(option);
      });
      status.textContent = announce(found.length);
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
    }

    function search() {
      var query = input.value.trim();
      if (query.length < MIN_LENGTH || query.indexOf("/") !== -1) {
        close();
        return;
      }
      var other = document.getElementById(input.getAttribute("data-merge-other"));
      var params = new URLSearchParams({ q: query, exclude: other ? other.value.trim() : "" });
      var ticket = ++asked;
      fetch(url + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (body) {
          if (ticket === asked) {
            show(body.results || []);
          }
        })
        .catch(function () {
          close();
        });
    }

    input.addEventListener("input", function () {
      chosen.textContent = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          search();
        } else {
          highlight(Math.min(active + 1, results.length - 1));
        }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  document.querySelectorAll("input[data-merge-search]").forEach(setUp);

  // The survivor's values pre-selected in the rows the curator has not touched.
  var rows = document.querySelectorAll("tr[data-merge-choice]");
  rows.forEach(function (row) {
    row.addEventListener("change", function () {
      row.setAttribute("data-touched", "true");
    });
  });
  document.querySelectorAll("input[name=survivor]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var key = radio.value === "second" ? "data-default-second" : "data-default-first";
      rows.forEach(function (row) {
        if (row.hasAttribute("data-touched")) {
          return;
        }
        var wanted = row.querySelector("input[type=radio][value='" + row.getAttribute(key) + "']");
        if (wanted) {
          wanted.checked = true;
        }
      });
    });
  });
})();
