// Ceremony screen: rows glide to their new place when ranks change (FLIP), instead of jumping.
(function () {
  "use strict";
  var before = {};
  document.addEventListener("htmx:beforeSwap", function () {
    before = {};
    document.querySelectorAll(".board__row[data-unit]").forEach(function (row) {
      before[row.getAttribute("data-unit")] = row.getBoundingClientRect().top;
    });
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) { return; }
    document.querySelectorAll(".board__row[data-unit]").forEach(function (row) {
      var old = before[row.getAttribute("data-unit")];
      if (old === undefined) { return; }
      var delta = old - row.getBoundingClientRect().top;
      if (!delta) { return; }
      row.style.transition = "none";
      row.style.transform = "translateY(" + delta + "px)";
      requestAnimationFrame(function () {
        requestAnimationFrame(function () {
          row.style.transition = "";
          row.style.transform = "";
        });
      });
    });
  });
})();
