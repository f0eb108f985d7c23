// Light or dark, as the system is set (Bootstrap 5.3 colour modes: data-bs-theme on <html>), following a change
// at once. Loaded in <head> without defer, so the attribute is set before the first paint: no flash of light.
(() => {
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const apply = () => document.documentElement.setAttribute("data-bs-theme", dark.matches ? "dark" : "light");
  apply();
  dark.addEventListener("change", apply);
})();
