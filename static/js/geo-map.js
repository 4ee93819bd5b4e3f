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
    var title = link.querySelector("title");
    tip.textContent = link.getAttribute("aria-label") || (title && title.textContent);
    tip.hidden = false;
    var box = figure.getBoundingClientRect();
    var left = Math.min(x - box.left + 12, box.width - tip.offsetWidth - 4);
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = Math.max(0, y - box.top + 12) + "px";
  }
  function linkOf(target) {
    return target.closest ? target.closest("a.geo-state, a.geo-dot") : null;
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

/* The coordinate picker of the cluster form: a click on the small map of India fills in the
   latitude and longitude (four decimals, about 10 m); typing them moves the point. */
(function () {
  "use strict";
  var picker = document.querySelector("[data-coordinate-picker]");
  if (!picker) return;
  var form = picker.closest("form");
  var latitude = form && form.querySelector("[name=latitude]");
  var longitude = form && form.querySelector("[name=longitude]");
  var svg = picker.querySelector("svg");
  if (!latitude || !longitude || !svg || !svg.createSVGPoint) return;
  var d = picker.dataset;
  var west = parseFloat(d.west), north = parseFloat(d.north);
  var south = parseFloat(d.south), east = parseFloat(d.east);
  var xFactor = parseFloat(d.xFactor), scale = parseFloat(d.scale);
  var NS = "http://www.w3.org/2000/svg";

  function point() {
    var circle = svg.querySelector("[data-picker-point]");
    if (!circle) {
      circle = document.createElementNS(NS, "circle");
      circle.setAttribute("r", "7");
      circle.setAttribute("data-picker-point", "");
      svg.appendChild(circle);
    }
    return circle;
  }
  function place() {
    var lat = parseFloat(latitude.value), lon = parseFloat(longitude.value);
    var circle = svg.querySelector("[data-picker-point]");
    if (isNaN(lat) || isNaN(lon) || lat < south || lat > north || lon < west || lon > east) {
      if (circle) circle.remove();
      return;
    }
    circle = point();
    circle.setAttribute("cx", ((lon - west) * xFactor).toFixed(1));
    circle.setAttribute("cy", ((north - lat) * scale).toFixed(1));
  }
  svg.addEventListener("click", function (event) {
    var at = svg.createSVGPoint();
    at.x = event.clientX;
    at.y = event.clientY;
    var inside = at.matrixTransform(svg.getScreenCTM().inverse());
    latitude.value = (north - inside.y / scale).toFixed(4);
    longitude.value = (west + inside.x / xFactor).toFixed(4);
    [latitude, longitude].forEach(function (input) {
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    place();
  });
  latitude.addEventListener("input", place);
  longitude.addEventListener("input", place);
})();
