// The CSO's call screen: start or resume a call, answer it by keyboard, change an
// earlier answer, give the customer's details, wrap the call up, see the flowchart, and
// copy the APKT text at the outcome. All call state lives in the service; this page
// keeps only the agent id, the language, the call id in the URL and half-typed fields
// (sessionStorage, so that a reload keeps them).
//
// No answer by accident: no answer button has focus when a question appears; keys are
// not taken for GUARD_MS after a move (a bounce, a second Enter), nor while a request is
// on its way, nor when held down (event.repeat); body[data-keys-ready] says they are.
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
  keys_hint: { id: "Tombol: huruf/angka pada tombol menjawab, / ke kolom, ⌫ sebelumnya, Alt+L bahasa.", en: "Keys: the key on a button answers, / goes to the field, ⌫ previous, Alt+L language." },
  previous: { id: "Sebelumnya", en: "Previous" },
  change: { id: "Ubah jawaban", en: "Change the answer" },
  change_now: { id: "sekarang", en: "now" },
  reason: { id: "Alasan perubahan", en: "Reason for the change" },
  reason_default: { id: "Salah input", en: "Wrong input" },
  cancel: { id: "Batal", en: "Cancel" },
  corrected: { id: "Jawaban diubah", en: "Answer changed" },
  outcome_changed: { id: "Perhatian: hasil panggilan berubah", en: "Note: the call's outcome changed" },
  recorded: { id: "Tercatat", en: "Recorded" },
  customer: { id: "Data pelanggan", en: "Customer details" },
  d_idpel: { id: "IDPEL (12 angka)", en: "IDPEL (12 digits)" },
  d_meter: { id: "Nomor meter (11–12 angka)", en: "Meter number (11–12 digits)" },
  d_name: { id: "Nama", en: "Name" },
  d_phone: { id: "Telepon", en: "Phone" },
  d_address: { id: "Alamat", en: "Address" },
  d_note: { id: "Catatan", en: "Note" },
  save_details: { id: "Simpan data pelanggan", en: "Save the customer details" },
  details_saved: { id: "Data pelanggan tersimpan.", en: "Customer details saved." },
  missing: { id: "Data yang masih kurang untuk laporan APKT", en: "Details the APKT report still needs" },
  wrap_up: { id: "Akhiri panggilan tanpa hasil", en: "End the call without an outcome" },
  wrap_note: { id: "Catatan penutupan", en: "Wrap-up note" },
  wrap_go: { id: "Akhiri panggilan", en: "End the call" },
  close_call: { id: "Tutup panggilan", en: "Close the call" },
  closed: { id: "Panggilan ditutup", en: "Call closed" },
  abandoned: { id: "Panggilan diakhiri tanpa hasil", en: "Call ended without an outcome" },
  stale_call: { id: "terbengkalai", en: "stale" },
  kept_version: { id: "Panggilan ini tetap memakai SOP versi", en: "This call keeps SOP version" },
  newer_in_force: { id: "sampai selesai; versi", en: "to its end; version" },
  newer_for_new: { id: "kini berlaku untuk panggilan baru.", en: "is now in force for new calls." },
  close_stale: { id: "Tutup (terputus)", en: "Close (dropped)" },
  handoff: { id: "Alihkan ke SOP reguler", en: "Hand off to the regular SOP" },
  handoff_hint: { id: "Bukan hasil APKT: lanjutkan dengan SOP reguler.", en: "Not an APKT outcome: carry on with the regular SOP." },
});

const WRAP_CODES = {
  dropped: { id: "Sambungan terputus", en: "Line dropped" },
  hung_up: { id: "Pelanggan menutup telepon", en: "Customer hung up" },
  transferred: { id: "Dialihkan", en: "Transferred" },
  callback: { id: "Akan ditelepon kembali", en: "Callback" },
};
const DETAIL_FIELDS = ["idpel", "meter", "name", "phone", "address", "note"];
const GUARD_MS = 400; // a key within this time of a move is a bounce or a second press
const STALE_MINUTES = 30; // an open call older than this is shown as stale

// -- half-typed fields, kept across a reload ----------------------------------------------

