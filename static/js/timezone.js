// Tells the server the browser's time zone, used for times until the person picks one in their settings.
(() => {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  const current = document.cookie.split("; ").find((c) => c.startsWith("browser_tz="));
  if (zone && (!current || decodeURIComponent(current.slice(11)) !== zone)) {
    document.cookie = `browser_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; SameSite=Lax`;
  }
})();
