// Small DOM helpers. Text always goes in through textContent so resume or server data is never parsed as HTML.

/** Create an element; `attrs` may hold `text`, `className`, `dataset`, `hidden` or plain attributes. */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "hidden") node.hidden = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === undefined || child === null || child === false || child === "") continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Clear a node's children. */
export function clear(node) {
  node.replaceChildren();
}

/** Whether the visitor asked for less motion. */
export function prefersReducedMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/** A usable non-empty string, or "" for anything else. */
export function str(value) {
  return typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
}

/** Up to two initials from a name, for the avatar. */
export function initials(name) {
  const words = str(name).split(/\s+/).filter(Boolean);
  if (!words.length) return "?";
  const first = Array.from(words[0])[0] ?? "";
  const last = words.length > 1 ? Array.from(words[words.length - 1])[0] ?? "" : "";
  return (first + last).toUpperCase();
}

/** Whether an image URL may be loaded under the offline rules: same origin or an inline data: image. */
export function isLocalImage(url) {
  const value = str(url);
  if (!value) return false;
  if (/^data:image\//i.test(value)) return true;
  try {
    const parsed = new URL(value, window.location.href);
    return parsed.origin === window.location.origin && /^https?:$/.test(parsed.protocol);
  } catch {
    return false;
  }
}

/** A safe href for a resume link (http, https, mailto, tel), or "" when the value is not one. */
export function safeHref(url) {
  const value = str(url);
  if (!value) return "";
  try {
    const parsed = new URL(value, window.location.href);
    return ["http:", "https:", "mailto:", "tel:"].includes(parsed.protocol) ? parsed.href : "";
  } catch {
    return "";
  }
}
