// The CSO's call screen: start or resume a call, answer it by keyboard, see the
// flowchart, and copy the APKT text at the outcome. All call state lives in the
// service; the page signs in with a session cookie (never a token in the page), and
// keeps only the language and the call id in the URL.
import {
  WORDS, fill, getJson, h, installLanguageSwitch, isTyping, lang, onLanguage, scriptLine, t, word,
} from "./common.js";
import { apktText, answerLabel } from "./apkt.js";

Object.assign(WORDS, {
  start: { id: "Mulai panggilan", en: "Start a call" },
  front_door: { id: "Dari pintu depan (tanyakan keperluan Pelanggan)", en: "From the front door (ask the customer's matter)" },
  by_sop: { id: "Langsung ke SOP", en: "Straight to a SOP" },
  resume: { id: "Lanjutkan panggilan (ID)", en: "Resume a call (id)" },
  resume_go: { id: "Lanjutkan", en: "Resume" },
  recent: { id: "Panggilan terakhir Anda", en: "Your recent calls" },
  recent_none: { id: "Belum ada panggilan.", en: "No calls yet." },
  running: { id: "berjalan", en: "in progress" },
  call: { id: "Panggilan", en: "Call" },
  new_call: { id: "Panggilan baru", en: "New call" },
  so_far: { id: "Jawaban sejauh ini", en: "Answers so far" },
  send: { id: "Kirim", en: "Submit" },
  back_to_field: { id: "kembali ke kolom", en: "back to the field" },
  accepted: { id: "Yang diterima", en: "Accepted" },
  refused: { id: "Ditolak", en: "Refused" },
  report_carries: { id: "Laporan APKT wajib memuat", en: "The APKT report must carry" },
  apkt_text: { id: "Teks untuk ditempel di APKT", en: "Text to paste into APKT (in Indonesian)" },
  copy: { id: "Salin teks APKT", en: "Copy the APKT text" },
  copied: { id: "Teks APKT sudah disalin.", en: "The APKT text is copied." },
  copy_failed: { id: "Gagal menyalin otomatis: pilih teks lalu Ctrl+C.", en: "Could not copy: select the text and press Ctrl+C." },
  diagram: { id: "Diagram alir", en: "Flowchart" },
  diagram_alt: { id: "Diagram alir SOP; jalur panggilan dan langkah sekarang disorot", en: "The SOP's flowchart; the call's path and current step highlighted" },
  now_in: { id: "Sekarang", en: "Now in" },
  diagram_full: { id: "Buka diagram ukuran penuh", en: "Open the flowchart full size" },
  diagram_missing: { id: "Diagram alir tidak tersedia.", en: "The flowchart is not available." },
  stale: { id: "Panggilan ini sudah berubah di layar lain; ditampilkan keadaan terbarunya.", en: "This call changed on another screen; its latest state is shown." },
  keys_hint: { id: "Tombol: huruf/angka pada tombol menjawab, / ke kolom, Alt+L bahasa.", en: "Keys: the key on a button answers, / goes to the field, Alt+L language." },
});

const state = { doc: null, call: null, refusal: null, notice: null, draft: "", diagramUrl: null, me: null };
const panel = document.querySelector("[data-call-panel]");
const side = document.querySelector("[data-side-panel]");

// The agent id the service names this session by (GET /v1/me): never the token.
const agent = () => state.me?.agent || "";
const sopOf = (id) => state.doc.sops.find((sop) => sop.id === id);

// -- the service ------------------------------------------------------------------------

class Problem extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || String(status));
    this.status = status;
    this.body = body || {};
  }
  // The Indonesian message the service gives the CSO, or its English detail.
  text() {
    const body = this.body;
    const en = body.detail || body.title || `HTTP ${this.status}`;
    return { id: body.detail_id || en, en };
  }
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Problem(response.status, data);
  return data;
}

// -- keyboard ---------------------------------------------------------------------------

function keyOf(event) {
  return event.key.length === 1 ? event.key.toUpperCase() : event.key;
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) return;
  const key = keyOf(event);
  const target = panel.querySelector(`[data-key~="${CSS.escape(key)}"]`);
  if (target && !target.disabled) {
    event.preventDefault();
    target.focus();
    target.click();
  } else if (key === "/") {
    const field = panel.querySelector("[data-field], [data-resume-field]");
    if (field) {
      event.preventDefault();
      field.focus();
    }
  }
});

