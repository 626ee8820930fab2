// "Stay in touch": a visitor leaves a contact for the owner, with consent; cleared at the idle reset.

import { ApiError, postJSON, visitorId } from "./api.js";
import { str } from "./dom.js";

const FIELDS = ["name", "email", "phone", "company", "note"];

/** Empty the form and its message (the kiosk's idle reset calls this too). */
export function clearLeadForm() {
  const form = document.getElementById("lead-form");
  if (!form) return;
  form.reset();
  document.getElementById("lead-message").textContent = "";
  document.getElementById("lead-send").disabled = false;
}

async function submitLead(event) {
  event.preventDefault();
  const message = document.getElementById("lead-message");
  const value = (name) => document.getElementById(`lead-${name}`).value.trim();
  if (!value("email") && !value("phone")) {
    message.textContent = "Leave an email address or a phone number.";
    document.getElementById("lead-email").focus();
    return;
  }
  if (!document.getElementById("lead-consent").checked) {
    message.textContent = "Tick the box to agree that your details are kept.";
    document.getElementById("lead-consent").focus();
    return;
  }
  const body = { user_id: visitorId(), consent: true };
  for (const name of FIELDS) body[name] = value(name);
  const send = document.getElementById("lead-send");
  send.disabled = true;
  try {
    const reply = await postJSON("/api/leads", body);
    document.getElementById("lead-form").reset();
    message.textContent = str(reply?.thanks) || "Thank you.";
  } catch (error) {
    send.disabled = false;
    if (error instanceof ApiError && error.status === 422) message.textContent = `Please check: ${error.message}`;
    else if (error instanceof ApiError && error.status === 429) message.textContent = "Too many at once — try again in a minute.";
    else message.textContent = "That did not go through; please try again.";
  }
}

/** Wire the button and the dialog; `consent` is the server's statement naming the owner. */
export function initLead({ consent, ownerName }) {
  const button = document.getElementById("show-lead");
  const dialog = document.getElementById("lead-dialog");
  document.getElementById("lead-consent-text").textContent = str(consent);
  if (str(ownerName)) document.getElementById("lead-intro").textContent = `Leave your details and ${str(ownerName)} will get back to you.`;
  button.addEventListener("click", () => {
    clearLeadForm();
    dialog.showModal();
    document.getElementById("lead-name").focus();
  });
  document.getElementById("lead-cancel").addEventListener("click", () => dialog.close());
  document.getElementById("lead-form").addEventListener("submit", submitLead);
  dialog.addEventListener("close", clearLeadForm);
}
