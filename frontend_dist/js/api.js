// Talks to the local edgeapp server. Every request is same-origin; state-changing ones carry the CSRF token.

const TOKEN_HEADER = "X-EdgeApp-Token";
const VISITOR_KEY = "edgeapp.visitor";
const VISITOR_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

let csrfToken = "";

/** An HTTP failure carrying the server's `{error: {type, message}}` body when there is one. */
export class ApiError extends Error {
  constructor(status, type, message) {
    super(message || `Request failed (${status})`);
    this.name = "ApiError";
    this.status = status;
    this.type = type || "http_error";
  }
}

async function errorFrom(response) {
  let type = "";
  let message = "";
  try {
    const body = await response.json();
    type = body?.error?.type ?? "";
    message = body?.error?.message ?? "";
  } catch {
    // A body that is not JSON still leaves the status code to report.
  }
  return new ApiError(response.status, type, message);
}

/** A fresh random visitor id (22 characters of [A-Za-z0-9_-], about 132 bits). */
export function newVisitorId() {
  const bytes = new Uint8Array(22);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => ID_ALPHABET[b & 63]).join("");
}

/** The anonymous visitor id kept in localStorage, created on first use. */
export function visitorId() {
  let id = "";
  try {
    id = localStorage.getItem(VISITOR_KEY) ?? "";
  } catch {
    id = "";
  }
  if (!VISITOR_PATTERN.test(id)) {
    id = newVisitorId();
    storeVisitorId(id);
  }
  return id;
}

/** Remember a visitor id (storage may be unavailable; the id then lives for this page only). */
export function storeVisitorId(id) {
  try {
    localStorage.setItem(VISITOR_KEY, id);
  } catch {
    // Private windows or locked-down kiosks may refuse storage.
  }
}

/** GET a JSON document; `allowStatus` lists non-2xx statuses whose JSON body is still wanted. */
export async function getJSON(path, { allowStatus = [], signal } = {}) {
  const response = await fetch(path, {
    headers: { Accept: "application/json" },
    cache: "no-store",
    credentials: "same-origin",
    signal,
  });
  if (!response.ok && !allowStatus.includes(response.status)) throw await errorFrom(response);
  return response.json();
}

function writeHeaders(extra = {}) {
  return { [TOKEN_HEADER]: csrfToken, ...extra };
}

/** POST a JSON body with the CSRF token; returns the parsed reply (or null when empty). */
export async function postJSON(path, body, { keepalive = false, signal } = {}) {
  const response = await fetch(path, {
    method: "POST",
    headers: writeHeaders({ "Content-Type": "application/json", Accept: "application/json" }),
    body: JSON.stringify(body),
    credentials: "same-origin",
    keepalive,
    signal,
  });
  if (!response.ok) throw await errorFrom(response);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** DELETE with the CSRF token. */
export async function deleteRequest(path) {
  const response = await fetch(path, {
    method: "DELETE",
    headers: writeHeaders(),
    credentials: "same-origin",
  });
  if (!response.ok) throw await errorFrom(response);
}

/** Load /api/client_config and keep its CSRF token for later writes. */
export async function loadClientConfig() {
  const config = await getJSON("/api/client_config");
  csrfToken = String(config.csrf_token ?? "");
  return config;
}

/** Split an SSE byte stream into {event, data} records (data parsed as JSON). */
export async function* readServerEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, "\n");
      let boundary = buffer.indexOf("\n\n");
      while (boundary !== -1) {
        const record = parseRecord(buffer.slice(0, boundary));
        buffer = buffer.slice(boundary + 2);
        if (record) yield record;
        boundary = buffer.indexOf("\n\n");
      }
    }
    const tail = parseRecord(buffer);
    if (tail) yield tail;
  } finally {
    reader.releaseLock();
  }
}

function parseRecord(block) {
  let event = "message";
  const dataLines = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") dataLines.push(value);
  }
  if (!dataLines.length) return null;
  const raw = dataLines.join("\n");
  let data;
  try {
    data = JSON.parse(raw);
  } catch {
    data = { text: raw };
  }
  return { event, data };
}

/** POST a streamed chat question; yields SSE records until the server closes the stream. */
export async function* streamChat(content, userId, signal) {
  const response = await fetch("/api/chat", {
    method: "POST",
    headers: writeHeaders({ "Content-Type": "application/json", Accept: "text/event-stream" }),
    body: JSON.stringify({ content, user_id: userId, stream: true }),
    credentials: "same-origin",
    signal,
  });
  if (!response.ok) throw await errorFrom(response);
  const type = response.headers.get("Content-Type") ?? "";
  if (!type.includes("text/event-stream") || !response.body) {
    // A server that answered with plain JSON still gets its answer shown.
    const body = await response.json();
    yield { event: "done", data: body };
    return;
  }
  yield* readServerEvents(response.body);
}