// -- start ------------------------------------------------------------------------------

function renderStart() {
  state.call = null;
  history.replaceState(null, "", location.pathname);
  const buttons = [];
  if (state.doc.front_door) {
    buttons.push(startButton(state.doc.front_door, "0", word("front_door"), "front-door"));
  }
  const direct = state.doc.sops.filter((sop) => sop.id !== state.doc.front_door);
  direct.forEach((sop, n) => {
    buttons.push(startButton(sop.id, String(n + 1), `${t(sop.title)} (${word("clause")} ${sop.clause})`));
  });
  fill(panel, 
    h("h2", { id: "start-heading" }, word("start")),
    state.notice ? h("p", { class: "refusal", role: "alert", "data-notice": "" }, t(state.notice)) : null,
    state.doc.front_door ? null : h("p", { class: "hint" }, word("by_sop")),
    h("div", { class: "choices", role: "group", "aria-labelledby": "start-heading" }, buttons),
    h(
      "form",
      { class: "resume", "data-resume-form": "", onsubmit: (event) => { event.preventDefault(); resume(event.target.elements.resume.value.trim()); } },
      h("label", { for: "resume" }, word("resume"), " ", h("kbd", {}, "/")),
      h("input", { id: "resume", name: "resume", "data-resume-field": "", autocomplete: "off", spellcheck: "false" }),
      h("button", { type: "submit" }, word("resume_go")),
    ),
    h("p", { class: "hint" }, word("keys_hint")),
  );
  renderRecent();
  panel.querySelector("[data-start]")?.focus();
}

function startButton(sopId, key, label, extra) {
  return h(
    "button",
    { type: "button", class: "choice", dataset: { start: sopId, key, ...(extra ? { frontDoor: "" } : {}) }, "aria-keyshortcuts": key, onclick: () => startCall(sopId) },
    h("kbd", {}, key), " ", label,
  );
}

async function renderRecent() {
  const list = h("ul", { class: "recent", "data-recent": "" });
  fill(side, h("h2", {}, word("recent")), list);
  if (!agent()) return;
  try {
    const page = await api("GET", `/v1/calls?agent=${encodeURIComponent(agent())}&limit=10`);
    const calls = page.calls || [];
    if (!calls.length) list.append(h("li", {}, word("recent_none")));
    for (const call of calls) {
      const sop = sopOf(call.sop);
      const when = call.created ? new Date(call.created).toLocaleString(lang() === "id" ? "id-ID" : "en-GB") : "";
      list.append(h(
        "li", {},
        h("button", { type: "button", class: "link", dataset: { resumeCall: call.id }, onclick: () => resume(call.id) },
          `${sop ? t(sop.title) : call.sop}`),
        h("span", { class: "meta" }, ` ${when} · `, call.outcome ? call.outcome.code : word("running")),
      ));
    }
  } catch (error) {
    list.append(h("li", { class: "refusal" }, error instanceof Problem ? t(error.text()) : String(error)));
  }
}

async function startCall(sopId) {
  if (!agent()) return needAgent();
  try {
    show(await api("POST", "/v1/calls", { sop: sopId }));
  } catch (error) {
    failed(error);
  }
}

async function resume(callId) {
  if (!callId) return;
  if (!agent()) return needAgent();
  try {
    show(await api("GET", `/v1/calls/${encodeURIComponent(callId)}`));
  } catch (error) {
    state.notice = error instanceof Problem ? error.text() : { id: String(error), en: String(error) };
    renderStart();
    panel.querySelector("[data-resume-field]").value = callId;
    panel.querySelector("[data-resume-field]").focus();
  }
}

function needAgent() {
  location.assign("/signin");
}

function failed(error) {
  if (error instanceof Problem && error.status === 401) return needAgent();
  state.notice = error instanceof Problem ? error.text() : { id: String(error), en: String(error) };
  if (state.call) renderCall(); else renderStart();
}

// -- the call ---------------------------------------------------------------------------

function show(call) {
  const moved = !state.call || state.call.id !== call.id || state.call.revision !== call.revision;
  state.call = call;
  state.refusal = null;
  state.draft = "";
  state.notice = null;
  history.replaceState(null, "", `#call=${encodeURIComponent(call.id)}`);
  renderCall();
  if (moved) loadDiagram();
  focusCall();
  announce();
}

