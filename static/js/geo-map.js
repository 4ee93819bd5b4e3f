/* The geographic map of clusters: a tooltip naming the state or cluster under the pointer
   or the keyboard focus. The page is complete without it (each shape has a title and an
   accessible name; the table below gives the same figures). */
(function () {
  "use strict";
  var map = document.querySelector("[data-geo-map]");
  if (!map) return;
  var figure = map.parentNode;
  var tip = document.createElement("div");
  tip.className = "geo-tooltip";
  tip.setAttribute("aria-hidden", "true");
  tip.hidden = true;
  figure.appendChild(tip);

  function show(link, x, y) {
    tip.textContent = link.getAttribute("aria-label");
    tip.hidden = false;
    var box = figure.getBoundingClientRect();
    var left = Math.min(x - box.left + 12, box.width - tip.offsetWidth - 4);
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = Math.max(0, y - box.top + 12) + "px";
  }
  function linkOf(target) {
    return target.closest ? target.closest("a[aria-label]") : null;
  }
  map.addEventListener("mousemove", function (event) {
    var link = linkOf(event.target);
    if (link) show(link, event.clientX, event.clientY);
    else tip.hidden = true;
  });
  map.addEventListener("mouseleave", function () { tip.hidden = true; });
  map.addEventListener("focusin", function (event) {
    var link = linkOf(event.target);
    if (!link) return;
    var box = link.getBoundingClientRect();
    show(link, box.left + box.width / 2, box.top + box.height / 2);
  });
  map.addEventListener("focusout", function () { tip.hidden = true; });
})();
