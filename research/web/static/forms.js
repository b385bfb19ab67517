// Entry forms: what is typed is kept as a draft in this browser until the record is saved.
//
// A form with data-draft="KEY" is saved to sessionStorage (this tab only, gone when it closes: the
// data are sensitive, so drafts never outlive the browsing session) as the person types, and restored
// when the page is opened again (after a lost connection, a crash, a reload). A page that
// shows a saved record carries data-clear-draft="KEY ..." (key prefixes) to forget them.
"use strict";
(function () {
  const PREFIX = "research-draft:";
  // Tokens belong to one rendered page; a confirmation must be given anew each time.
  const SKIPPED = new Set(["csrf_token", "submission_token", "upload_token", "confirm_warnings"]);
  const SKIPPED_TYPES = new Set(["file", "hidden", "submit", "button", "reset", "image"]);

  function storageKey(form) { return PREFIX + form.dataset.draft; }

  function draftFields(form) {
    return Array.from(form.elements).filter(function (element) {
      return element.name && !SKIPPED.has(element.name) && !SKIPPED_TYPES.has(element.type) &&
        element.dataset.noDraft === undefined;
    });
  }

  function collect(form) {
    const values = {};
    draftFields(form).forEach(function (element) {
      if (!(element.name in values)) values[element.name] = [];
      if (element.type === "checkbox" || element.type === "radio") {
        if (element.checked) values[element.name].push(element.value);
      } else {
        values[element.name].push(element.value);
      }
    });
    return values;
  }

  function read(key) {
    try {
      const raw = window.sessionStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (ignored) {
      return null;  // storage disabled or a damaged entry: drafts are a convenience only
    }
  }

  function save(form) {
    try {
      window.sessionStorage.setItem(storageKey(form), JSON.stringify({ savedAt: Date.now(), values: collect(form) }));
    } catch (ignored) {
      // Storage full or disabled: typing goes on without a draft.
    }
  }

  // Put a draft's values into the form; returns whether anything changed.
  function apply(form, values) {
    let changed = false;
    const seen = {};
    draftFields(form).forEach(function (element) {
      if (!(element.name in values)) return;
      const wanted = values[element.name];
      if (element.type === "checkbox" || element.type === "radio") {
        const checked = wanted.indexOf(element.value) >= 0;
        if (element.checked !== checked) { element.checked = checked; changed = true; }
      } else {
        const index = seen[element.name] || 0;
        seen[element.name] = index + 1;
        const value = index < wanted.length ? wanted[index] : "";
        if (element.value !== value) { element.value = value; changed = true; }
      }
    });
    return changed;
  }

  function showNote(form, savedAt) {
    const note = document.createElement("p");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    const when = new Date(savedAt);
    note.textContent = "Draft restored (typed " + when.toLocaleString() + "). ";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary";
    discard.textContent = "Discard draft";
    discard.addEventListener("click", function () {
      try { window.sessionStorage.removeItem(storageKey(form)); } catch (ignored) { /* nothing kept */ }
      form.reset();  // back to the values the page was served with
      note.remove();
    });
    note.appendChild(discard);
    form.parentNode.insertBefore(note, form);
  }

  function clearDrafts(prefixes) {
    try {
      const doomed = [];
      for (let index = 0; index < window.sessionStorage.length; index += 1) {
        const key = window.sessionStorage.key(index);
        if (key && prefixes.some(function (prefix) { return key.indexOf(PREFIX + prefix) === 0; })) doomed.push(key);
      }
      doomed.forEach(function (key) { window.sessionStorage.removeItem(key); });
    } catch (ignored) {
      // Storage disabled: there is nothing to clear.
    }
  }

  document.querySelectorAll("[data-clear-draft]").forEach(function (element) {
    clearDrafts(element.dataset.clearDraft.split(/\s+/).filter(Boolean));
  });

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    const draft = read(storageKey(form));
    if (draft && draft.values && apply(form, draft.values)) showNote(form, draft.savedAt);
    let timer = null;
    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { timer = null; save(form); }, 250);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", function () { save(form); });
    // The last keystrokes are kept even if the page goes away before the timer fires.
    window.addEventListener("pagehide", function () { if (timer !== null) save(form); });
  });
})();
