// vCard 3.0 (RFC 2426) contact card built from the resume's basics.

import { str } from "./dom.js";

/** Escape a vCard text value: backslash, comma, semicolon and newlines. */
export function escapeValue(value) {
  return str(value)
    .replace(/\\/g, "\\\\")
    .replace(/\r\n|\r|\n/g, "\\n")
    .replace(/,/g, "\\,")
    .replace(/;/g, "\\;");
}

/** Build the vCard text (CRLF line endings) for the resume owner. */
export function buildVCard(basics) {
  const name = str(basics?.name);
  const words = name.split(/\s+/).filter(Boolean);
  const family = words.length > 1 ? words[words.length - 1] : "";
  const given = words.length > 1 ? words.slice(0, -1).join(" ") : words[0] ?? "";
  const lines = ["BEGIN:VCARD", "VERSION:3.0", `N:${escapeValue(family)};${escapeValue(given)};;;`, `FN:${escapeValue(name)}`];
  if (str(basics?.label)) lines.push(`TITLE:${escapeValue(basics.label)}`);
  if (str(basics?.email)) lines.push(`EMAIL;TYPE=INTERNET:${escapeValue(basics.email)}`);
  if (str(basics?.phone)) lines.push(`TEL;TYPE=VOICE:${escapeValue(basics.phone)}`);
  if (str(basics?.url)) lines.push(`URL:${str(basics.url).replace(/[\r\n]/g, "")}`); // a URI value, not escaped text
  const location = basics?.location;
  if (location && typeof location === "object") {
    const parts = [location.address, location.city, location.region, location.postalCode, location.countryCode].map(escapeValue);
    if (parts.some(Boolean)) lines.push(`ADR;TYPE=WORK:;;${parts.join(";")}`);
  }
  lines.push("END:VCARD");
  return `${lines.join("\r\n")}\r\n`;
}
