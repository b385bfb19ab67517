// Codebook page: expand or collapse the tree, and name the merge target before merging.
"use strict";
(function () {
  document.querySelectorAll("[data-tree]").forEach(function (button) {
    button.addEventListener("click", function () {
      const open = button.dataset.tree === "expand";
      document.querySelectorAll(".code-tree details").forEach(function (details) { details.open = open; });
    });
  });

  document.querySelectorAll("[data-merge-form]").forEach(function (form) {
    const select = form.querySelector("select[name=target]");
    const name = form.querySelector("[data-merge-target-name]");
    if (!select || !name) return;
    function update() {
      const option = select.selectedOptions[0];
      name.textContent = option && option.value ? option.dataset.path : "the code you choose";
    }
    select.addEventListener("change", update);
    update();
  });
})();