// One short line for a screen reader after each move, rather than the whole panel again.
function announce() {
  const call = state.call;
  const sop = sopOf(call.sop);
  const status = document.querySelector("[data-status]");
  status.textContent = call.outcome
    ? `${word("outcome")}: ${call.outcome.code}`
    : `${word("ask")}: ${t(sop?.questions[call.pending]?.prompt) || call.prompt || ""}`;
}

function fitText() {
  const area = panel.querySelector("[data-apkt-text]");
  if (area) area.style.height = `${area.scrollHeight + 4}px`; // wrapped lines too
}

function focusCall() {
  fitText();
  const target = panel.querySelector("[data-field]") || panel.querySelector("[data-answer]") || panel.querySelector("[data-copy]");
  target?.focus();
}

// The clause SOP a front-door call has continued into ("turun_daya__ask_nik"), if any.
function partOf(call) {
  if (call.continued_into) return state.doc.sops.find((sop) => sop.id === call.continued_into) || null;
  const [prefix, , rest] = call.path[call.path.length - 1].split(/(__)/);
  if (rest === undefined) return null;
  return state.doc.sops.find((sop) => sop.id.replaceAll("-", "_") === prefix) || null;
}

function currentStep(call, sop) {
  const stepId = call.path[call.path.length - 1];
  return sop?.steps[stepId];
}

function renderCall() {
  const call = state.call;
  const sop = sopOf(call.sop);
  const step = currentStep(call, sop);
  const says = step ? step.says : call.scripts.filter((s) => s.step === call.path[call.path.length - 1]).map((s) => ({ ...s, text: { id: s.text, en: s.text } }));
  // Said and done lines in the order the step declares them, the order a CSO acts in
  // ("close the report", then "the report is closed"); notes aside, never read out.
  const spokenOrDone = says.filter((s) => s.kind !== "note");
  const notes = says.filter((s) => s.kind === "note");
  fill(panel, 
    h("div", { class: "call-head" },
      h("h2", {}, sop ? `${t(sop.title)} (${word("clause")} ${sop.clause})` : call.sop),
      partOf(call) ? h("p", { class: "part", "data-part": partOf(call).id }, `${word("now_in")}: `,
        h("strong", {}, `${t(partOf(call).title)} (${word("clause")} ${partOf(call).clause})`)) : null,
      h("p", { class: "meta" }, `${word("call")} `, h("code", { "data-call-id": "" }, call.id), ` · rev ${call.revision}`),
      h("button", { type: "button", class: "secondary", "data-new-call": "", dataset: call.outcome ? { key: "B" } : {}, onclick: () => { state.notice = null; renderStart(); } },
        call.outcome ? h("kbd", {}, "B") : null, " ", word("new_call")),
    ),
    state.notice ? h("p", { class: "refusal", role: "alert", "data-notice": "" }, t(state.notice)) : null,
    renderHistory(call, sop),
    h("div", { class: "step", dataset: { step: call.path[call.path.length - 1], revision: String(call.revision) } },
      spokenOrDone.map((s) => scriptLine(s, { large: (s.kind || "said") === "said" })),
      notes.length ? h("aside", { class: "notes", "aria-label": word("kind_note") }, notes.map((s) => scriptLine(s))) : null,
    ),
    call.outcome ? renderOutcome(call, sop, step) : renderQuestion(call, sop),
  );
}

function renderHistory(call, sop) {
  const entries = Object.entries(call.answers || {});
  if (!entries.length) return null;
  return h("p", { class: "history", "data-history": "" },
    h("span", { class: "kind" }, word("so_far")), " ",
    entries.map(([question, value], n) => [
      n ? " · " : "",
      `${t(sop?.questions[question]?.name) || question}: `,
      h("strong", {}, answerLabel(sop, question, value, lang())),
    ]),
  );
}

