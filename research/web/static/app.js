// Shared by every page: JSON calls with the CSRF token, and one submit per form.
"use strict";
(function () {
  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // Call the JSON API; resolves with the parsed body, rejects with an Error carrying status and body.
  async function api(method, url, body) {
    const options = { method: method, headers: { Accept: "application/json", "X-CSRF-Token": csrfToken() } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (ignored) { data = { detail: text }; }
    if (!response.ok) {
      const detail = data && data.detail ? (typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)) : response.statusText;
      const error = new Error(detail);
      error.status = response.status;
      error.body = data;
      throw error;
    }
    return data;
  }

  // A form submitted twice (double click, impatient Enter) is sent once.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.allowResubmit !== undefined) return;
    if (form.dataset.submitting === "yes") { event.preventDefault(); return; }
    form.dataset.submitting = "yes";
    window.setTimeout(function () {
      form.querySelectorAll('button[type="submit"], button:not([type])').forEach(function (b) { b.disabled = true; });
    }, 0);
  }, true);

  window.research = { api: api, csrfToken: csrfToken };
})();
