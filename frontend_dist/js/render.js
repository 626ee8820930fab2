// Turns /api/resume_data into the resume page. Every entry element carries its JSON Resume path.

import { clear, el, initials, isLocalImage, safeHref, str } from "./dom.js";

/** Sections in display order: API key, JSON Resume key, heading, entry renderer. */
export const SECTIONS = [
  { key: "experience", source: "work", title: "Experience", render: renderWork },
  { key: "projects", source: "projects", title: "Projects", render: renderProject },
  { key: "skills", source: "skills", title: "Skills", render: renderSkill, layout: "grid" },
  { key: "education", source: "education", title: "Education", render: renderEducation },
  { key: "volunteer", source: "volunteer", title: "Volunteering", render: renderVolunteer },
  { key: "awards", source: "awards", title: "Awards", render: renderAward, layout: "grid" },
  { key: "certificates", source: "certificates", title: "Certificates", render: renderCertificate, layout: "grid" },
  { key: "publications", source: "publications", title: "Publications", render: renderPublication },
  { key: "languages", source: "languages", title: "Languages", render: renderLanguage, layout: "compact" },
  { key: "interests", source: "interests", title: "Interests", render: renderInterest, layout: "grid" },
  { key: "references", source: "references", title: "References", render: renderReference },
];

/** A link on desktop; plain text in kiosk mode, where leaving the page must not be possible. */
export function linkOrText(url, text, context, className = "") {
  const href = safeHref(url);
  const label = str(text) || str(url);
  if (!href || context.kiosk) return el("span", { className, text: label });
  const external = /^https?:/.test(href) && new URL(href).origin !== window.location.origin;
  return el("a", {
    className,
    href,
    text: label,
    target: external ? "_blank" : undefined,
    rel: external ? "noopener noreferrer" : undefined,
  });
}

