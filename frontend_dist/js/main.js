// Entry point: loads config and resume, renders the page, wires chat, hand-off, theme, health and kiosk.

import { getJSON, loadClientConfig } from "./api.js";
import { initChat, loadHistory } from "./chat.js";
import { prefersReducedMotion, str } from "./dom.js";
import { initKiosk } from "./kiosk.js";
import { initLead } from "./lead.js";
import { findEntry, renderBasics, renderSections } from "./render.js";
import { observeSections, track } from "./telemetry.js";
import { initTheme } from "./theme.js";

const HEALTH_POLL_MS = 3000;
const HIGHLIGHT_MS = 3200;

const BADGE = {
  ready: { state: "ready", text: "Assistant ready", title: "The on-device language model is ready." },
  loading: { state: "loading", text: "Assistant warming up…", title: "The language model is loading; answers from the resume data work meanwhile." },
  degraded: { state: "degraded", text: "Quick answers", title: "The language model is off; answers are built directly from the resume data." },
  offline: { state: "offline", text: "Server unreachable", title: "The local server did not answer." },
};

let highlightTimer = 0;

/** Scroll to a cited resume entry and highlight it briefly. */
export function highlightEntry(path) {
  const target = findEntry(path);
  if (!target) return false;
  document.querySelectorAll(".is-highlighted").forEach((node) => node.classList.remove("is-highlighted"));
  // Restart the animation even when the same entry is cited twice in a row.
  void target.offsetWidth;
  target.classList.add("is-highlighted");
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.scrollIntoView({ behavior: prefersReducedMotion() ? "auto" : "smooth", block: "center" });
  target.focus({ preventScroll: true });
  window.clearTimeout(highlightTimer);
  highlightTimer = window.setTimeout(() => target.classList.remove("is-highlighted"), HIGHLIGHT_MS);
  return true;
}

function setBadge(kind, name = "") {
  const badge = document.getElementById("model-badge");
  const info = BADGE[kind];
  badge.dataset.state = info.state;
  badge.title = name && kind === "ready" ? `${info.title} (${name})` : info.title;
  document.getElementById("model-badge-text").textContent = info.text;
}

async function pollHealth() {
  let next = HEALTH_POLL_MS;
  try {
    const health = await getJSON("/api/health", { allowStatus: [503] });
    const status = str(health?.model?.status);
    if (status === "ready") {
      setBadge("ready", str(health?.model?.name));
      next = 0;
    } else if (status === "loading") {
      setBadge("loading");
    } else {
      setBadge("degraded");
      next = 0;
    }
  } catch {
    setBadge("offline");
  }
  if (next) window.setTimeout(pollHealth, next);
}

async function setUpDownload(kiosk) {
  const link = document.getElementById("download-pdf");
  if (kiosk) return; // a file saved on the kiosk's own disk helps nobody; the QR hand-off is offered instead
  try {
    const { file_name: fileName } = await getJSON("/api/resume_file_name");
    if (!str(fileName)) return;
    link.setAttribute("download", str(fileName));
    link.hidden = false;
    link.addEventListener("click", () => track("resume_download", {}));
  } catch {
    // No PDF on offer: the button stays hidden.
  }
}

function setUpQr(basics, kiosk) {
  const button = document.getElementById("show-qr");
  const dialog = document.getElementById("qr-dialog");
  if (!str(basics?.name) && !str(basics?.email) && !str(basics?.phone)) {
    button.hidden = true;
    return;
  }
  // The card and its QR code are made on this device by the server (GET /api/contact-qr.svg).
  const image = document.getElementById("qr-image");
  const download = document.getElementById("qr-download");
  // A file saved on the kiosk's own disk helps nobody: there the code is the hand-off.
  download.hidden = kiosk;
  if (!kiosk) download.addEventListener("click", () => track("contact_download", {}));
  button.addEventListener("click", () => {
    if (!image.getAttribute("src")) image.src = "/api/contact-qr.svg";
    document.getElementById("qr-caption").textContent = [str(basics.name), str(basics.email), str(basics.phone)]
      .filter(Boolean)
      .join(" · ");
    dialog.showModal();
    document.getElementById("qr-close").focus();
    track("qr_shown", {});
  });
  // A click on the backdrop closes the dialog like Escape does.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
}

function showLoadError(message) {
  const node = document.getElementById("load-error");
  node.textContent = message;
  node.hidden = false;
  document.getElementById("person-name").textContent = "Portfolio unavailable";
}

async function start() {
  let config;
  try {
    config = await loadClientConfig();
  } catch {
    showLoadError("The local server could not be reached. Restart the app and try again.");
    setBadge("offline");
    return;
  }
  const kiosk = Boolean(config?.kiosk?.enabled);
  if (kiosk) document.documentElement.classList.add("kiosk");
  const context = { kiosk };
  initTheme({ kiosk });
  pollHealth();

  let data;
  try {
    data = await getJSON("/api/resume_data");
  } catch (error) {
    showLoadError(`The resume could not be loaded: ${error.message}`);
    return;
  }
  const basics = data?.personal_info ?? {};
  renderBasics(basics, context);
  const sections = renderSections(data, context);
  document.body.classList.add("is-ready");

  initChat({ data, onSource: highlightEntry });
  setUpQr(basics, kiosk);
  initLead({ consent: config?.lead_consent, ownerName: basics.name });
  // With no download on a kiosk, the QR hand-off becomes the main call to action.
  if (kiosk) document.getElementById("show-qr").classList.replace("button--ghost", "button--primary");
  setUpDownload(kiosk);
  track("page_view", { kiosk });
  const observed = [document.getElementById("hero"), ...sections];
  observeSections(observed);
  if (kiosk) initKiosk({ config, data, sections: observed });
  else await loadHistory();
}

start();
