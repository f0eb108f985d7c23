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