function displayUrl(url) {
  return str(url).replace(/^https?:\/\//, "").replace(/\/$/, "");
}

function entryShell(path, extraClass = "") {
  return el("article", {
    className: `entry ${extraClass}`.trim(),
    id: path,
    tabindex: "-1",
    dataset: { path },
  });
}

function entryHead(title, subtitle, meta, context, url) {
  const titleNode = el("h3", { className: "entry__title", text: title });
  const head = el("header", { className: "entry__head" }, [
    el("div", { className: "entry__heading" }, [
      titleNode,
      subtitle ? el("p", { className: "entry__subtitle" }, [subtitle]) : null,
    ]),
    meta ? el("p", { className: "entry__meta", text: meta }) : null,
  ]);
  if (url && safeHref(url)) {
    head.querySelector(".entry__heading").append(
      el("p", { className: "entry__link" }, [linkOrText(url, displayUrl(url), context)]),
    );
  }
  return head;
}

function paragraph(text, className = "entry__summary") {
  const value = str(text);
  return value ? el("p", { className, text: value }) : null;
}

function bulletList(items, className = "entry__highlights") {
  const values = (Array.isArray(items) ? items : []).map(str).filter(Boolean);
  if (!values.length) return null;
  return el("ul", { className }, values.map((value) => el("li", { text: value })));
}

function tagList(items, label) {
  const values = (Array.isArray(items) ? items : []).map(str).filter(Boolean);
  if (!values.length) return null;
  return el("ul", { className: "tags", "aria-label": label }, values.map((value) => el("li", { className: "tag", text: value })));
}

function joinParts(...parts) {
  return parts.map(str).filter(Boolean).join(" · ");
}

function renderWork(entry, path, context) {
  const organisation = str(entry.name) || str(entry.company);
  const article = entryShell(path);
  article.append(
    entryHead(
      str(entry.position) || organisation || "Role",
      str(entry.position) ? joinParts(organisation, entry.location) : str(entry.location),
      str(entry.dates),
      context,
      entry.url,
    ),
    paragraph(entry.description, "entry__description") ?? "",
    paragraph(entry.summary) ?? "",
    bulletList(entry.highlights) ?? "",
  );
  return article;
}

function renderVolunteer(entry, path, context) {
  const organisation = str(entry.organization) || str(entry.organisation);
  const article = entryShell(path);
  article.append(
    entryHead(
      str(entry.position) || organisation || "Volunteer",
      str(entry.position) ? organisation : "",
      str(entry.dates),
      context,
      entry.url,
    ),
    paragraph(entry.summary) ?? "",
    bulletList(entry.highlights) ?? "",
  );
  return article;
}

function renderProject(entry, path, context) {
  const article = entryShell(path);
  const roles = (Array.isArray(entry.roles) ? entry.roles : []).map(str).filter(Boolean).join(", ");
  article.append(
    entryHead(
      str(entry.name) || "Project",
      joinParts(entry.entity, entry.type, roles),
      str(entry.dates),
      context,
      entry.url,
    ),
    paragraph(entry.description) ?? "",
    bulletList(entry.highlights) ?? "",
    tagList(entry.keywords, "Keywords") ?? "",
  );
  return article;
}

function renderSkill(entry, path) {
  const article = entryShell(path, "entry--card");
  article.append(
    el("header", { className: "entry__head entry__head--stacked" }, [
      el("h3", { className: "entry__title", text: str(entry.name) || "Skill" }),
      str(entry.level) ? el("p", { className: "entry__badge", text: str(entry.level) }) : null,
    ]),
    tagList(entry.keywords, `${str(entry.name) || "Skill"} keywords`) ?? "",
  );
  return article;
}

function renderEducation(entry, path, context) {
  const degree = joinParts(entry.studyType, entry.area);
  const article = entryShell(path);
  article.append(
    entryHead(
      str(entry.institution) || degree || "Education",
      str(entry.institution) ? degree : "",
      str(entry.dates),
      context,
      entry.url,
    ),
    str(entry.score) ? el("p", { className: "entry__detail", text: `Score: ${str(entry.score)}` }) : "",
    bulletList(entry.courses, "entry__courses") ?? "",
  );
  return article;
}

function renderAward(entry, path) {
  const article = entryShell(path, "entry--card");
  article.append(
    entryHead(str(entry.title) || "Award", str(entry.awarder), str(entry.dates)),
    paragraph(entry.summary) ?? "",
  );
  return article;
}

function renderCertificate(entry, path, context) {
  const article = entryShell(path, "entry--card");
  article.append(entryHead(str(entry.name) || "Certificate", str(entry.issuer), str(entry.dates), context, entry.url));
  return article;
}

function renderPublication(entry, path, context) {
  const article = entryShell(path);
  article.append(
    entryHead(str(entry.name) || "Publication", str(entry.publisher), str(entry.dates), context, entry.url),
    paragraph(entry.summary) ?? "",
  );
  return article;
}

function renderLanguage(entry, path) {
  const article = entryShell(path, "entry--chip");
  article.append(
    el("h3", { className: "entry__title", text: str(entry.language) || "Language" }),
    str(entry.fluency) ? el("p", { className: "entry__meta", text: str(entry.fluency) }) : "",
  );
  return article;
}

function renderInterest(entry, path) {
  const article = entryShell(path, "entry--card");
  article.append(
    el("h3", { className: "entry__title", text: str(entry.name) || "Interest" }),
    tagList(entry.keywords, `${str(entry.name) || "Interest"} keywords`) ?? "",
  );
  return article;
}

function renderReference(entry, path) {
  const article = entryShell(path, "entry--quote");
  article.append(
    el("blockquote", { className: "reference__quote" }, [el("p", { text: str(entry.reference) })]),
    el("h3", { className: "entry__title reference__name", text: str(entry.name) || "Reference" }),
  );
  return article;
}

/** The entries of one section, each with its JSON Resume path (from the API, else derived). */
export function sectionEntries(data, section) {
  const list = Array.isArray(data?.[section.key]) ? data[section.key] : [];
  return list
    .map((entry, index) => ({ entry, path: str(entry?.path) || `${section.source}[${index}]` }))
    .filter(({ entry }) => entry && typeof entry === "object");
}

function renderContact(basics, context) {
  const items = [];
  const add = (path, kind, node) => items.push(el("li", { className: `contact contact--${kind}`, dataset: { path } }, [node]));
  const email = str(basics.email);
  if (email) add("basics.email", "email", linkOrText(`mailto:${email}`, email, context));
  const phone = str(basics.phone);
  if (phone) add("basics.phone", "phone", linkOrText(`tel:${phone.replace(/[^\d+]/g, "")}`, phone, context));
  const url = str(basics.url);
  if (url) add("basics.url", "url", linkOrText(url, displayUrl(url), context));
  const profiles = Array.isArray(basics.profiles) ? basics.profiles : [];
  profiles.forEach((profile, index) => {
    if (!profile || typeof profile !== "object") return;
    const path = str(profile.path) || `basics.profiles[${index}]`;
    const network = str(profile.network);
    const name = str(profile.username) || displayUrl(profile.url);
    const text = network && name ? `${network}: ${name}` : network || name;
    if (text) add(path, "profile", linkOrText(profile.url, text, context));
  });
  return items;
}

function locationText(location) {
  if (!location || typeof location !== "object") return str(location);
  return [location.city, location.region, location.countryCode].map(str).filter(Boolean).join(", ");
}

/** Fill an avatar holder with the local photo when allowed, else the initials. */
export function renderAvatar(holder, basics) {
  clear(holder);
  const name = str(basics?.name);
  if (isLocalImage(basics?.image)) {
    holder.append(el("img", { src: str(basics.image), alt: name ? `Photo of ${name}` : "Profile photo" }));
  } else {
    holder.append(el("span", { className: "avatar-initials", text: initials(name) }));
  }
}

/** Render the hero (personal info) section. */
export function renderBasics(basics, context) {
  const name = str(basics.name) || "Portfolio";
  document.title = str(basics.label) ? `${name} — ${str(basics.label)}` : name;
  document.getElementById("person-name").textContent = name;
  document.getElementById("brand-name").textContent = name;
  document.getElementById("brand-mark").textContent = initials(name);
  document.getElementById("person-label").textContent = str(basics.label);
  document.getElementById("person-summary").textContent = str(basics.summary);
  const location = document.getElementById("person-location");
  const place = locationText(basics.location);
  location.textContent = place;
  location.hidden = !place;
  renderAvatar(document.getElementById("avatar"), basics);
  document.getElementById("contact-list").replaceChildren(...renderContact(basics, context));
}

/** Render every present section; returns the section elements (for the telemetry observer). */
export function renderSections(data, context) {
  const container = document.getElementById("sections");
  const nav = document.getElementById("section-nav");
  const sections = [];
  const navItems = [];
  for (const section of SECTIONS) {
    const entries = sectionEntries(data, section);
    if (!entries.length) continue;
    const headingId = `${section.key}-title`;
    const list = el("div", { className: `entries entries--${section.layout ?? "list"}` });
    for (const { entry, path } of entries) list.append(section.render(entry, path, context));
    const node = el(
      "section",
      { className: `resume-section resume-section--${section.key}`, id: section.key, "aria-labelledby": headingId, dataset: { section: section.key } },
      [el("h2", { className: "section-title", id: headingId, text: section.title }), list],
    );
    sections.push(node);
    navItems.push(el("li", {}, [el("a", { href: `#${section.key}`, text: section.title })]));
  }
  container.replaceChildren(...sections);
  nav.replaceChildren(...navItems);
  return sections;
}

/** Find the element for a source path, falling back to its nearest rendered ancestor path. */
export function findEntry(path) {
  let candidate = str(path);
  while (candidate) {
    const match = document.querySelector(`[data-path="${CSS.escape(candidate)}"]`);
    if (match) return match;
    const shorter = candidate.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
    if (shorter === candidate) break;
    candidate = shorter;
  }
  return null;
}
