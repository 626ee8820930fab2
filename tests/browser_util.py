"""Helpers for the browser tests: Debian Chromium under Playwright, request recording, page audits."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, Request, sync_playwright

from tests.prerequisites import install_hint, require_file, require_program

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@contextmanager
def chromium() -> Iterator[Browser]:
    """Launch the system Chromium headless (never a downloaded one), or skip when it is absent."""
    require_file(CHROMIUM, install_hint("chromium"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def artifact(name: str) -> Path:
    """A path under tests/artifacts/ (kept out of git by its own .gitignore)."""
    ARTIFACTS.mkdir(exist_ok=True)
    ignore = ARTIFACTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    return ARTIFACTS / name


class RequestLog:
    """Every request a page makes, so a test can prove nothing left the local server."""

    def __init__(self, page: Page) -> None:
        self.requests: list[Request] = []
        page.context.on("request", self._record)

    def _record(self, request: Request) -> None:
        self.requests.append(request)

    def urls(self) -> list[str]:
        """All requested URLs, in order."""
        return [request.url for request in self.requests]

    def foreign(self, server_url: str) -> list[str]:
        """URLs whose scheme/host/port differ from the server's (data: and blob: are local)."""
        origin = urlsplit(server_url)
        outside = []
        for url in self.urls():
            parts = urlsplit(url)
            if parts.scheme in {"data", "blob"}:
                continue
            if (parts.scheme, parts.hostname, parts.port) != (origin.scheme, origin.hostname, origin.port):
                outside.append(url)
        return outside

    def telemetry(self) -> list[dict[str, Any]]:
        """Bodies of the telemetry events posted so far."""
        events = []
        for request in self.requests:
            if request.method == "POST" and urlsplit(request.url).path == "/api/telemetry":
                events.append(json.loads(request.post_data or "{}"))
        return events


def open_page(browser: Browser, url: str, **options: Any) -> tuple[Page, RequestLog, list[str]]:
    """A new page at `url`, waiting until the resume has rendered; returns page, request log, JS errors."""
    context = browser.new_context(**options)
    page = context.new_page()
    log = RequestLog(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("body.is-ready", timeout=15_000)
    return page, log, errors


def get_json(url: str) -> Any:
    """GET a JSON document from the live server (as a visitor's browser would)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


QR_IMAGE_LOADED = (
    "() => { const img = document.getElementById('qr-image'); return img.complete && img.naturalWidth > 0; }"
)
"""Wait condition: the Save contact dialog's QR image (served as SVG) has loaded."""


def decode_qr(png: Path) -> list[str]:
    """Decode the QR codes in an image with zbarimg; skip when zbar-tools is not installed."""
    zbarimg = require_program("zbarimg")
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", "-Sbinary", str(png)],
        capture_output=True,
        check=False,
        timeout=30,
    )
    if result.returncode != 0:
        return []
    return [result.stdout.decode("utf-8")]


