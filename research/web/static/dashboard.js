// Dashboard: a changed filter shows its results at once; a note says while they are computed.
"use strict";
(function () {
  const form = document.getElementById("dashboard-filters");
  if (!form) return;
  const status = document.getElementById("dashboard-status");

  form.addEventListener("submit", function () {
    if (status) status.textContent = "Computing the results for this selection…";
  });

  // Selects apply at once; ticked boxes wait for Show, so several can change together.
  form.querySelectorAll("select").forEach(function (select) {
    select.addEventListener("change", function () {
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.submit();
    });
  });
})();
