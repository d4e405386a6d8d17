// Portal behaviour on top of htmx. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  // Every htmx request carries the CSRF token in a header (requests without a form have no token field).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
    }
  });

  // Upload progress: a form with data-upload-progress="<id of a <progress>>" shows the bytes sent.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest ? event.target.closest("[data-upload-progress]") : null;
    if (!form || !event.detail.lengthComputable) { return; }
    var bar = document.getElementById(form.getAttribute("data-upload-progress"));
    if (bar) {
      bar.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });

  // A refused htmx request (403, 404, 413, 500…) is not swapped into the page; its message is shown
  // in the flash area instead, as text.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("flashes");
    if (!box) { return; }
    var doc = new DOMParser().parseFromString(event.detail.xhr.responseText || "", "text/html");
    var text = (doc.body && doc.body.textContent || "").trim() || event.detail.xhr.statusText;
    var p = document.createElement("p");
    p.className = "flash flash--error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    box.replaceChildren(p);
  });
  // The scoreboard is cached for everyone; the signed-in officer's own unit is marked here.
  function markOwnUnit() {
    document.querySelectorAll("[data-own-unit]").forEach(function (box) {
      var unit = box.getAttribute("data-own-unit");
      if (!unit) { return; }
      var row = box.querySelector('tr[data-unit="' + unit + '"]');
      if (row) { row.classList.add("row--own"); }
    });
  }
  document.addEventListener("DOMContentLoaded", markOwnUnit);
  document.addEventListener("htmx:afterSettle", markOwnUnit);

  // Focus after a swap, so a keyboard user continues where they are: an element the server marked
  // with data-focus (a refusal beside its control, a decision's message, an opened item's heading);
  // else, when the swap removed the focused element, the element that now has its id (or the
  // first focusable one inside it); else the swapped part's [data-focus-fallback].
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, [tabindex]";
  var focusedBeforeSwap = null;

  function focusables(el) {
    return (el.matches(FOCUSABLE) ? [el] : []).concat(Array.prototype.slice.call(el.querySelectorAll(FOCUSABLE)));
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !document.body.contains(active);
  }

  function rememberFocus() {
    var active = document.activeElement;
    var holder = active && active !== document.body && active.closest ? active.closest("[id]") : null;
    focusedBeforeSwap = holder ? {id: holder.id, index: Math.max(0, focusables(holder).indexOf(active))} : null;
  }

  function focusAfterSwap(event) {
    var root = event.target;
    if (!(root instanceof Element) || !document.body.contains(root)) { return; }
    var wanted = root.matches("[data-focus]") ? root : root.querySelector("[data-focus]");
    if (wanted) {
      wanted.removeAttribute("data-focus");  // once: a later poll of the same part must not steal focus
      wanted.focus();
      return;
    }
    if (!focusLost()) { return; }
    var again = focusedBeforeSwap && document.getElementById(focusedBeforeSwap.id);
    var candidates = again ? focusables(again) : [];
    var target = candidates[Math.min(focusedBeforeSwap ? focusedBeforeSwap.index : 0, candidates.length - 1)] || null;
    if (!target) {
      target = root.matches("[data-focus-fallback]") ? root : root.querySelector("[data-focus-fallback]");
    }
    if (target) { target.focus(); }
  }

  document.addEventListener("htmx:beforeSwap", rememberFocus);
  document.addEventListener("htmx:afterSettle", focusAfterSwap);

  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("flashes");
    if (!box) { return; }
    var p = document.createElement("p");
    p.className = "flash flash--error";
    p.setAttribute("role", "alert");
    p.textContent = box.getAttribute("data-offline-message") || "Network error";
    box.replaceChildren(p);
  });
})();