function renderQuestion(call, sop) {
  const question = sop?.questions[call.pending];
  const prompt = question ? t(question.prompt) : call.prompt;
  const box = h("div", { class: "question", "data-question": call.pending });
  box.append(h("h3", { id: "prompt" }, h("span", { class: "kind" }, word("ask")), " ", prompt));
  if (question?.input === "choice") {
    box.append(h("div", { class: "choices", role: "group", "aria-labelledby": "prompt" },
      question.options.map((option) => h(
        "button",
        {
          type: "button", class: "choice answer",
          dataset: { answer: JSON.stringify(option.value), class: option.class, key: option.also.join(" ") },
          "aria-keyshortcuts": option.also.join(" "),
          onclick: () => answer(option.value),
        },
        h("kbd", {}, t(option.key)), " ", t(option.label),
      ))));
    return box;
  }
  const refusalId = "refusal";
  const form = h("form", { class: "field-form", "data-field-form": "", onsubmit: (event) => { event.preventDefault(); answer(event.target.elements.answer.value); } },
    h("label", { for: "answer-field" }, question ? t(question.name) : call.pending, " ", h("kbd", {}, "/"), h("span", { class: "sr-only" }, ` ${word("back_to_field")}`)),
    h("div", { class: "field-row" },
      h("input", {
        id: "answer-field", name: "answer", "data-field": question?.input || "text", autocomplete: "off", spellcheck: "false",
        inputmode: question?.input === "nik" ? "numeric" : question?.input === "reading" ? "decimal" : null,
        "aria-invalid": state.refusal ? "true" : "false", "aria-describedby": state.refusal ? refusalId : "accepted",
      }),
      h("button", { type: "submit", "data-submit": "" }, word("send"), " ", h("kbd", {}, "Enter")),
    ),
    h("p", { id: refusalId, class: "refusal", role: "alert", "data-refusal": "" }, state.refusal ? `${word("refused")}: ${t(state.refusal)}` : ""),
    // A refusal already names what is accepted; saying it twice pushes the field away.
    state.refusal ? null : h("p", { id: "accepted", class: "hint" }, `${word("accepted")}: `, question ? t(question.accepted) : call.accepted || ""),
  );
  form.elements.answer.value = state.draft;
  box.append(form);
  // Answers beside the field that are not typed values (no NIK at hand); typing their
  // words in the field does the same.
  const others = question?.options || [];
  if (others.length) {
    box.append(h("div", { class: "choices" }, others.map((option) => h(
      "button",
      { type: "button", class: "secondary answer-other", dataset: { answer: JSON.stringify(option.value), class: option.class }, onclick: () => answer(option.value) },
      t(option.label),
    ))));
  }
  return box;
}

async function answer(value) {
  const call = state.call;
  try {
    show(await api("POST", `/v1/calls/${encodeURIComponent(call.id)}/answers`, { question: call.pending, value, revision: call.revision }));
  } catch (error) {
    if (error instanceof Problem && error.status === 422) {
      state.refusal = error.text();
      state.draft = typeof value === "string" ? value : "";
      renderCall();
      const field = panel.querySelector("[data-field]");
      if (field) { field.focus(); field.select(); } else focusCall();
    } else if (error instanceof Problem && error.status === 409) {
      const latest = await api("GET", `/v1/calls/${encodeURIComponent(call.id)}`);
      show(latest);
      state.notice = WORDS.stale;
      renderCall();
      focusCall();
    } else {
      failed(error);
    }
  }
}

function renderOutcome(call, sop, step) {
  const code = call.outcome.code;
  const meaning = state.doc.outcomes[code];
  const carries = step?.carries || [];
  const text = apktText(call, sop, state.doc, agent(), partOf(call));
  const status = h("p", { class: "hint", role: "status", "data-copied": "" });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = word("copied");
    } catch {
      const area = panel.querySelector("[data-apkt-text]");
      area.focus();
      area.select();
      status.textContent = document.execCommand("copy") ? word("copied") : word("copy_failed");
    }
  };
  return h("div", { class: "outcome", "data-outcome": code },
    h("h3", {}, h("span", { class: "kind" }, word("outcome")), " ", h("strong", {}, code), meaning ? ` — ${t(meaning)}` : ""),
    carries.length
      ? h("div", { class: "carries" }, h("h4", {}, word("report_carries")),
          h("dl", { "data-carries": "" }, carries.map((question) => [
            h("dt", { dataset: { questionName: question } }, t(sop?.questions[question]?.name) || question),
            h("dd", {}, answerLabel(sop, question, call.answers[question], lang())),
          ])))
      : null,
    h("label", { for: "apkt-text" }, word("apkt_text")),
    h("textarea", { id: "apkt-text", readonly: true, rows: String(text.split("\n").length + 1), "data-apkt-text": "" }, text),
    h("button", { type: "button", class: "primary", dataset: { copy: "", key: "S" }, "aria-keyshortcuts": "S", onclick: copy }, h("kbd", {}, "S"), " ", word("copy")),
    status,
  );
}

// -- the flowchart ----------------------------------------------------------------------

