// Light/dark theme: follows the system until the visitor picks one; the choice is remembered outside kiosk mode.

import { track } from "./telemetry.js";

const THEME_KEY = "edgeapp.theme";
const darkQuery = window.matchMedia("(prefers-color-scheme: dark)");

let remember = true;

function storedTheme() {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null;
  }
}

/** The theme in effect: an explicit choice, else the system preference. */
export function currentTheme() {
  return document.documentElement.dataset.theme || (darkQuery.matches ? "dark" : "light");
}

function reflect() {
  const button = document.getElementById("theme-toggle");
  const dark = currentTheme() === "dark";
  button.setAttribute("aria-pressed", String(dark));
  button.setAttribute("aria-label", dark ? "Switch to light theme" : "Switch to dark theme");
}

/** Apply a theme ("light", "dark" or null for the system's). */
export function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  reflect();
}

/** Wire the toggle; in kiosk mode nothing is persisted. */
export function initTheme({ kiosk }) {
  remember = !kiosk;
  applyTheme(remember ? storedTheme() : null);
  darkQuery.addEventListener("change", reflect);
  document.getElementById("theme-toggle").addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    applyTheme(next);
    if (remember) {
      try {
        localStorage.setItem(THEME_KEY, next);
      } catch {
        // The choice then lasts for this page only.
      }
    }
    track("theme_changed", { theme: next });
  });
}
