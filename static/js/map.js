// Stakeholder map: while a stakeholder is under the pointer or has the focus, its links and
// the stakeholders at their other ends stay bright and the rest fade. Progressive
// enhancement only: the map, its links and the table of links work without this file.
(function () {
  "use strict";

  var svg = document.querySelector("[data-map] .map-svg");
  if (!svg) {
    return;
  }
  var edgesByNode = {};
  svg.querySelectorAll(".map-edge").forEach(function (edge) {
    [edge.getAttribute("data-source"), edge.getAttribute("data-target")].forEach(function (id) {
      (edgesByNode[id] = edgesByNode[id] || []).push(edge);
    });
  });
  var nodes = {};
  svg.querySelectorAll(".map-node").forEach(function (node) {
    nodes[node.getAttribute("data-node")] = node;
  });
  var active = [];

  function clear() {
    active.forEach(function (element) {
      element.classList.remove("is-active");
    });
    active = [];
    svg.classList.remove("is-highlighting");
  }

  function highlight(node) {
    clear();
    var id = node.getAttribute("data-node");
    active.push(node);
    (edgesByNode[id] || []).forEach(function (edge) {
      active.push(edge);
      var other = edge.getAttribute("data-source") === id
        ? edge.getAttribute("data-target")
        : edge.getAttribute("data-source");
      if (nodes[other]) {
        active.push(nodes[other]);
      }
    });
    active.forEach(function (element) {
      element.classList.add("is-active");
    });
    svg.classList.add("is-highlighting");
  }

  Object.keys(nodes).forEach(function (id) {
    var node = nodes[id];
    node.addEventListener("mouseenter", function () {
      highlight(node);
    });
    node.addEventListener("focus", function () {
      highlight(node);
    });
    node.addEventListener("mouseleave", clear);
    node.addEventListener("blur", clear);
  });
})();