const DIAGRAM_KEY = "sopfsm.diagram";
const diagramOpen = () => localStorage.getItem(DIAGRAM_KEY) !== "closed";

// The chart a call is drawn on, and the node of its current step there. Once a front-door
// call continues into a clause, the clause's own chart: the front door's shows the whole
// clause as one box. On it the step is the clause's own (turun_daya__ask_nik -> ask_nik).
function chartOf(call) {
  const step = call.path[call.path.length - 1];
  const part = partOf(call);
  if (part && part.id !== call.sop) return { sop: part, node: step.slice(step.indexOf("__") + 2) };
  return { sop: sopOf(call.sop) || { id: call.sop }, node: step };
}

async function loadDiagram() {
  const call = state.call;
  const chart = chartOf(call);
  const named = chart.sop.title ? `: ${t(chart.sop.title)} (${word("clause")} ${chart.sop.clause})` : `: ${chart.sop.id}`;
  const figure = h("details", {
    class: "diagram", "data-diagram": chart.sop.id, "aria-busy": "true", open: diagramOpen(),
  }, h("summary", { id: "diagram-caption", "data-diagram-toggle": "" }, word("diagram"), named));
  fill(side, figure);
  try {
    const response = await fetch(`/v1/sops/${encodeURIComponent(chart.sop.id)}/diagram.svg?call=${encodeURIComponent(call.id)}&lang=${lang()}`, {
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    const source = await response.text();
    if (state.call?.id !== call.id) return;
    const svg = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
    if (svg.nodeName !== "svg") throw new Error("not an SVG");
    for (const active of svg.querySelectorAll("script, foreignObject")) active.remove();
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", word("diagram_alt"));
    if (state.diagramUrl) URL.revokeObjectURL(state.diagramUrl);
    state.diagramUrl = URL.createObjectURL(new Blob([source], { type: "image/svg+xml" }));
    // A scrollable view, so that a wide chart stays legible around the current step.
    const view = h("div", {
      class: "diagram-view", tabindex: "0", "aria-labelledby": "diagram-caption",
      dataset: { diagramRevision: String(call.revision), diagramCurrent: chart.node },
    });
    view.append(document.importNode(svg, true));
    figure.append(
      view,
      h("a", { href: state.diagramUrl, target: "_blank", rel: "noopener", "data-diagram-full": "" }, word("diagram_full")),
    );
    figure.addEventListener("toggle", () => {
      localStorage.setItem(DIAGRAM_KEY, figure.open ? "open" : "closed");
      if (figure.open) fitDiagram(view, chart.node);
    });
    if (figure.open) fitDiagram(view, chart.node);
  } catch {
    figure.append(h("p", { class: "hint" }, word("diagram_missing")));
  }
  figure.setAttribute("aria-busy", "false");
}

const PT = 4 / 3; // Graphviz sizes its SVG in points

function fitDiagram(view, nodeId) {
  const svg = view.querySelector("svg");
  // Drawn at its own size: the chart's smallest text (9 pt) is then 12 px, and the view
  // scrolls to the current step rather than shrinking the chart to fit.
  svg.style.width = `${Math.round(svg.viewBox.baseVal.width * PT)}px`;
  svg.style.height = "auto";
  const title = [...svg.querySelectorAll("g.node > title")].find((node) => node.textContent === nodeId);
  if (!title) return;
  const node = title.parentNode.getBoundingClientRect();
  const box = view.getBoundingClientRect();
  view.scrollLeft += node.left - box.left - (box.width - node.width) / 2;
  view.scrollTop += node.top - box.top - (box.height - node.height) / 2;
}

// -- boot -------------------------------------------------------------------------------


onLanguage(() => {
  if (!state.doc) return;
  if (state.call) {
    renderCall();
    focusCall();
    loadDiagram();
  } else renderStart();
});

async function boot() {
  installLanguageSwitch();
  try {
    state.me = await api("GET", "/v1/me");
  } catch (error) {
    if (error instanceof Problem && error.status === 401) return needAgent();
    throw error;
  }
  document.querySelector("[data-me-agent]").textContent = state.me.agent;
  document.querySelector("[data-me-role]").textContent = `(${state.me.role})`;
  state.doc = await getJson("/pages/sops.json");
  const callId = new URLSearchParams(location.hash.slice(1)).get("call");
  if (callId && agent()) await resume(callId);
  else renderStart();
  document.body.dataset.ready = "true";
}

boot();
