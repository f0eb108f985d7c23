// The pipeline's filters apply as they change (the Filter button still submits without a script); the search
// box applies on Enter. Empty fields are left out of the address, so it stays short and shareable.
(() => {
  const form = document.getElementById("pipeline-filters");
  if (!form) return;
  const note = form.querySelector(".auto-apply-note");
  if (note) note.hidden = false;
  form.addEventListener("change", (event) => {
    if (event.target.name === "q") return;
    form.requestSubmit();
  });
  form.addEventListener("submit", () => {
    for (const field of form.elements) {
      if (field.name && !field.disabled && field.type !== "checkbox" && field.value === "") field.disabled = true;
    }
  });
  // Back/forward restores the page from the cache with the fields disabled above: enable them again.
  window.addEventListener("pageshow", () => {
    for (const field of form.elements) field.disabled = false;
  });
})();
