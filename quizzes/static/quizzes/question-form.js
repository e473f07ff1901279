/* Question editor: show only the answer fields that belong to the chosen question type. */
(function () {
  function update(select) {
    var form = select.closest("form");
    if (!form) return;
    form.querySelectorAll("[data-question-kinds]").forEach(function (panel) {
      var kinds = panel.getAttribute("data-question-kinds").split(" ");
      panel.hidden = kinds.indexOf(select.value) === -1;
    });
  }
  function init() {
    var select = document.getElementById("id_kind");
    if (!select) return;
    update(select);
    select.addEventListener("change", function () { update(select); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
