// The coding view: highlights in code colours, selection to code, picker, recode, resize, remove.
//
// Offsets here are UTF-16 units (JavaScript string indices) into the transcript text, which
// is the element's whole text content; the server converts them to code points and checks
// the quote sent with them.
"use strict";
(function () {
  const dataElement = document.getElementById("coding-data");
  const container = document.getElementById("transcript");
  if (!dataElement || !container) return;

  const data = JSON.parse(dataElement.textContent);
  const text = container.textContent;
  const api = window.research.api;
  const MAX_LANES = 6;
  const LANE_HEIGHT = 4;

  const state = {
    codings: data.codings,
    codes: data.codes,
    recent: data.recent,
    hiddenCoders: new Set(),
    selection: null,     // {start, end} awaiting a code
    mode: "new",         // "new", "recode" or "resize"
    target: null,        // coding id being recoded or resized
    focused: null,       // coding ids shown in the segment panel
    options: [],
    active: 0,
  };

  const elements = {
    pickerHint: document.getElementById("picker-hint"),
    pickerBody: document.getElementById("picker-body"),
    pickerTitle: document.getElementById("picker-title"),
    quote: document.getElementById("picker-quote"),
    search: document.getElementById("code-search"),
    options: document.getElementById("code-options"),
    definition: document.getElementById("code-definition"),
    apply: document.getElementById("apply-code"),
    inVivo: document.getElementById("in-vivo"),
    cancel: document.getElementById("cancel-pick"),
    status: document.getElementById("status"),
    segmentPanel: document.getElementById("segment-panel"),
    segmentList: document.getElementById("segment-codings"),
    layers: document.getElementById("layer-toggles"),
    count: document.getElementById("coding-count"),
  };

  // ---- Rendering -------------------------------------------------------------------------

  function rgba(hex, alpha) {
    const value = parseInt(hex.slice(1), 16);
    return "rgba(" + ((value >> 16) & 255) + "," + ((value >> 8) & 255) + "," + (value & 255) + "," + alpha + ")";
  }

  function visibleCodings() {
    return state.codings.filter(function (c) { return !state.hiddenCoders.has(c.coder); });
  }

  // Greedy interval colouring: each coding keeps one lane (an underline band) along its length.
  function assignLanes(codings) {
    const sorted = codings.slice().sort(function (a, b) {
      return a.start_utf16 - b.start_utf16 || b.end_utf16 - a.end_utf16;
    });
    const laneEnds = [];
    const lanes = new Map();
    sorted.forEach(function (coding) {
      let lane = laneEnds.findIndex(function (end) { return end <= coding.start_utf16; });
      if (lane === -1) { lane = laneEnds.length; laneEnds.push(0); }
      laneEnds[lane] = coding.end_utf16;
      lanes.set(coding.coding_id, Math.min(lane, MAX_LANES - 1));
    });
    return lanes;
  }

  function pieceStyle(covering, lanes) {
    // The shortest coding colours the background; every coding draws its own lane below the text.
    const innermost = covering.reduce(function (best, c) {
      return (c.end_utf16 - c.start_utf16) < (best.end_utf16 - best.start_utf16) ? c : best;
    });
    // Bands one pixel apart, so two codings of one colour still read as two.
    const layers = covering.map(function (c) {
      const low = lanes.get(c.coding_id) * LANE_HEIGHT;
      const high = low + LANE_HEIGHT - 1;
      return "linear-gradient(to top, transparent " + low + "px, " + c.colour + " " + low + "px, " +
        c.colour + " " + high + "px, transparent " + high + "px)";
    });
    layers.push("linear-gradient(" + rgba(innermost.colour, 0.28) + "," + rgba(innermost.colour, 0.28) + ")");
    const depth = Math.max.apply(null, covering.map(function (c) { return lanes.get(c.coding_id); })) + 1;
    return "background:" + layers.join(",") + ";padding-bottom:" + (depth * LANE_HEIGHT) + "px";
  }

  function render() {
    const shown = visibleCodings();
    const lanes = assignLanes(shown);
    const boundaries = new Set([0, text.length]);
    shown.forEach(function (c) { boundaries.add(c.start_utf16); boundaries.add(c.end_utf16); });
    const points = Array.from(boundaries).sort(function (a, b) { return a - b; });
    const starts = new Map();
    shown.forEach(function (c) {
      if (!starts.has(c.start_utf16)) starts.set(c.start_utf16, []);
      starts.get(c.start_utf16).push(c);
    });
    const fragment = document.createDocumentFragment();
    let active = [];
    for (let i = 0; i < points.length - 1; i++) {
      const from = points[i];
      const to = points[i + 1];
      active = active.filter(function (c) { return c.end_utf16 > from; });
      (starts.get(from) || []).forEach(function (c) { active.push(c); });
      const piece = text.slice(from, to);
      if (!active.length) {
        fragment.appendChild(document.createTextNode(piece));
        continue;
      }
      const span = document.createElement("span");
      span.className = "seg";
      span.dataset.ids = active.map(function (c) { return c.coding_id; }).join(" ");
      span.setAttribute("style", pieceStyle(active, lanes));
      span.title = active.map(function (c) { return c.code_path + " (" + c.coder + ")"; }).join("\n");
      if (state.focused && active.some(function (c) { return state.focused.indexOf(c.coding_id) !== -1; })) {
        span.classList.add("selected");
      }
      span.textContent = piece;
      fragment.appendChild(span);
    }
    container.replaceChildren(fragment);
    markPending(state.selection);
    elements.count.textContent = shown.length + " of " + state.codings.length + " codings shown";
  }

  function renderLayers() {
    const coders = Array.from(new Set(data.coders.concat(state.codings.map(function (c) { return c.coder; })))).sort();
    elements.layers.replaceChildren();
    coders.forEach(function (name) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = !state.hiddenCoders.has(name);
      box.dataset.coder = name;
      box.addEventListener("change", function () {
        if (box.checked) state.hiddenCoders.delete(name); else state.hiddenCoders.add(name);
        render();
        // A hidden coder's codings leave the panel with their highlights.
        const shown = new Set(visibleCodings().map(function (c) { return c.coding_id; }));
        showSegment((state.focused || []).filter(function (id) { return shown.has(id); }));
      });
      const count = state.codings.filter(function (c) { return c.coder === name; }).length;
      label.append(box, document.createTextNode(" " + name + (name === data.coder ? " (you)" : "") + ": " + count));
      elements.layers.appendChild(label);
    });
  }

  function say(message, isError) {
    elements.status.textContent = message;
    elements.status.className = "status-line" + (isError ? " error" : "");
  }

  // ---- Selection -------------------------------------------------------------------------

  function offsetWithin(node, offset) {
    const range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  // The selection clipped to the transcript (a triple click or a drag may end in the
  // sidebar), whitespace trimmed; null when it holds no transcript text.
  function currentSelection() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const whole = document.createRange();
    whole.selectNodeContents(container);
    let startSide, endSide;
    try {
      startSide = whole.comparePoint(range.startContainer, range.startOffset);
      endSide = whole.comparePoint(range.endContainer, range.endOffset);
    } catch (ignored) {
      return null;
    }
    if (startSide > 0 || endSide < 0) return null;
    let start = startSide < 0 ? 0 : offsetWithin(range.startContainer, range.startOffset);
    let end = endSide > 0 ? text.length : offsetWithin(range.endContainer, range.endOffset);
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (start >= end) return null;
    return { start: start, end: end };
  }

  function markPending(span) {
    if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
    CSS.highlights.delete("pending");
    if (!span) return;
    const range = rangeFor(span.start, span.end);
    if (range) CSS.highlights.set("pending", new Highlight(range));
  }

  function rangeFor(start, end) {
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    let seen = 0;
    const range = document.createRange();
    let started = false;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.data.length;
      if (!started && start <= seen + length) { range.setStart(node, start - seen); started = true; }
      if (started && end <= seen + length) { range.setEnd(node, end - seen); return range; }
      seen += length;
    }
    return null;
  }

  // ---- Picker ----------------------------------------------------------------------------

  function matches(code, words) {
    const haystack = (code.path + " " + code.title + " " + code.definition).toLocaleLowerCase();
    return words.every(function (word) { return haystack.indexOf(word) !== -1; });
  }

  function refreshOptions() {
    const words = elements.search.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    const applicable = state.codes.filter(function (c) { return c.applicable && matches(c, words); });
    const rank = new Map(state.recent.map(function (id, i) { return [id, i]; }));
    applicable.sort(function (a, b) {
      const ra = rank.has(a.code_id) ? rank.get(a.code_id) : Infinity;
      const rb = rank.has(b.code_id) ? rank.get(b.code_id) : Infinity;
      return ra - rb;
    });
    state.options = applicable;
    state.active = Math.min(state.active, Math.max(applicable.length - 1, 0));
    elements.options.replaceChildren();
    applicable.forEach(function (code, i) {
      const item = document.createElement("li");
      item.id = "option-" + code.code_id;
      item.setAttribute("role", "option");
      item.dataset.codeId = code.code_id;
      item.setAttribute("aria-selected", i === state.active ? "true" : "false");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = code.colour;
      const label = document.createElement("span");
      label.textContent = code.path;
      item.append(swatch, label);
      if (rank.has(code.code_id)) {
        const recent = document.createElement("span");
        recent.className = "recent";
        recent.textContent = "recent";
        item.appendChild(recent);
      }
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { state.active = i; choose(); });
      elements.options.appendChild(item);
    });
    const chosen = applicable[state.active];
    elements.definition.textContent = chosen ? (chosen.title + ": " + (chosen.definition || "no definition")) : "No code matches.";
    elements.search.setAttribute("aria-activedescendant", chosen ? "option-" + chosen.code_id : "");
    const activeItem = elements.options.children[state.active];
    if (activeItem) activeItem.scrollIntoView({ block: "nearest" });
  }

  function openPicker(mode, span, target) {
    state.mode = mode;
    state.selection = span;
    state.target = target || null;
    elements.pickerTitle.textContent = mode === "recode" ? "Recode coding " + target : "Code the selection";
    elements.quote.textContent = span ? "“" + shorten(text.slice(span.start, span.end), 160) + "”" : "";
    elements.pickerHint.classList.add("hidden");
    elements.pickerBody.classList.remove("hidden");
    elements.inVivo.classList.toggle("hidden", mode !== "new");
    elements.search.value = "";
    state.active = 0;
    refreshOptions();
    markPending(span);
    elements.search.focus({ preventScroll: true });
  }

  function cancelResize() {
    if (state.mode !== "resize") return false;
    state.mode = "new";
    state.target = null;
    say("Resizing cancelled.");
    return true;
  }

  function closePicker() {
    state.selection = null;
    state.mode = "new";
    state.target = null;
    elements.pickerBody.classList.add("hidden");
    elements.pickerHint.classList.remove("hidden");
    elements.pickerTitle.textContent = "Code the selection";
    markPending(null);
  }

  function shorten(value, limit) {
    const flat = value.replace(/\s+/g, " ");
    return flat.length > limit ? flat.slice(0, limit - 1) + "…" : flat;
  }

  function rememberRecent(codeId) {
    state.recent = [codeId].concat(state.recent.filter(function (id) { return id !== codeId; })).slice(0, 8);
  }

  function replaceCoding(updated) {
    state.codings = state.codings.filter(function (c) { return c.coding_id !== updated.coding_id; });
    state.codings.push(updated);
    state.codings.sort(function (a, b) { return a.start_utf16 - b.start_utf16 || a.end_utf16 - b.end_utf16 || a.coding_id - b.coding_id; });
  }

  // One write at a time: a double click on Apply or Remove sends one request.
  let busy = false;

  async function once(work) {
    if (busy) return;
    busy = true;
    try { await work(); } finally { busy = false; }
  }

  function choose() { return once(applyChosen); }

  // ---- The coder's pass: "coded: done" ----------------------------------------------------

  const passBox = document.getElementById("pass-done");
  const passNote = document.getElementById("pass-note");

  function showPass(pass) {
    passBox.checked = pass.done;
    passNote.textContent = pass.done
      ? "You marked this interview coded: a code you did not apply counts as absent."
      : "Tick when you have read the whole interview and applied every code that fits; until then it counts as missing for you.";
  }

  if (passBox) {
    passBox.addEventListener("change", function () {
      const wanted = passBox.checked;
      return once(async function () {
        try {
          const url = "/api/interviews/" + encodeURIComponent(data.interview_id) + "/pass";
          const pass = await api(wanted ? "PUT" : "DELETE", url);
          showPass(pass);
          say(pass.done ? "Marked " + data.interview_id + " coded." : "Reopened " + data.interview_id + ".");
        } catch (error) {
          passBox.checked = !wanted;
          say(error.message, true);
        }
      });
    });
  }

  async function applyChosen() {
    const code = state.options[state.active];
    if (!code) { say("No code matches your search.", true); return; }
    try {
      if (state.mode === "recode") {
        const updated = await api("PATCH", "/api/codings/" + state.target, { code: code.code_id });
        replaceCoding(updated);
        say("Recoded as " + updated.code_path + ".");
        state.focused = [updated.coding_id];
      } else if (state.selection) {
        const span = state.selection;
        const created = await api("POST", "/api/codings", {
          interview_id: data.interview_id,
          code: code.code_id,
          start: span.start,
          end: span.end,
          unit: "utf16",
          quote: text.slice(span.start, span.end),
        });
        replaceCoding(created);
        say("Coded “" + shorten(created.quote, 60) + "” as " + created.code_path + ".");
      }
      rememberRecent(code.code_id);
      closePicker();
      render();
      renderLayers();
      showSegment(state.focused);
    } catch (error) {
      say(error.message, true);
    }
  }

  function inVivo() { return once(applyInVivo); }

  async function applyInVivo() {
    if (!state.selection) return;
    const span = state.selection;
    try {
      const result = await api("POST", "/api/codings/in-vivo", {
        interview_id: data.interview_id,
        start: span.start,
        end: span.end,
        unit: "utf16",
        quote: text.slice(span.start, span.end),
      });
      state.codes = state.codes.filter(function (c) { return c.code_id !== result.code.code_id; });
      state.codes.push(result.code);
      replaceCoding(result.coding);
      rememberRecent(result.code.code_id);
      say("Created the in-vivo code " + result.code.path + " and applied it.");
      closePicker();
      render();
      renderLayers();
    } catch (error) {
      say(error.message, true);
    }
  }

  // ---- Segment panel: see, recode, resize, remove ---------------------------------------

  function showSegment(ids) {
    state.focused = ids && ids.length ? ids : null;
    const shown = state.focused ? state.codings.filter(function (c) { return state.focused.indexOf(c.coding_id) !== -1; }) : [];
    elements.segmentPanel.hidden = !shown.length;
    elements.segmentList.replaceChildren();
    shown.forEach(function (coding) { elements.segmentList.appendChild(codingItem(coding)); });
    container.querySelectorAll(".seg.selected").forEach(function (s) { s.classList.remove("selected"); });
    if (state.focused) {
      container.querySelectorAll(".seg").forEach(function (s) {
        const ids = s.dataset.ids.split(" ").map(Number);
        if (ids.some(function (id) { return state.focused.indexOf(id) !== -1; })) s.classList.add("selected");
      });
    }
  }

  function button(label, handler, className) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (className) b.className = className;
    b.addEventListener("click", handler);
    return b;
  }

  function codingItem(coding) {
    const item = document.createElement("li");
    item.dataset.codingId = coding.coding_id;
    const head = document.createElement("div");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = coding.colour;
    const path = document.createElement("strong");
    path.textContent = " " + coding.code_path;
    head.append(swatch, path);
    const meta = document.createElement("div");
    meta.className = "muted";
    meta.textContent = coding.coder + " · " + new Date(coding.created_at).toLocaleString() + " · [" + coding.start_offset + ", " + coding.end_offset + ")";
    const quote = document.createElement("div");
    quote.textContent = "“" + shorten(coding.quote, 200) + "”";
    item.append(head, meta, quote);
    const mine = coding.coder === data.coder;
    const memo = document.createElement("textarea");
    memo.value = coding.memo;
    memo.rows = 2;
    memo.placeholder = mine ? "Memo" : "No memo";
    memo.readOnly = !mine;
    memo.setAttribute("aria-label", "Memo of coding " + coding.coding_id);
    item.appendChild(memo);
    if (mine) {
      const actions = document.createElement("div");
      actions.className = "actions";
      actions.append(
        button("Save memo", function () {
          return once(async function () {
            try {
              replaceCoding(await api("PATCH", "/api/codings/" + coding.coding_id, { memo: memo.value }));
              say("Memo saved.");
            } catch (error) { say(error.message, true); }
          });
        }, "secondary"),
        button("Recode", function () {
          openPicker("recode", { start: coding.start_utf16, end: coding.end_utf16 }, coding.coding_id);
        }),
        button("Resize", function () {
          closePicker();
          state.mode = "resize";
          state.target = coding.coding_id;
          say("Resizing coding " + coding.coding_id + ": select its new extent in the transcript, or press Esc to cancel.");
        }, "secondary"),
        button("Remove", function () {
          if (!window.confirm("Remove the coding " + coding.code_path + "?")) return;
          return once(async function () { await removeCoding(coding); });
        }, "danger")
      );
      item.appendChild(actions);
    }
    return item;
  }

  async function removeCoding(coding) {
    try {
      await api("DELETE", "/api/codings/" + coding.coding_id);
      if (state.target === coding.coding_id) closePicker();  // no recode or resize of it
      state.codings = state.codings.filter(function (c) { return c.coding_id !== coding.coding_id; });
      say("Removed the coding " + coding.code_path + ".");
      render();
      renderLayers();
      showSegment(null);
    } catch (error) {
      say(error.message, true);
    }
  }

  function resizeTo(span) { return once(function () { return resizeCoding(span); }); }

  async function resizeCoding(span) {
    const target = state.target;
    state.mode = "new";
    state.target = null;
    try {
      const updated = await api("PATCH", "/api/codings/" + target, {
        start: span.start, end: span.end, unit: "utf16", quote: text.slice(span.start, span.end),
      });
      replaceCoding(updated);
      window.getSelection().removeAllRanges();
      render();
      showSegment([updated.coding_id]);
      say("Resized coding " + updated.coding_id + " to “" + shorten(updated.quote, 60) + "”.");
    } catch (error) {
      say(error.message, true);
    }
  }

  // ---- Events ----------------------------------------------------------------------------

  function onSelectionDone() {
    const span = currentSelection();
    if (!span) return false;
    if (state.mode === "resize") { resizeTo(span); return true; }
    openPicker("new", span);
    return true;
  }

  // A drag may end anywhere on the page: listen on the document, not the transcript alone.
  // Controls keep their own clicks: a press on "Apply code" must not reopen the picker.
  const CONTROLS = "button, input, textarea, select, a, label, summary, [role='option']";

  document.addEventListener("mouseup", function (event) {
    if (event.target.closest && event.target.closest(CONTROLS)) return;
    const selection = window.getSelection();
    const inTranscript = container.contains(event.target);
    if (selection && !selection.isCollapsed && selection.rangeCount) {
      if (onSelectionDone()) return;
      if (inTranscript) say("The selection holds no transcript text to code.", true);
      return;
    }
    const piece = inTranscript && event.target.closest ? event.target.closest(".seg") : null;
    if (piece) {
      // During a resize a click is often the first half of a double click: only Esc cancels.
      showSegment(piece.dataset.ids.split(" ").map(Number));
    }
  });

  document.addEventListener("keyup", function (event) {
    if (event.shiftKey && event.key.indexOf("Arrow") === 0 && document.activeElement !== elements.search) {
      if (currentSelection()) say("Press Enter to code the selection.");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.activeElement !== elements.search) {
      if (!cancelResize()) closePicker();
      return;
    }
    if (event.key === "Enter" && document.activeElement !== elements.search && currentSelection()) {
      event.preventDefault();
      onSelectionDone();
    }
  });

  elements.search.addEventListener("input", function () { state.active = 0; refreshOptions(); });
  elements.search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { state.active = Math.min(state.active + 1, state.options.length - 1); refreshOptions(); event.preventDefault(); }
    else if (event.key === "ArrowUp") { state.active = Math.max(state.active - 1, 0); refreshOptions(); event.preventDefault(); }
    else if (event.key === "Enter") { event.preventDefault(); choose(); }
    else if (event.key === "Escape") { closePicker(); say("Cancelled."); }
  });
  elements.apply.addEventListener("click", choose);
  elements.inVivo.addEventListener("click", inVivo);
  elements.cancel.addEventListener("click", function () { closePicker(); say("Cancelled."); });

  // #coding-N (from retrieval, or a link on this page) scrolls to that coding's first piece.
  function followHash() {
    if (location.hash.indexOf("#coding-") !== 0) return;
    const id = Number(location.hash.slice("#coding-".length));
    const anchor = Array.from(container.querySelectorAll(".seg")).find(function (s) {
      return s.dataset.ids.split(" ").map(Number).indexOf(id) !== -1;
    });
    if (anchor) {
      anchor.scrollIntoView({ block: "center" });
      showSegment([id]);
    }
  }

  render();
  renderLayers();
  followHash();
  window.addEventListener("hashchange", followHash);
  container.dataset.ready = "yes";
})();