const draftKey = (name) => `sopfsm.draft.${state.call?.id || "-"}.${name}`;
const draftOf = (name) => sessionStorage.getItem(draftKey(name));
function keepDraft(name, value) {
  if (value) sessionStorage.setItem(draftKey(name), value); else sessionStorage.removeItem(draftKey(name));
}
function dropDrafts(names) { for (const name of names) sessionStorage.removeItem(draftKey(name)); }

// -- the key guard ------------------------------------------------------------------------

let keysFrom = 0;
let settleTimer = null;

// A move happened (a new question, an outcome, a refusal): keys wait GUARD_MS.
function settle() {
  keysFrom = performance.now() + GUARD_MS;
  delete document.body.dataset.keysReady;
  clearTimeout(settleTimer);
  settleTimer = setTimeout(() => { if (!state.busy) document.body.dataset.keysReady = "true"; }, GUARD_MS);
}

function commits(event) {
  if (event.key === "Enter") return true;
  if (isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return false;
  return event.key.length === 1 || event.key === "Backspace";
}

// First of all listeners (capture): a key that could commit is dropped when held, too
// soon after a move, or while a change is on its way.
document.addEventListener("keydown", (event) => {
  if (!commits(event)) return;
  if (event.target !== document.body && !panel.contains(event.target)) return; // the agent id
  if (event.repeat || performance.now() < keysFrom || state.busy) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// Every change to the call goes through here: one at a time, keys held until it lands.
async function send(method, path, body) {
  if (state.busy) return null;
  state.busy = true;
  delete document.body.dataset.keysReady;
  let moved = false;
  try {
    const changed = await api(method, path, body);
    moved = true;
    return changed;
  } finally {
    state.busy = false;
    // A refusal moves nothing: the CSO may correct and send again at once.
    if (moved) settle();
    else if (performance.now() >= keysFrom) document.body.dataset.keysReady = "true";
  }
}

const state = {
  doc: null, call: null, refusal: null, notice: null, diagramUrl: null,
  busy: false, changing: null, detailRefusal: null, lastMove: null, draft: "", me: null,
};
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
  state.lastMove = null;
  state.changing = null;
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
    h("h2", { id: "start-heading", tabindex: "-1", "data-start-heading": "" }, word("start")),
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
  // Not a start button: Enter on the start screen starts nothing.
  panel.querySelector("[data-start-heading]")?.focus();
  settle();
}

function startButton(sopId, key, label, extra) {
  return h(
    "button",
    { type: "button", class: "choice", dataset: { start: sopId, key, ...(extra ? { frontDoor: "" } : {}) }, "aria-keyshortcuts": key, onclick: () => { if (!state.busy) startCall(sopId); } },
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
    for (const call of calls) list.append(recentItem(call));
  } catch (error) {
    list.append(h("li", { class: "refusal" }, error instanceof Problem ? t(error.text()) : String(error)));
  }
}

// A recent call told apart by its matter, the clause it went into and its time; an open
// call older than STALE_MINUTES is marked stale, with a way to close it.
function recentItem(call) {
  const sop = sopOf(call.sop);
  const part = call.continued_into ? sopOf(call.continued_into) : null;
  const matter = call.answers?.matter !== undefined ? answerLabel(sop, "matter", call.answers.matter, lang()) : null;
  const title = part ? `${t(part.title)} (${word("clause")} ${part.clause})`
    : sop ? `${t(sop.title)}${sop.clause ? ` (${word("clause")} ${sop.clause})` : ""}` : call.sop;
  const when = call.created ? new Date(call.created).toLocaleString(lang() === "id" ? "id-ID" : "en-GB") : "";
  const status = call.status || (call.outcome ? "done" : "open");
  const stale = status === "open" && call.created && Date.now() - Date.parse(call.created) > STALE_MINUTES * 60_000;
  const shownStatus = status === "abandoned" ? word("abandoned") : call.outcome ? call.outcome.code : stale ? word("stale_call") : word("running");
  return h(
    "li", { class: stale ? "stale" : null, dataset: { recent: call.id, status, ...(stale ? { stale: "" } : {}) } },
    h("button", { type: "button", class: "link", dataset: { resumeCall: call.id }, onclick: () => resume(call.id) },
      matter ? `${matter} · ${title}` : title),
    h("span", { class: "meta" }, ` ${when} · `, shownStatus),
    stale ? [" ", h("button", { type: "button", class: "secondary", dataset: { closeStale: call.id },
      onclick: async () => {
        try {
          await send("POST", `/v1/calls/${encodeURIComponent(call.id)}/abandon`, { code: "dropped", revision: call.revision });
        } catch (error) {
          state.notice = error instanceof Problem ? error.text() : { id: String(error), en: String(error) };
        }
        if (!state.call) renderStart();
      } }, word("close_stale"))] : null,
  );
}

async function startCall(sopId) {
  if (!agent()) return needAgent();
  try {
    const call = await send("POST", "/v1/calls", { sop: sopId });
    if (call) show(call);
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

// The SOPs again, when a call names a version the page has not got (the service was
// restarted with another SOP folder since the page loaded).
async function refreshDoc(callId) {
  state.doc = await getJson("/pages/sops.json");
  if (state.call?.id === callId && !state.changing) renderCall();
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
  state.notice = null;
  state.changing = null;
  state.detailRefusal = null;
  history.replaceState(null, "", `#call=${encodeURIComponent(call.id)}`);
  if (!knowsVersion(call)) refreshDoc(call.id);
  renderCall();
  if (moved) loadDiagram();
  focusCall();
  announce();
  settle();
}

// One short line for a screen reader after each move, rather than the whole panel again.
function announce() {
  const call = state.call;
  const sop = callSop(call);
  const status = document.querySelector("[data-status]");
  status.textContent = call.outcome
    ? `${word("outcome")}: ${call.outcome.code}`
    : `${word("ask")}: ${t(sop?.questions[call.pending]?.prompt) || call.prompt || ""}`;
}

function fitText() {
  const area = panel.querySelector("[data-apkt-text]");
  if (area) area.style.height = `${area.scrollHeight + 4}px`; // wrapped lines too
}

// Focus goes to the field, or to the question itself: never to an answer button, so that
// Enter pressed twice answers nothing. What to say stays in view (200 % zoom, a phone).
function focusCall() {
  fitText();
  const target = panel.querySelector("[data-change-field]") || panel.querySelector("[data-change-heading]")
    || panel.querySelector("[data-field]") || panel.querySelector("[data-prompt]")
    || panel.querySelector("[data-copy]") || panel.querySelector("[data-end-heading]");
  target?.focus({ preventScroll: true });
  // At a question, what to say comes first; at the outcome the page stays where it is.
  if (target?.closest("[data-question], [data-change]")) keepSaidInView();
}

function keepSaidInView() {
  const said = panel.querySelector("[data-step]");
  if (!said) return;
  const box = said.getBoundingClientRect();
  if (box.top < 0 || box.top > window.innerHeight / 2) said.scrollIntoView({ block: "start" });
}

panel.addEventListener("focusin", (event) => {
  if (event.target.closest("[data-question], [data-change]")) requestAnimationFrame(keepSaidInView);
});

// The clause SOP a front-door call has continued into ("turun_daya__ask_nik"), if any.
function partOf(call) {
  if (call.continued_into) return state.doc.sops.find((sop) => sop.id === call.continued_into) || null;
  const [prefix, , rest] = call.path[call.path.length - 1].split(/(__)/);
  if (rest === undefined) return null;
  return state.doc.sops.find((sop) => sop.id.replaceAll("-", "_") === prefix) || null;
}

// The SOP as the call keeps it: its own version, which may no longer be in force.
function callSop(call) {
  return state.doc.versions?.[call.sop]?.[call.version] || sopOf(call.sop);
}

// Whether the page has the version of the SOP the call keeps.
function knowsVersion(call) {
  return Boolean(state.doc.versions?.[call.sop]?.[call.version]) || sopOf(call.sop)?.version === call.version;
}

function newerVersion(call) {
  if (!call.newer_version) return null;
  const line = (l) => `${WORDS.kept_version[l]} ${call.version} ${WORDS.newer_in_force[l]} ${call.newer_version} ${WORDS.newer_for_new[l]}`;
  return h("p", { class: "newer-version", role: "status", "data-newer-version": call.newer_version }, t({ id: line("id"), en: line("en") }));
}

function currentStep(call, sop) {
  const stepId = call.path[call.path.length - 1];
  return sop?.steps[stepId];
}

function renderCall() {
  const call = state.call;
  const sop = callSop(call);
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
      h("button", { type: "button", class: "secondary", "data-new-call": "", dataset: call.outcome || call.closed ? { key: "B" } : {}, onclick: () => { state.notice = null; renderStart(); } },
        call.outcome || call.closed ? h("kbd", {}, "B") : null, " ", word("new_call")),
    ),
    newerVersion(call),
    state.notice ? h("p", { class: "refusal", role: "alert", "data-notice": "" }, t(state.notice)) : null,
    state.lastMove ? h("p", { class: "hint moved", role: "status", "data-last-move": "" }, t(state.lastMove)) : null,
    renderHistory(call, sop),
    h("div", { class: "step", dataset: { step: call.path[call.path.length - 1], revision: String(call.revision), callStatus: call.status || "" } },
      spokenOrDone.map((s) => scriptLine(s, { large: (s.kind || "said") === "said" })),
      notes.length ? h("aside", { class: "notes", "aria-label": word("kind_note") }, notes.map((s) => scriptLine(s))) : null,
    ),
    state.changing ? renderChange(call, sop, state.changing)
      : call.closed ? renderEnded(call, sop, step)
      : call.outcome ? renderOutcome(call, sop, step) : renderQuestion(call, sop),
    call.closed ? null : renderDetails(call),
    call.closed || state.changing ? null : renderWrapUp(call),
  );
}

// -- changing an earlier answer -------------------------------------------------------

function startChange(question) {
  if (state.busy || !state.call || state.call.closed) return;
  state.changing = question;
  state.refusal = null;
  renderCall();
  focusCall();
  settle();
}

function cancelChange() {
  state.changing = null;
  state.refusal = null;
  renderCall();
  focusCall();
}

function renderChange(call, sop, questionId) {
  const question = sop?.questions[questionId];
  const now = call.answers[questionId];
  const reasonValue = draftOf("reason") ?? word("reason_default");
  const reason = h("input", { id: "change-reason", name: "reason", "data-change-reason": "", autocomplete: "off", value: reasonValue,
    oninput: (event) => keepDraft("reason", event.target.value) });
  const submit = (value) => correct(questionId, value, reason.value);
  const box = h("div", { class: "question change", dataset: { change: questionId } },
    h("h3", { id: "change-prompt", tabindex: "-1", "data-change-heading": "" }, h("span", { class: "kind" }, word("change")), " ",
      question ? t(question.prompt) : questionId, " ",
      h("span", { class: "meta" }, `(${word("change_now")}: ${answerLabel(sop, questionId, now, lang())})`)),
    h("form", { class: "field-form", onsubmit: (event) => { event.preventDefault(); panel.querySelector("[data-change-heading]")?.focus(); } },
      h("label", { for: "change-reason" }, word("reason")), reason),
  );
  if (question?.input === "choice") {
    box.append(h("div", { class: "choices", role: "group", "aria-labelledby": "change-prompt" },
      question.options.map((option) => h("button", {
        type: "button", class: "choice answer",
        dataset: { changeAnswer: JSON.stringify(option.value), class: option.class, key: option.also.join(" ") },
        "aria-keyshortcuts": option.also.join(" "), onclick: () => submit(option.value),
      }, h("kbd", {}, t(option.key)), " ", t(option.label)))));
  } else {
    const field = h("input", { id: "change-field", name: "answer", "data-change-field": question?.input || "text", autocomplete: "off", spellcheck: "false",
      value: draftOf("change") ?? (typeof now === "string" || typeof now === "number" ? String(now) : ""),
      oninput: (event) => keepDraft("change", event.target.value),
      "aria-invalid": state.refusal ? "true" : "false", "aria-describedby": "change-refusal" });
    box.append(h("form", { class: "field-form", onsubmit: (event) => { event.preventDefault(); submit(field.value); } },
      h("label", { for: "change-field" }, question ? t(question.name) : questionId),
      h("div", { class: "field-row" }, field, h("button", { type: "submit", "data-change-submit": "" }, word("send"), " ", h("kbd", {}, "Enter")))));
  }
  box.append(
    h("p", { id: "change-refusal", class: "refusal", role: "alert", "data-refusal": "" }, state.refusal ? `${word("refused")}: ${t(state.refusal)}` : ""),
    h("button", { type: "button", class: "secondary", dataset: { cancelChange: "", key: "Escape" }, onclick: cancelChange }, h("kbd", {}, "Esc"), " ", word("cancel")),
  );
  return box;
}

async function correct(question, value, reason) {
  const call = state.call;
  try {
    const changed = await send("POST", `/v1/calls/${encodeURIComponent(call.id)}/corrections`, { question, value, reason, revision: call.revision });
    if (!changed) return;
    dropDrafts(["reason", "change"]);
    const entry = changed.log[changed.log.length - 1];
    const sop = callSop(call);
    const line = `${word("corrected")}: ${t(sop?.questions[question]?.name) || question} → ${answerLabel(sop, question, entry.value, lang())}`;
    const outcomeChanged = entry.outcome_before && entry.outcome_before !== entry.outcome_after;
    state.lastMove = { id: line, en: line };
    show(changed);
    if (outcomeChanged) {
      state.notice = { id: `${WORDS.outcome_changed.id}: ${entry.outcome_before} → ${entry.outcome_after || "—"}`, en: `${WORDS.outcome_changed.en}: ${entry.outcome_before} → ${entry.outcome_after || "—"}` };
      renderCall();
      focusCall();
    }
  } catch (error) {
    if (error instanceof Problem && error.status === 422) {
      state.refusal = error.text();
      renderCall();
      const field = panel.querySelector("[data-change-field]");
      if (field) { field.focus(); field.select(); } else focusCall();
    } else await refused(error);
  }
}

// -- the customer's details -----------------------------------------------------------

function renderDetails(call) {
  const customer = call.customer || {};
  const missing = call.missing_details || [];
  const fields = DETAIL_FIELDS.map((name) => {
    const id = `detail-${name}`;
    const refusal = state.detailRefusal?.field === name ? state.detailRefusal.text : null;
    const attributes = {
      id, name, "data-detail": name, autocomplete: "off",
      value: draftOf(name) ?? customer[name] ?? "",
      inputmode: name === "idpel" || name === "meter" ? "numeric" : name === "phone" ? "tel" : null,
      "aria-invalid": refusal ? "true" : "false", "aria-describedby": refusal ? `${id}-refusal` : null,
      oninput: (event) => keepDraft(name, event.target.value),
    };
    const input = name === "note" || name === "address" ? h("textarea", { ...attributes, rows: "2", value: null }, attributes.value) : h("input", attributes);
    return h("div", { class: "detail" },
      h("label", { for: id }, word(`d_${name}`)), input,
      refusal ? h("p", { id: `${id}-refusal`, class: "refusal", role: "alert", dataset: { detailRefusal: name } }, `${word("refused")}: ${t(refusal)}`) : null);
  });
  return h("form", { class: "details", "data-details-form": "", "aria-labelledby": "details-heading", onsubmit: (event) => { event.preventDefault(); saveDetails(); } },
    h("h3", { id: "details-heading" }, word("customer")),
    missing.length ? h("p", { class: "refusal", "data-missing": missing.join(" ") }, `${word("missing")}: `, missing.map(detailLabel).join(", ")) : null,
    h("div", { class: "detail-grid" }, fields),
    h("button", { type: "submit", "data-save-details": "" }, word("save_details")),
  );
}

function detailLabel(name) {
  return name === "identity" ? `${word("d_idpel")} / ${word("d_meter")}` : word(`d_${name}`);
}

async function saveDetails() {
  const call = state.call;
  const given = {};
  for (const name of DETAIL_FIELDS) {
    const value = panel.querySelector(`[data-detail="${name}"]`).value.trim();
    if (value !== (call.customer?.[name] ?? "")) given[name] = value;
  }
  if (!Object.keys(given).length) return;
  try {
    const changed = await send("POST", `/v1/calls/${encodeURIComponent(call.id)}/details`, { ...given, revision: call.revision });
    if (!changed) return;
    dropDrafts(DETAIL_FIELDS);
    state.lastMove = WORDS.details_saved;
    const answerDraft = panel.querySelector("[data-field]")?.value;
    show(changed);
    if (answerDraft) panel.querySelector("[data-field]").value = answerDraft;
  } catch (error) {
    if (error instanceof Problem && error.status === 422) {
      state.detailRefusal = { field: error.body.field, text: error.text() };
      renderCall();
      const field = panel.querySelector(`[data-detail="${CSS.escape(error.body.field || "")}"]`);
      field?.focus();
      field?.select?.();
    } else await refused(error);
  }
}

// -- wrap-up --------------------------------------------------------------------------

function renderWrapUp(call) {
  if (call.outcome) {
    return h("p", { class: "wrap-up" }, h("button", { type: "button", class: "secondary", "data-close-call": "", onclick: () => endCall("close") }, word("close_call")));
  }
  return h("form", { class: "wrap-up", "data-wrap-up": "", onsubmit: (event) => { event.preventDefault(); endCall("abandon", new FormData(event.target)); } },
    h("fieldset", {},
      h("legend", {}, word("wrap_up")),
      Object.entries(WRAP_CODES).map(([code, label]) => h("label", { class: "radio" },
        h("input", { type: "radio", name: "code", value: code, required: true, dataset: { wrapCode: code } }), " ", t(label))),
      h("label", { for: "wrap-note" }, word("wrap_note")),
      h("input", { id: "wrap-note", name: "note", "data-wrap-note": "", autocomplete: "off", value: draftOf("wrap-note") ?? "",
        oninput: (event) => keepDraft("wrap-note", event.target.value) }),
      h("button", { type: "submit", "data-wrap-go": "" }, word("wrap_go")),
    ));
}

async function endCall(kind, form) {
  const call = state.call;
  const body = { revision: call.revision };
  if (kind === "abandon") {
    body.code = form.get("code");
    const note = String(form.get("note") || "").trim();
    if (note) body.note = note;
  }
  try {
    const ended = await send("POST", `/v1/calls/${encodeURIComponent(call.id)}/${kind}`, body);
    if (!ended) return;
    dropDrafts(["wrap-note", ...DETAIL_FIELDS, "answer"]);
    state.lastMove = null;
    show(ended);
  } catch (error) {
    await refused(error);
  }
}

function renderEnded(call, sop, step) {
  const abandon = [...(call.log || [])].reverse().find((e) => e.kind === "abandon");
  const box = call.outcome ? renderOutcome(call, sop, step) : h("div", { class: "ended", "data-ended": call.status },
    h("h3", { tabindex: "-1", "data-end-heading": "" }, h("span", { class: "kind" }, word("abandoned")), " ",
      abandon ? t(WRAP_CODES[abandon.code] || { id: abandon.code, en: abandon.code }) : ""),
    abandon?.note ? h("p", {}, `${word("wrap_note")}: ${abandon.note}`) : null);
  return h("div", { "data-closed": call.status }, call.outcome ? h("p", { class: "hint", "data-end-heading": "", tabindex: "-1" }, word("closed")) : null, box);
}

// A 409 (the call moved on elsewhere, or is closed): the latest state, said so.
async function refused(error) {
  if (error instanceof Problem && error.status === 409) {
    const latest = await api("GET", `/v1/calls/${encodeURIComponent(state.call.id)}`);
    const notice = error.body.type?.endsWith("stale-revision") ? WORDS.stale : error.text();
    show(latest);
    state.notice = notice;
    renderCall();
    focusCall();
  } else failed(error);
}

// The answers so far, each a button that changes it; "Sebelumnya" (⌫) changes the last.
function renderHistory(call, sop) {
  const entries = Object.entries(call.answers || {});
  if (!entries.length) return null;
  const open = !call.closed;
  const last = entries[entries.length - 1][0];
  return h("div", { class: "history", "data-history": "" },
    h("span", { class: "kind" }, word("so_far")), " ",
    entries.map(([question, value], n) => [
      n ? " · " : "",
      open
        ? h("button", { type: "button", class: "link", dataset: { changeQuestion: question }, title: word("change"), onclick: () => startChange(question) },
          `${t(sop?.questions[question]?.name) || question}: `, h("strong", {}, answerLabel(sop, question, value, lang())))
        : [`${t(sop?.questions[question]?.name) || question}: `, h("strong", {}, answerLabel(sop, question, value, lang()))],
    ]),
    open && !state.changing
      ? [" ", h("button", { type: "button", class: "secondary", dataset: { previous: last, key: "Backspace" }, "aria-keyshortcuts": "Backspace", onclick: () => startChange(last) },
          h("kbd", {}, "⌫"), " ", word("previous"))]
      : null,
  );
}

function renderQuestion(call, sop) {
  const question = sop?.questions[call.pending];
  const prompt = question ? t(question.prompt) : call.prompt;
  const box = h("div", { class: "question", "data-question": call.pending });
  box.append(h("h3", { id: "prompt", tabindex: "-1", "data-prompt": "" }, h("span", { class: "kind" }, word("ask")), " ", prompt));
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
        oninput: (event) => keepDraft("answer", event.target.value),
        inputmode: question?.input === "nik" ? "numeric" : question?.input === "reading" ? "decimal" : null,
        "aria-invalid": state.refusal ? "true" : "false", "aria-describedby": state.refusal ? refusalId : "accepted",
      }),
      h("button", { type: "submit", "data-submit": "" }, word("send"), " ", h("kbd", {}, "Enter")),
    ),
    h("p", { id: refusalId, class: "refusal", role: "alert", "data-refusal": "" }, state.refusal ? `${word("refused")}: ${t(state.refusal)}` : ""),
    // A refusal already names what is accepted; saying it twice pushes the field away.
    state.refusal ? null : h("p", { id: "accepted", class: "hint" }, `${word("accepted")}: `, question ? t(question.accepted) : call.accepted || ""),
  );
  form.elements.answer.value = draftOf("answer") ?? "";
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
    const moved = await send("POST", `/v1/calls/${encodeURIComponent(call.id)}/answers`, { question: call.pending, value, revision: call.revision });
    if (!moved) return;
    dropDrafts(["answer"]);
    // What the answer was, shown with the next question, before that takes keys.
    const sop = callSop(call);
    const line = (l) => `${l === "id" ? WORDS.recorded.id : WORDS.recorded.en}: ${t(sop?.questions[call.pending]?.name) || call.pending} → ${answerLabel(sop, call.pending, moved.answers[call.pending], l)}`;
    state.lastMove = { id: line("id"), en: line("en") };
    show(moved);
  } catch (error) {
    if (error instanceof Problem && error.status === 422) {
      state.refusal = error.text();
      if (typeof value === "string") keepDraft("answer", value);
      renderCall();
      const field = panel.querySelector("[data-field]");
      if (field) { field.focus(); field.select(); } else focusCall();
    } else await refused(error);
  }
}

function renderOutcome(call, sop, step) {
  const code = call.outcome.code;
  const meaning = state.doc.outcomes[code];
  if (code === "REGULAR_SOP") {
    // A hand-off, not an APKT outcome: no report, no text to paste.
    return h("div", { class: "handoff", "data-outcome": code, "data-handoff": "" },
      h("h3", { tabindex: "-1", "data-end-heading": "" }, h("strong", {}, word("handoff")), meaning ? ` — ${t(meaning)}` : ""),
      h("p", { class: "hint" }, word("handoff_hint")));
  }
  const carries = step?.carries || [];
  const text = apktText(call, sop, state.doc, agent(), partOf(call));
  const missing = call.missing_details || [];
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
    missing.length ? h("p", { class: "refusal", "data-report-missing": missing.join(" ") }, `${word("missing")}: `, missing.map(detailLabel).join(", ")) : null,
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
  return { sop: callSop(call) || { id: call.sop }, node: step };
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
  // The language changes what is shown, never the call: no request is sent.
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
