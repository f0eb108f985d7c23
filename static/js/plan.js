// The plan page: the "not covered" warning follows the rows as they change, before saving.
// It mirrors the server's rule (dimensions_uncovered): a dimension is covered when an included
// (or locked) row has it among its focus dimensions. The server still decides on save.
(() => {
  const form = document.getElementById("plan-form");
  const warning = document.getElementById("coverage-warning");
  const ok = document.getElementById("coverage-ok");
  const names = document.getElementById("coverage-names");
  if (!form || !warning || !ok || !names) return;
  const rows = Array.from(form.querySelectorAll("fieldset.plan-row"));
  const dimensions = new Map();
  rows.forEach((row) => {
    row.querySelectorAll("input[data-dimension]").forEach((box) => {
      dimensions.set(box.value, box.labels[0].textContent.trim());
    });
  });
  const refresh = () => {
    const covered = new Set();
    rows.forEach((row) => {
      const include = row.querySelector("input[data-include]");
      const included = row.hasAttribute("data-locked") || (include && include.checked);
      const ticked = Array.from(row.querySelectorAll("input[data-dimension]:checked"));
      const summary = row.querySelector(".plan-focus-names");
      if (summary) {
        summary.textContent = ticked.map((box) => dimensions.get(box.value)).join("; ") || "none";
      }
      if (included) ticked.forEach((box) => covered.add(box.value));
    });
    const missing = Array.from(dimensions).filter(([id]) => !covered.has(id)).map(([, name]) => name);
    // Interviews per dimension: the planned count beside what the dimension needs, as the rows stand.
    document.querySelectorAll("#panel-size tr[data-dimension]").forEach((line) => {
      const planned = rows.filter((row) => {
        const include = row.querySelector("input[data-include]");
        const included = row.hasAttribute("data-locked") || (include && include.checked);
        return included && row.querySelector(`input[data-dimension][value="${line.dataset.dimension}"]:checked`);
      }).length;
      line.querySelector(".planned-count").textContent = String(planned);
      const needed = Number(line.dataset.needed || 0);
      line.querySelector(".panel-short").hidden = !(needed && planned < needed);
    });
    names.textContent = missing.join(", ");
    warning.hidden = missing.length === 0;
    ok.hidden = missing.length !== 0;
  };
  form.addEventListener("change", refresh);
  refresh();
})();
