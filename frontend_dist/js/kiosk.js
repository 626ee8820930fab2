// Kiosk mode: idle attract screen that wipes the previous visitor's session, and the operator PIN exit.

import { ApiError, deleteRequest, newVisitorId, postJSON, storeVisitorId, visitorId } from "./api.js";
import { clearChat } from "./chat.js";
import { el, prefersReducedMotion, str } from "./dom.js";
import { clearLeadForm } from "./lead.js";
import { renderAvatar } from "./render.js";
import { resetSectionViews, track } from "./telemetry.js";

const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "touchstart", "wheel"];
const LONG_PRESS_MS = 3000;

const state = {
  idleMs: 90_000,
  timer: 0,
  dirty: false,
  attractShown: false,
  sections: [],
};

/** Idle seconds to use: the configured value, or a smaller `?idle=` override (for testing). */
export function idleSeconds(configured, search = window.location.search) {
  const fallback = Number(configured) > 0 ? Number(configured) : 90;
  const override = Number(new URLSearchParams(search).get("idle"));
  return Number.isFinite(override) && override > 0 && override < fallback ? override : fallback;
}

function armTimer() {
  window.clearTimeout(state.timer);
  state.timer = window.setTimeout(goIdle, state.idleMs);
}

function onActivity() {
  if (state.attractShown) return;
  state.dirty = true;
  armTimer();
}

/** Forget the visitor: server history, chat on screen, browser storage; a new anonymous id follows. */
export async function wipeSession() {
  const oldId = visitorId();
  clearChat();
  try {
    await deleteRequest(`/api/chat/history?user_id=${encodeURIComponent(oldId)}`);
  } catch {
    // The next visitor still gets a new id, so an old history stays unreachable from this screen.
  }
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // Storage may be disabled; nothing was kept there then.
  }
  storeVisitorId(newVisitorId());
  document.querySelectorAll(".is-highlighted").forEach((node) => node.classList.remove("is-highlighted"));
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  clearLeadForm(); // the next visitor never sees what this one typed
  resetSectionViews(state.sections);
  track("kiosk_reset", {});
}

async function goIdle() {
  showAttract();
  if (state.dirty) {
    state.dirty = false;
    await wipeSession();
  }
}

function showAttract() {
  const attract = document.getElementById("attract");
  state.attractShown = true;
  attract.hidden = false;
  document.body.classList.add("has-attract");
  document.getElementById("attract-start").focus({ preventScroll: true });
  track("kiosk_attract_shown", {});
}

function hideAttract() {
  const attract = document.getElementById("attract");
  attract.hidden = true;
  state.attractShown = false;
  document.body.classList.remove("has-attract");
  window.scrollTo({ top: 0, behavior: prefersReducedMotion() ? "auto" : "smooth" });
  document.getElementById("chat-log").scrollTop = 0;
  document.getElementById("main").focus({ preventScroll: true });
  armTimer();
  track("kiosk_start", {}); // a person tapped the attract screen: a visit begins
}

function buildPinPad() {
  const pad = document.getElementById("pin-pad");
  const input = document.getElementById("pin-input");
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"];
  pad.replaceChildren(
    ...keys.map((key) => {
      const label = key === "clear" ? "Clear" : key === "back" ? "⌫" : key;
      const button = el("button", {
        type: "button",
        className: `pin__key pin__key--${/\d/.test(key) ? "digit" : key}`,
        text: label,
        "aria-label": key === "back" ? "Delete last digit" : key === "clear" ? "Clear PIN" : undefined,
      });
      button.addEventListener("click", () => {
        if (key === "clear") input.value = "";
        else if (key === "back") input.value = input.value.slice(0, -1);
        else if (input.value.length < 12) input.value += key;
        input.focus();
      });
      return button;
    }),
  );
}

/** Open the operator PIN dialog. */
export function openPinDialog() {
  const dialog = document.getElementById("pin-dialog");
  if (dialog.open) return;
  document.getElementById("pin-input").value = "";
  document.getElementById("pin-message").textContent = "";
  dialog.showModal();
  document.getElementById("pin-input").focus();
}

async function submitPin(event) {
  event.preventDefault();
  const input = document.getElementById("pin-input");
  const message = document.getElementById("pin-message");
  const pin = input.value.trim();
  if (!pin) {
    message.textContent = "Enter the PIN.";
    return;
  }
  try {
    await postJSON("/api/kiosk/exit", { pin });
    message.textContent = "Kiosk mode is closing…";
    window.clearTimeout(state.timer);
  } catch (error) {
    input.value = "";
    message.textContent = error instanceof ApiError && error.status === 403 ? "Wrong PIN." : "Could not reach the server.";
    if (error instanceof ApiError && error.status === 429) message.textContent = "Too many tries — wait a minute.";
    input.focus();
  }
}

async function openOwnerReport() {
  const input = document.getElementById("pin-input");
  const message = document.getElementById("pin-message");
  const pin = input.value.trim();
  if (!pin) {
    message.textContent = "Enter the PIN.";
    input.focus();
    return;
  }
  try {
    await postJSON("/api/owner/session", { pin });
    window.clearTimeout(state.timer);
    window.location.assign("/owner.html");
  } catch (error) {
    input.value = "";
    message.textContent = error instanceof ApiError && error.status === 403 ? "Wrong PIN." : "Could not reach the server.";
    if (error instanceof ApiError && error.status === 429) message.textContent = error.message;
    input.focus();
  }
}

function wireOperatorExit() {
  document.getElementById("pin-owner").addEventListener("click", openOwnerReport);
  const corner = document.getElementById("operator-button");
  corner.hidden = false;
  corner.addEventListener("click", openPinDialog);
  document.getElementById("pin-form").addEventListener("submit", submitPin);
  document.getElementById("pin-cancel").addEventListener("click", () => document.getElementById("pin-dialog").close());
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.shiftKey && (event.key === "Q" || event.key === "q")) {
      event.preventDefault();
      openPinDialog();
    }
  });
  // A long press on the name also opens the PIN pad, for touch screens without a keyboard.
  const name = document.getElementById("person-name");
  let pressTimer = 0;
  name.addEventListener("pointerdown", () => {
    pressTimer = window.setTimeout(openPinDialog, LONG_PRESS_MS);
  });
  for (const type of ["pointerup", "pointerleave", "pointercancel"]) {
    name.addEventListener(type, () => window.clearTimeout(pressTimer));
  }
  buildPinPad();
}

/** Turn on kiosk behaviour. */
export function initKiosk({ config, data, sections }) {
  document.documentElement.classList.add("kiosk");
  state.idleMs = idleSeconds(config?.kiosk?.idle_seconds) * 1000;
  state.sections = sections;
  const basics = data?.personal_info ?? {};
  document.getElementById("attract-name").textContent = str(basics.name);
  document.getElementById("attract-label").textContent = str(basics.label);
  renderAvatar(document.getElementById("attract-avatar"), basics);
  document.getElementById("attract-start").addEventListener("click", hideAttract);
  for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { passive: true, capture: true });
  // Chat traffic counts as activity too, so a long streamed answer is never wiped mid-way.
  new MutationObserver(onActivity).observe(document.getElementById("chat-log"), { childList: true, subtree: true, characterData: true });
  wireOperatorExit();
  armTimer();
}
