/* global window, document */
// Applies the theme before the first paint: a classic script in <head> (the CSP allows no inline one),
// so the page never flashes light before going dark. The choice is Settings' (localStorage
// "easyqr.theme": "system" | "light" | "dark"; web/src/features/theme/themeChoice.ts writes it);
// "system" follows prefers-color-scheme, live. Sets <html data-theme>, which base.css keys the
// tokens on, and the theme-color the browser paints its bar with.
(function () {
  var KEY = "easyqr.theme";
  var COLORS = { light: "#0b7a5c", dark: "#202c33" };
  var system = window.matchMedia("(prefers-color-scheme: dark)");
  function choice() {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  }
  function apply() {
    var chosen = choice();
    var theme = chosen === "light" || chosen === "dark" ? chosen : system.matches ? "dark" : "light";
    document.documentElement.setAttribute("data-theme", theme);
    var meta = document.querySelector('meta[name="theme-color"]');
    if (meta) meta.setAttribute("content", COLORS[theme]);
  }
  apply();
  system.addEventListener("change", apply);
  // Another tab changed it, or this tab's Settings did (themeChoice.ts dispatches this event).
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) apply();
  });
  window.addEventListener("easyqr-theme", apply);
})();
