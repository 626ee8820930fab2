// The chat panel: streamed answers over SSE, source chips, suggestions, history and Stop.

import { ApiError, getJSON, streamChat, visitorId } from "./api.js";
import { clear, el, str } from "./dom.js";
import { sectionEntries, SECTIONS } from "./render.js";
import { track } from "./telemetry.js";

const MAX_QUESTION_CHARS = 1000;

const state = {
  log: null,
  form: null,
  input: null,
  send: null,
  stop: null,
  status: null,
  suggestions: null,
  controller: null,
  onSource: () => undefined,
  firstName: "",
};

function firstNameOf(data) {
  return str(data?.personal_info?.name).split(/\s+/)[0] ?? "";
}

function entriesOf(data, key) {
  const section = SECTIONS.find((item) => item.key === key);
  return section ? sectionEntries(data, section).map(({ entry }) => entry) : [];
}

/** Suggested questions written from the resume itself, so they always have an answer. */
export function buildSuggestions(data) {
  const first = firstNameOf(data) || "you";
  const questions = [];
  const work = entriesOf(data, "experience");
  const current = work.find((job) => !str(job.endDate)) ?? work[0];
  const employer = current ? str(current.name) || str(current.company) : "";
  if (employer) {
    questions.push(current && !str(current.endDate) ? `What does ${first} do at ${employer}?` : `What did ${first} do at ${employer}?`);
  }
  const skills = entriesOf(data, "skills");
  const skill = skills.map((item) => (Array.isArray(item.keywords) ? str(item.keywords[0]) : "") || str(item.name)).find(Boolean);
  if (skill) questions.push(`Do you know ${skill}?`);
  const project = entriesOf(data, "projects").map((item) => str(item.name)).find(Boolean);
  if (project) questions.push(`Tell me about ${project}`);
  const basics = data?.personal_info ?? {};
  if (str(basics.email) || str(basics.phone) || str(basics.url)) questions.push(`How do I contact ${first}?`);
  if (questions.length < 4 && entriesOf(data, "education").length) questions.push(`Where did ${first} study?`);
  return questions.slice(0, 4);
}

function setBusy(busy) {
  state.send.disabled = busy;
  state.stop.hidden = !busy;
  state.form.setAttribute("aria-busy", String(busy));
  for (const button of state.suggestions.querySelectorAll("button")) button.disabled = busy;
}

function removeIntro() {
  state.log.querySelector(".chat__intro")?.remove();
  document.getElementById("chat").classList.add("chat--active");
}

function scrollLog() {
  state.log.scrollTop = state.log.scrollHeight;
}

function addMessage(role, text) {
  removeIntro();
  const body = el("p", { className: "message__text", text });
  const who = el("p", { className: "visually-hidden", text: role === "user" ? "You said:" : "Answer:" });
  const message = el("div", { className: `message message--${role}` }, [who, body]);
  state.log.append(message);
  scrollLog();
  return { message, body };
}

function renderSources(message, sources) {
  message.querySelector(".sources")?.remove();
  const valid = (Array.isArray(sources) ? sources : []).filter((source) => source && str(source.path));
  if (!valid.length) return;
  const chips = valid.map((source) => {
    const title = str(source.title) || str(source.path);
    const chip = el("button", {
      type: "button",
      className: "chip",
      dataset: { source: str(source.path) },
      title: str(source.snippet) || undefined,
      "aria-label": `Show source: ${title}`,
    }, [el("span", { className: "chip__dot", "aria-hidden": "true" }), title]);
    chip.addEventListener("click", () => {
      track("source_clicked", { path: str(source.path).slice(0, 64) });
      state.onSource(str(source.path));
    });
    return chip;
  });
  message.append(el("div", { className: "sources", role: "group", "aria-label": "Sources" }, [
    el("span", { className: "sources__label", text: "Sources" }),
    ...chips,
  ]));
  scrollLog();
}

function errorText(error) {
  if (error instanceof ApiError) {
    if (error.status === 429) return "Lots of questions at once — please wait a few seconds and try again.";
    if (error.status === 413 || error.status === 422) return "That question could not be sent. Try a shorter one.";
    return `Sorry, something went wrong: ${error.message}`;
  }
  return "Sorry, the assistant could not be reached.";
}

