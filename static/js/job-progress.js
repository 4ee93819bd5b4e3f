// A running job's page: poll its progress JSON and update the bar in place (no reload).
// Without this script the page refreshes itself (a meta refresh inside <noscript>).
(function () {
  "use strict";

  var section = document.querySelector("[data-job-progress]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-job-progress");
  var bar = section.querySelector("progress");
  var state = document.querySelector("[data-job-state]");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "en-IN");
  var INTERVAL = 1000;

  function show(name, text) {
    var element = section.querySelector("[data-job-" + name + "]");
    if (element) {
      element.textContent = text;
    }
  }

  function update(progress) {
    bar.max = progress.steps || 1;
    bar.value = progress.done;
    bar.textContent = progress.percent + "%";
    show("phase", progress.phase.charAt(0).toUpperCase() + progress.phase.slice(1));
    show("percent", progress.percent);
    show("validated", numbers.format(progress.validated));
    show("written", numbers.format(progress.written));
    show("total", numbers.format(progress.total));
    show("elapsed", Math.round(progress.elapsed));
    if (state) {
      state.textContent = progress.state_label;
      state.className = "job-state job-state--" + progress.state;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        update(progress);
        if (progress.finished) {
          // The outcome (summary or every error) is rendered by the server.
          window.location.reload();
        } else {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        window.setTimeout(poll, INTERVAL * 5);
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
