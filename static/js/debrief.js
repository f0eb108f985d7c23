// The debrief's evidence, a closed section per dimension: a link to one rating's evidence (a score in the matrix or
// on a phone's dimension card) opens its dimension and moves focus there (Chromium opens it by itself; others
// need this); one button opens or closes every dimension.
(() => {
  const openTarget = () => {
    const target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    const details = target && target.closest("details");
    if (!details || details.open) return;
    details.open = true;
    target.scrollIntoView();
    target.focus();
  };
  window.addEventListener("hashchange", openTarget);
  openTarget();

  const toggle = document.getElementById("evidence-toggle");
  const all = [...document.querySelectorAll("details.evidence-dimension")];
  if (!toggle || !all.length) return;
  const label = () => {
    toggle.textContent = all.every((d) => d.open) ? "Close every dimension" : "Open every dimension";
  };
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = !all.every((d) => d.open);
    for (const d of all) d.open = open;
    label();
  });
  for (const d of all) d.addEventListener("toggle", label);
})();

// A decision form shows the reason field only when the chosen outcome goes against the decision rule's (hire or no
// hire the other way; hold never does) and marks it required then. Without this script the field is always shown
// and the server refuses an override without a reason.
(() => {
  for (const form of document.querySelectorAll("form[data-rule-outcome]")) {
    const rule = form.dataset.ruleOutcome;
    const group = form.querySelector(".override-reason");
    const reason = group && group.querySelector("textarea");
    if (!rule || !reason) continue;
    const update = () => {
      const chosen = form.querySelector('input[name="outcome"]:checked');
      const overrides = !!chosen && ["hire", "no_hire"].includes(chosen.value) && chosen.value !== rule;
      group.hidden = !overrides;
      reason.required = overrides;
    };
    form.addEventListener("change", update);
    update();
  }
})();