# An axe-style audit run inside the page: names, alt text, headings, landmarks and text contrast.
AUDIT_JS = r"""
async () => {
  // Colours mid-transition (a button turning primary, a hover fading) are not what a visitor
  // reads: let every running CSS transition and animation settle first.
  const settling = document.getAnimations()
    .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
    .map((a) => a.finished.catch(() => null));
  await Promise.all(settling);
  const problems = [];
  const hiddenByAncestor = (el) => {
    for (let node = el; node && node !== document.documentElement; node = node.parentElement) {
      if (node.hidden || node.getAttribute('aria-hidden') === 'true') return true;
      if (node.tagName === 'DIALOG' && !node.open) return true;
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
    }
    return false;
  };
  const accessibleName = (el) => {
    const labelledby = el.getAttribute('aria-labelledby');
    if (labelledby) {
      const text = labelledby.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
      if (text) return text;
    }
    const aria = (el.getAttribute('aria-label') ?? '').trim();
    if (aria) return aria;
    if (el.labels && el.labels.length) {
      const text = Array.from(el.labels).map((label) => label.textContent).join(' ').trim();
      if (text) return text;
    }
    if (!['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) {
      const text = (el.textContent ?? '').trim();
      if (text) return text;
      const img = el.querySelector('img[alt]');
      if (img && img.alt.trim()) return img.alt.trim();
    }
    return (el.getAttribute('title') ?? '').trim();
  };

  if (!document.documentElement.lang) problems.push('html has no lang');
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`img without alt: ${img.src.slice(0, 60)}`);
  }
  for (const canvas of document.querySelectorAll('canvas')) {
    const named = canvas.getAttribute('aria-label') || canvas.getAttribute('aria-hidden') === 'true';
    if (!named) problems.push('canvas without a name');
  }
  const controlSelector = 'button, input:not([type=hidden]), textarea, select, a[href], [role=button]';
  const controls = document.querySelectorAll(controlSelector);
  for (const control of controls) {
    if (!accessibleName(control)) problems.push(`control without a name: ${control.outerHTML.slice(0, 80)}`);
  }
  const headings = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).filter((h) => !hiddenByAncestor(h));
  const h1s = headings.filter((h) => h.tagName === 'H1');
  if (h1s.length !== 1) problems.push(`expected one h1, found ${h1s.length}`);
  let previous = 0;
  for (const heading of headings) {
    const level = Number(heading.tagName[1]);
    const title = heading.textContent.trim().slice(0, 40);
    if (previous && level > previous + 1) problems.push(`heading jumps from h${previous} to h${level}: ${title}`);
    if (!heading.textContent.trim()) problems.push(`empty ${heading.tagName}`);
    previous = level;
  }
  const landmarks = {
    banner: 'header.site-header, [role=banner]',
    navigation: 'nav, [role=navigation]',
    main: 'main, [role=main]',
    complementary: 'aside, [role=complementary]',
  };
  for (const [name, selector] of Object.entries(landmarks)) {
    if (!document.querySelector(selector)) problems.push(`no ${name} landmark`);
  }
  if (!document.querySelector('a.skip-link[href^="#"]')) problems.push('no skip link');
  const ids = new Map();
  for (const node of document.querySelectorAll('[id]')) ids.set(node.id, (ids.get(node.id) ?? 0) + 1);
  for (const [id, count] of ids) if (count > 1) problems.push(`duplicate id ${id}`);

  // Contrast: every visible element with its own text, against the first opaque background behind it.
  const parse = (value) => {
    let m = /^rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\)$/.exec(value);
    if (m) {
      const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : Number(m[4]);
      return [Number(m[1]), Number(m[2]), Number(m[3]), alpha];
    }
    m = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)$/.exec(value);
    if (m) return [m[1] * 255, m[2] * 255, m[3] * 255, m[4] === undefined ? 1 : Number(m[4])];
    return null;
  };
  const blend = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.slice(0, 3).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const backgroundOf = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== 'none' && node !== document.body && node !== document.documentElement) return null;
      const color = parse(style.backgroundColor);
      if (color && color[3] > 0) {
        layers.push(color);
        if (color[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];
    const rootColor = parse(getComputedStyle(document.body).backgroundColor);
    if (rootColor && rootColor[3] >= 1) result = rootColor;
    for (const layer of layers.reverse()) result = blend(layer, result);
    return result;
  };
  const results = [];
  let checked = 0;
  for (const el of document.body.querySelectorAll('*')) {
    const ownText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText || hiddenByAncestor(el) || el.closest('[disabled], .visually-hidden, .skip-link')) continue;
    if (!el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const fg = parse(style.color);
    const bg = backgroundOf(el);
    if (!fg || !bg) continue;
    const color = blend(fg, bg);
    const [l1, l2] = [luminance(color), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    checked += 1;
    results.push(ratio);
    const where = `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}"`;
    if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: ${where}`);
  }
  const body = getComputedStyle(document.body);
  const bodyRatio = (() => {
    const fg = parse(body.color), bg = parse(body.backgroundColor);
    const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return (l1 + 0.05) / (l2 + 0.05);
  })();
  if (bodyRatio < 4.5) problems.push(`body text contrast ${bodyRatio.toFixed(2)} < 4.5`);
  return { problems, checked, bodyRatio, minRatio: Math.min(...results) };
}
"""
