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

  // Drafts: what is typed into a form marked data-keep-draft is kept in this tab (sessionStorage),
  // keyed by page, form and field, until a save succeeds — an ended session, which sends the user
  // to sign in first, does not lose it. It is put back on the next visit with a visible note.
  var DRAFT_PREFIX = "portal-draft:";
  var DRAFT_SUBMITTED = "portal-draft-submitted";

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && (field.tagName === "TEXTAREA" ||
        (field.tagName === "INPUT" && /^(text|number|search|)$/.test(field.getAttribute("type") || "")));
    });
  }

  function draftKey(form, field) {
    var target = form.getAttribute("hx-post") || form.getAttribute("action") || "";
    return DRAFT_PREFIX + location.pathname + location.search + "|" + target + "|" + field.name;
  }

  function draftStore(action) {
    try { return action(window.sessionStorage); } catch (e) { return null; }  // storage off: no drafts
  }

  function keepDraft(form) {
    draftFields(form).forEach(function (field) {
      draftStore(function (store) { store.setItem(draftKey(form, field), field.value); });
    });
  }

  function dropDraft(form) {
    draftFields(form).forEach(function (field) {
      draftStore(function (store) { store.removeItem(draftKey(form, field)); });
    });
  }

  function restoreDrafts(root) {
    var forms = root.matches && root.matches("form[data-keep-draft]") ? [root] : [];
    forms = forms.concat(Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("form[data-keep-draft]") : []));
    forms.forEach(function (form) {
      var restored = false;
      draftFields(form).forEach(function (field) {
        var key = draftKey(form, field);
        var kept = draftStore(function (store) { return store.getItem(key); });
        if (kept === null) { return; }
        if (kept === field.defaultValue) {  // the server sent it back: saved, nothing to keep
          draftStore(function (store) { store.removeItem(key); });
          return;
        }
        if (kept === field.value) { return; }  // already put back
        field.value = kept;
        restored = true;
      });
      if (restored && !form.querySelector(".draft-note")) {
        var note = document.createElement("p");
        note.className = "flash flash--info draft-note";
        note.setAttribute("role", "status");
        note.textContent = document.body.getAttribute("data-draft-restored") || "";
        form.insertBefore(note, form.firstChild);
      }
    });
  }

  // A plain (non-htmx) post leaves the page: remember which drafts it carried; the next page tells
  // whether it went through (any ordinary page) or not (the sign-in page, an error page).
  var draftsSettled = false;
  function settleSubmittedDrafts() {
    if (draftsSettled) { return; }
    draftsSettled = true;
    var submitted = JSON.parse(draftStore(function (store) { return store.getItem(DRAFT_SUBMITTED); }) || "[]");
    draftStore(function (store) { store.removeItem(DRAFT_SUBMITTED); });
    if (document.querySelector("[data-sign-in], [data-error-page]")) { return; }
    submitted.forEach(function (key) { draftStore(function (store) { store.removeItem(key); }); });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-keep-draft") && draftFields(form).indexOf(event.target) !== -1) {
      draftStore(function (store) { store.setItem(draftKey(form, event.target), event.target.value); });
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-keep-draft")) { return; }
    keepDraft(form);
    if (!form.hasAttribute("hx-post")) {
      var keys = draftFields(form).map(function (field) { return draftKey(form, field); });
      draftStore(function (store) { store.setItem(DRAFT_SUBMITTED, JSON.stringify(keys)); });
    }
  }, true);
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var elt = event.detail.elt;
    // the form's own save (or a submit button's): a field's live check is no save
    if (!elt || (elt.tagName !== "FORM" && elt.tagName !== "BUTTON")) { return; }
    var form = elt.closest("form[data-keep-draft]");
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && status >= 200 && status < 300) { dropDraft(form); }  // saved
  });
  document.addEventListener("DOMContentLoaded", function () {
    settleSubmittedDrafts();
    restoreDrafts(document);
  });
  document.addEventListener("htmx:load", function (event) {  // htmx's first load may come first
    settleSubmittedDrafts();
    restoreDrafts(event.detail.elt);
  });

  // Print buttons (templates/_print.html): the browser's print dialog with the print stylesheet.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });
})();

// Layout (#11): "select all on this page" in the approval queue. The header checkbox (hidden without
// JavaScript) ticks every row of the current page; it and the count follow the rows after every swap
// (the poll replaces the results; the row checkboxes keep their state through hx-preserve).
(function () {
  "use strict";
  function rowsOf(formId) {
    return Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][name="line"][form="' + formId + '"]'));
  }
  function refreshSelection() {
    document.querySelectorAll("[data-select-page]").forEach(function (box) {
      var rows = rowsOf(box.getAttribute("data-select-page"));
      var ticked = rows.filter(function (row) { return row.checked; }).length;
      box.hidden = rows.length === 0;
      box.checked = rows.length > 0 && ticked === rows.length;
      box.indeterminate = ticked > 0 && ticked < rows.length;
    });
    document.querySelectorAll("[data-selected-count]").forEach(function (out) {
      var ticked = rowsOf(out.getAttribute("data-selected-count")).filter(function (row) { return row.checked; }).length;
      var text = ticked === 0 ? out.getAttribute("data-none")
        : ticked === 1 ? out.getAttribute("data-one") : out.getAttribute("data-many").replace("{n}", String(ticked));
      if (out.textContent !== text) { out.textContent = text; }
    });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.hasAttribute && target.hasAttribute("data-select-page")) {
      rowsOf(target.getAttribute("data-select-page")).forEach(function (row) { row.checked = target.checked; });
    }
    if (target.matches && target.matches('input[type="checkbox"][name="line"], [data-select-page]')) { refreshSelection(); }
  });
  document.addEventListener("DOMContentLoaded", refreshSelection);
  document.addEventListener("htmx:afterSettle", refreshSelection);

  // A link to a criterion inside a closed group (the self-scoring page's index) opens that group.
  function openTarget() {
    if (!location.hash) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var group = target && target.closest ? target.closest("details") : null;
    if (group && !group.open) { group.open = true; target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);
})();