/** Ask one question and stream the answer into the log. */
export async function ask(question, via = "typed") {
  const content = question.trim().slice(0, MAX_QUESTION_CHARS);
  if (!content || state.controller) return;
  track("question_asked", { via, chars: content.length });
  addMessage("user", content);
  const { message, body } = addMessage("assistant", "");
  message.setAttribute("aria-busy", "true");
  const typing = el("span", { className: "typing", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]);
  body.append(typing);
  state.status.textContent = "Answering…";
  const controller = new AbortController();
  state.controller = controller;
  setBusy(true);
  let answer = "";
  const show = (text) => {
    answer = text;
    body.textContent = answer;
    scrollLog();
  };
  try {
    for await (const { event, data } of streamChat(content, visitorId(), controller.signal)) {
      if (event === "token") show(answer + (typeof data?.text === "string" ? data.text : ""));
      else if (event === "replace") show(typeof data?.text === "string" ? data.text : "");
      else if (event === "sources") renderSources(message, data?.sources);
      else if (event === "done") {
        const final = data?.message?.content;
        if (typeof final === "string" && final) show(final);
        if (data?.sources) renderSources(message, data.sources);
      } else if (event === "error") {
        throw new ApiError(0, data?.error?.type, data?.error?.message || "The answer could not be finished.");
      }
    }
    if (!answer) show("(No answer.)");
  } catch (error) {
    if (controller.signal.aborted) {
      show(answer ? `${answer} …` : "");
      message.append(el("p", { className: "message__note", text: "Stopped." }));
    } else {
      message.classList.add("message--error");
      show(answer ? `${answer}\n\n${errorText(error)}` : errorText(error));
    }
  } finally {
    message.removeAttribute("aria-busy");
    state.controller = null;
    state.status.textContent = "Answer complete.";
    setBusy(false);
  }
}

/** Stop the answer being streamed, if any. */
export function stopAnswer() {
  state.controller?.abort();
}

function renderIntro() {
  const name = state.firstName;
  state.log.append(
    el("div", { className: "chat__intro" }, [
      el("p", { className: "chat__intro-title", text: name ? `Hi, I'm ${name}'s resume assistant.` : "Hi, I'm the resume assistant." }),
      el("p", { text: "Ask about experience, projects or skills — every answer links to the part of the resume it comes from." }),
    ]),
  );
}

/** Remove every message from the screen (the server copy is handled by the caller). */
export function clearChat() {
  stopAnswer();
  clear(state.log);
  document.getElementById("chat").classList.remove("chat--active");
  renderIntro();
  state.input.value = "";
}

/** Show a visitor's earlier messages. */
export async function loadHistory() {
  try {
    const page = await getJSON(`/api/chat/history?user_id=${encodeURIComponent(visitorId())}&limit=50`);
    const messages = Array.isArray(page?.messages) ? page.messages : [];
    for (const message of messages) {
      if (message?.role === "user" || message?.role === "assistant") addMessage(message.role, str(message.content));
    }
  } catch {
    // Without history the visitor simply starts a fresh conversation.
  }
}

/** Fill the suggestion buttons for this resume. */
export function renderSuggestions(data) {
  const buttons = buildSuggestions(data).map((question) => {
    const button = el("button", { type: "button", className: "suggestion", text: question });
    button.addEventListener("click", () => {
      track("suggestion_clicked", { index: buttons.indexOf(button) });
      ask(question, "suggestion");
    });
    return button;
  });
  state.suggestions.replaceChildren(...buttons);
  state.suggestions.hidden = !buttons.length;
}

/** Wire the chat panel; `onSource(path)` scrolls to a cited entry. */
export function initChat({ data, onSource }) {
  state.log = document.getElementById("chat-log");
  state.form = document.getElementById("chat-form");
  state.input = document.getElementById("chat-input");
  state.send = document.getElementById("chat-send");
  state.stop = document.getElementById("chat-stop");
  state.status = document.getElementById("chat-status");
  state.suggestions = document.getElementById("suggestions");
  state.onSource = onSource;
  state.firstName = firstNameOf(data);
  if (state.firstName) {
    document.getElementById("chat-title").textContent = `Ask about ${state.firstName}`;
  }
  clear(state.log);
  renderIntro();
  renderSuggestions(data);
  state.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = state.input.value;
    if (!question.trim() || state.controller) return;
    state.input.value = "";
    ask(question, "typed");
  });
  state.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      state.form.requestSubmit();
    }
  });
  state.stop.addEventListener("click", stopAnswer);
}
