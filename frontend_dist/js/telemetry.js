// Anonymous, local-only usage events. Small scalar properties only — never question text.

import { postJSON, visitorId } from "./api.js";

const seenSections = new Set();
let sectionObserver = null;

function cleanProperties(properties) {
  const clean = {};
  for (const [key, value] of Object.entries(properties)) {
    if (typeof value === "string") clean[key] = value.slice(0, 80);
    else if (typeof value === "number" && Number.isFinite(value)) clean[key] = value;
    else if (typeof value === "boolean") clean[key] = value;
  }
  return clean;
}

/** Send one event; failures are ignored because telemetry must never disturb the visitor. */
export function track(event, properties = {}) {
  const body = { event, user_id: visitorId(), properties: cleanProperties(properties) };
  return postJSON("/api/telemetry", body, { keepalive: true }).catch(() => undefined);
}

/** Report each resume section once, the first time most of its heading area scrolls into view. */
export function observeSections(sections) {
  sectionObserver?.disconnect();
  if (!("IntersectionObserver" in window)) return;
  sectionObserver = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const name = entry.target.dataset.section;
        sectionObserver.unobserve(entry.target);
        if (!name || seenSections.has(name)) continue;
        seenSections.add(name);
        track("section_view", { section: name });
      }
    },
    { threshold: 0.2 },
  );
  for (const section of sections) sectionObserver.observe(section);
}

/** Forget which sections were reported (a new kiosk visitor starts over). */
export function resetSectionViews(sections) {
  seenSections.clear();
  observeSections(sections);
}
