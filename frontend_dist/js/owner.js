// The owner's report: sign in with the operator PIN, then figures, a chart, questions, leads, exports.

import { ApiError, deleteRequest, getJSON, loadClientConfig, postJSON } from "./api.js";
import { barChart } from "./chart.js";
import { clear, el, str } from "./dom.js";

const state = { config: null, query: "", idleTimer: 0 };
const IDLE_MS = 120_000; // an owner view left open at a booth signs itself out

function $(id) {
  return document.getElementById(id);
}

function minutes(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  return seconds >= 60 ? `${(seconds / 60).toFixed(1)} min` : `${Math.round(seconds)} s`;
}

function hourLabel(iso) {
  return str(iso).slice(11, 16);
}

function showSignIn(message = "") {
  $("owner-report").hidden = true;
  $("owner-sign-out").hidden = true;
  $("owner-sign-in").hidden = false;
  $("owner-sign-in-message").textContent = message;
  $("owner-pin").value = "";
  $("owner-pin").focus();
}

function fillList(list, items, render) {
  clear(list);
  if (!items.length) list.append(el("li", { className: "owner__empty", text: "None yet." }));
  for (const item of items) list.append(render(item));
}

function render(body) {
  const report = body.report;
  $("owner-sign-in").hidden = true;
  $("owner-report").hidden = false;
  $("owner-sign-out").hidden = false;
  $("owner-title").textContent = `Owner report — ${str(report.label)}`;
  if (body.generated_pin) {
    $("owner-pin-notice").hidden = false;
    $("owner-pin-notice").textContent = `The kiosk's operator PIN is ${body.generated_pin}. It was generated on the first kiosk start and is shown only this once: note it down.`;
  }
  $("stat-visitors").textContent = String(report.visitors);
  $("stat-questions").textContent = String(report.questions);
  $("stat-unanswered").textContent = String(report.unanswered_total);
  $("stat-leads").textContent = String(report.leads.length);
  $("stat-downloads").textContent = String(report.pdf_downloads);
  $("stat-qr").textContent = String(report.qr_shows);
  $("stat-session").textContent = minutes(report.session_seconds_median);
  const points = report.questions_per_hour.map((hour) => ({ label: hourLabel(hour.hour), count: hour.count }));
  $("owner-chart").replaceChildren(barChart(points, { title: "Questions per hour" }));
  fillList($("owner-unanswered"), report.unanswered, (item) =>
    el("li", {}, [
      el("span", { className: "owner__count", text: `${item.count}×` }),
      el("span", { className: item.text ? "owner__question" : "owner__about", text: item.text || `About: ${item.about}` }),
    ]),
  );
  fillList($("owner-topics"), report.topics, (topic) =>
    el("li", {}, [el("span", { className: "owner__count", text: `${topic.count}×` }), el("span", { text: topic.label })]),
  );
  const rows = $("owner-leads").querySelector("tbody");
  clear(rows);
  if (!report.leads.length) rows.append(el("tr", {}, [el("td", { colSpan: 6, className: "owner__empty", text: "No leads yet." })]));
  for (const lead of report.leads) {
    rows.append(
      el("tr", { className: "owner__lead" }, [lead.name, lead.company, lead.email, lead.phone, lead.note, str(lead.timestamp).slice(0, 16).replace("T", " ")].map(
        (value) => el("td", { text: str(value) }),
      )),
    );
  }
  const select = $("owner-span");
  const chosen = select.value;
  clear(select);
  select.append(el("option", { value: "", text: "Running or latest event (else today)" }));
  for (const event of body.events) {
    const running = event.ended ? "" : " (running)";
    select.append(el("option", { value: `event=${event.id}`, text: `${event.name}${running}` }));
  }
  select.value = [...select.options].some((option) => option.value === chosen) ? chosen : "";
  for (const [id, name] of [["export-leads-csv", "leads.csv"], ["export-leads-vcf", "leads.vcf"], ["export-report-csv", "report.csv"], ["export-report-json", "report.json"]]) {
    $(id).href = `/api/owner/export/${name}${state.query ? `?${state.query}` : ""}`;
  }
  $("owner-retention").textContent = body.retention_days
    ? `Questions, sessions and usage events are kept ${body.retention_days} days (REPORT_RETENTION_DAYS); leads until you forget them.`
    : "Questions, sessions, usage events and leads are kept until you forget them (REPORT_RETENTION_DAYS sets a limit).";
  $("owner-back").textContent = body.kiosk ? "Back to the kiosk" : "Back to the portfolio";
}

async function load() {
  try {
    render(await getJSON(`/api/owner/report${state.query ? `?${state.query}` : ""}`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showSignIn();
    else showSignIn(`The report could not be loaded: ${error.message}`);
  }
}

async function signIn(event) {
  event.preventDefault();
  const pin = $("owner-pin").value.trim();
  if (!pin) return;
  try {
    await postJSON("/api/owner/session", { pin });
    await load();
  } catch (error) {
    const message = error instanceof ApiError && error.status === 403 ? "Wrong PIN." : str(error.message);
    showSignIn(error instanceof ApiError && error.status === 404 ? `${message}.` : message);
  }
}

async function signOut() {
  try {
    await deleteRequest("/api/owner/session");
  } catch {
    // The session ends on its own after a while without requests.
  }
}

function armIdle() {
  window.clearTimeout(state.idleTimer);
  state.idleTimer = window.setTimeout(async () => {
    await signOut();
    window.location.assign("/");
  }, IDLE_MS);
}

async function start() {
  state.config = await loadClientConfig();
  // The system theme (light or dark) applies; the page has no toggle of its own.
  $("owner-sign-in").addEventListener("submit", signIn);
  $("owner-sign-out").addEventListener("click", async () => {
    await signOut();
    showSignIn("Signed out.");
  });
  $("owner-back").addEventListener("click", async (event) => {
    event.preventDefault();
    await signOut();
    window.location.assign("/");
  });
  $("owner-print").addEventListener("click", () => window.print());
  $("owner-span").addEventListener("change", () => {
    $("owner-day").value = "";
    state.query = $("owner-span").value;
    load();
  });
  $("owner-day").addEventListener("change", () => {
    state.query = $("owner-day").value ? `day=${$("owner-day").value}` : "";
    load();
  });
  $("owner-event-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = $("owner-event-name").value.trim();
    if (!name) return;
    await postJSON("/api/owner/events", { name });
    $("owner-event-name").value = "";
    state.query = "";
    await load();
  });
  $("owner-event-stop").addEventListener("click", async () => {
    await postJSON("/api/owner/events/stop", {});
    await load();
  });
  $("owner-forget-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const confirm = $("owner-forget-confirm").value.trim();
    if (confirm !== "FORGET") {
      $("owner-forget-message").textContent = "Type FORGET (in capitals) to confirm.";
      return;
    }
    const counts = await postJSON("/api/owner/forget", { confirm });
    $("owner-forget-confirm").value = "";
    $("owner-forget-message").textContent = `Forgotten: ${counts.messages} messages, ${counts.questions} questions, ${counts.events} usage events, ${counts.leads} leads.`;
    await load();
  });
  for (const type of ["pointerdown", "keydown", "wheel"]) window.addEventListener(type, armIdle, { passive: true });
  armIdle();
  await load();
  document.body.classList.add("is-ready");
}

start();
