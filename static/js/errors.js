// A form's error summary (templates/_error_summary.html): focus moves to it when the page opens, and each of its
// links moves focus to the field it names (the field's first control when it is a group of choices).
(() => {
  const summary = document.querySelector(".error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-field]");
    if (!link) return;
    const field =
      document.getElementById(link.hash.slice(1)) ||
      document.querySelector(`[name="${CSS.escape(link.dataset.field)}"]:not([type=hidden])`);
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  });
})();
