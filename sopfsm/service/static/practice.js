// The practice room: each answer path of each SOP is a scenario. The trainee picks the
// next move at every step; the customer answers only what the trainee asks, and a wrong
// pick is explained by the document's deciding sentence, quoted. Each attempt shuffles the
// choices from a seed (?seed=N replays one). Progress is kept in this browser; a finished
// run is also sent to the service when the trainee is signed in (the session cookie of
// the sign-in page, as on the call screen; never a token here), for the trainer's view.
import {
  WORDS, fill, getJson, h, installLanguageSwitch, isTyping, lang, onLanguage, scriptLine, t, word,
} from "./common.js";

Object.assign(WORDS, {
  signin_to_send: { id: "Masuk untuk mengirim hasil", en: "Sign in to send results" },
  save: { id: "Simpan", en: "Save" },
  scenarios: { id: "Skenario", en: "Scenarios" },
  practice_n: { id: "Latihan", en: "Practice" },
  practised: { id: "sudah dilatih", en: "practised" },
  intro: { id: "Setiap jalur jawaban dari setiap SOP adalah satu skenario. Anda berperan sebagai CSO: pilih langkah berikutnya di setiap tahap. Pelanggan hanya menjawab apa yang Anda tanyakan.", en: "Every answer path of every SOP is a scenario. You play the CSO: pick the next move at every step. The customer answers only what you ask." },
  start_next: { id: "Mulai skenario berikutnya", en: "Start the next scenario" },
  story: { id: "Percakapan sejauh ini", en: "The conversation so far" },
  cso_asks: { id: "CSO", en: "CSO" },
  customer: { id: "Pelanggan", en: "Customer" },
  first_move: { id: "Pelanggan baru tersambung. Apa langkah pertama Anda?", en: "The customer is on the line. What is your first move?" },
  next_move: { id: "Apa langkah Anda berikutnya?", en: "What is your next move?" },
  right: { id: "Benar.", en: "Right." },
  wrong: { id: "Kurang tepat.", en: "Not quite." },
  decided_by: { id: "Kalimat dokumen yang menentukan", en: "The document's deciding sentence" },
  reading: { id: "Keputusan pembacaan (dokumen tidak mengatur)", en: "The reading's decision (the document is silent)" },
  too_soon: { id: "Panggilan belum boleh diakhiri: masih ada yang harus ditanyakan kepada Pelanggan.", en: "The call cannot end yet: there is still something to ask the customer." },
  enough_known: { id: "Tidak ada lagi yang perlu ditanyakan: jawaban Pelanggan sudah menentukan hasilnya.", en: "Nothing more needs asking: the customer's answers already decide the outcome." },
  other_question: { id: "Pertanyaan itu bukan yang ditentukan dokumen pada tahap ini.", en: "That is not the question the document sets at this point." },
  other_end: { id: "Hasil itu bukan yang ditentukan dokumen untuk jawaban Pelanggan.", en: "That is not the outcome the document sets for the customer's answers." },
  ask_now: { id: "Yang ditanyakan sekarang:", en: "What to ask now:" },
  end_with: { id: "Hasil yang ditentukan:", en: "The outcome it sets:" },
  you_heard: { id: "Yang baru dikatakan Pelanggan", en: "What the customer just said" },
  right_move: { id: "Langkah yang benar", en: "The right move" },
  continue: { id: "Lanjut", en: "Continue" },
  done_title: { id: "Skenario selesai", en: "Scenario finished" },
  score: { id: "Skor", en: "Score" },
  by_clause: { id: "Skor per klausul", en: "Score by clause" },
  clause_col: { id: "Klausul", en: "Clause" },
  right_col: { id: "Benar", en: "Right" },
  not_yet: { id: "Jalur yang belum dilatih", en: "Paths not practised yet" },
  all_done: { id: "Semua jalur sudah dilatih.", en: "Every path has been practised." },
  reset: { id: "Hapus kemajuan", en: "Clear progress" },
  outcome_was: { id: "Hasil jalur ini", en: "This path's outcome" },
  answers_were: { id: "Jawaban Pelanggan", en: "The customer's answers" },
  type_nik: { id: "Ketik NIK yang disebutkan Pelanggan, lalu tekan Enter", en: "Type the NIK the customer gave, then press Enter" },
  type_meter_reading: { id: "Ketik stand APP yang disebutkan Pelanggan, lalu tekan Enter", en: "Type the meter reading (stand APP) the customer gave, then press Enter" },
  not_what_was_said: { id: "Nilai itu sah, tetapi bukan yang disebutkan Pelanggan. Dengarkan lagi dan ketik ulang.", en: "That value is valid, but not the one the customer gave. Listen again and retype it." },
  typed_ok: { id: "Tercatat dengan benar.", en: "Recorded correctly." },
  cohort_label: { id: "Kelompok", en: "Cohort" },
  practice_privacy: { id: "Kemajuan disimpan di peramban ini; hasil dikirim ke layanan hanya bila Anda masuk.", en: "Progress stays in this browser; results go to the service only when you are signed in." },
  sent: { id: "Hasil dikirim ke layanan.", en: "Results sent to the service." },
  not_sent: { id: "Hasil hanya disimpan di peramban ini (masuk untuk mengirimnya).", en: "Results kept in this browser only (sign in to send them)." },
  send_failed: { id: "Hasil gagal dikirim; tetap disimpan di peramban ini", en: "Results could not be sent; kept in this browser" },
  trainer: { id: "Hasil kelompok (pelatih)", en: "Cohort results (trainer)" },
  trainer_intro: { id: "Hasil latihan yang dikirim ke layanan, per klausul.", en: "Practice results sent to the service, by clause." },
  show_results: { id: "Tampilkan hasil", en: "Show results" },
  trainees: { id: "Peserta", en: "Trainees" },
  runs: { id: "Latihan selesai", en: "Runs finished" },
  no_results: { id: "Belum ada hasil untuk kelompok ini.", en: "No results for this cohort yet." },
  all_cohorts: { id: "(semua kelompok)", en: "(every cohort)" },
});

const PROGRESS_KEY = "sopfsm.practice.v1";
// Where earlier versions kept a token typed here: removed on sight, never read.
const OLD_TOKEN_KEYS = ["sopfsm.agent"];
const COHORT_KEY = "sopfsm.cohort";
const ATTEMPT_KEY = "sopfsm.practice.attempts";
const state = { doc: null, run: null, trainer: null, me: null };
const list = document.querySelector("[data-scenario-list]");
const panel = document.querySelector("[data-run-panel]");
const cohortInput = document.querySelector("[data-cohort]");
const agent = () => state.me?.agent || "";
const cohort = () => localStorage.getItem(COHORT_KEY) || "";

function progress() {
  try {
    return JSON.parse(localStorage.getItem(PROGRESS_KEY)) || { done: {} };
  } catch {
    return { done: {} };
  }
}

function remember(scenario, picks) {
  const saved = progress();
  saved.done[scenario.id] = { right: picks.filter((p) => p.right).length, total: picks.length };
  localStorage.setItem(PROGRESS_KEY, JSON.stringify(saved));
}

const notPractised = () => state.doc.scenarios.filter((s) => !(s.id in progress().done));
const clauseName = (key) => t(state.doc.clauses[key]) || key;

// Each attempt draws its own order of choices; ?seed=N makes the first attempt's seed N
// (and the next N+1, ...), so a run can be replayed exactly.
function nextSeed() {
  const fixed = new URLSearchParams(location.search).get("seed");
  const count = Number(sessionStorage.getItem(ATTEMPT_KEY) || "0");
  sessionStorage.setItem(ATTEMPT_KEY, String(count + 1));
  if (fixed !== null && /^\d+$/.test(fixed)) return Number(fixed) + count;
  return Math.floor(Math.random() * 2 ** 31);
}

// -- the list of scenarios: named by SOP and number, never by the answers or outcome ----

function renderList() {
  const done = progress().done;
  const groups = new Map();
  for (const scenario of state.doc.scenarios) {
    if (!groups.has(scenario.sop)) groups.set(scenario.sop, []);
    groups.get(scenario.sop).push(scenario);
  }
  fill(list,
    h("h2", { id: "scenarios-heading" }, word("scenarios")),
    [...groups.values()].map((scenarios) => h("section", {},
      h("h3", {}, `${t(scenarios[0].title)} (${scenarios[0].clause})`),
      h("ul", {}, scenarios.map((scenario, n) => h("li", {},
        h("button", {
          type: "button", class: "link", dataset: { scenario: scenario.id, practised: String(scenario.id in done) },
          "aria-current": state.run?.scenario.id === scenario.id ? "true" : null,
          onclick: () => begin(scenario),
        }, `${word("practice_n")} ${n + 1}`, scenario.id in done ? h("span", { class: "tick" }, ` ✓ ${word("practised")}`) : null),
      ))),
    )),
    h("p", { class: "list-actions" },
      h("button", { type: "button", class: "secondary", "data-reset": "", onclick: () => { localStorage.removeItem(PROGRESS_KEY); renderList(); renderIntro(); } }, word("reset")),
      " ",
      h("button", { type: "button", class: "secondary", "data-open-trainer": "", onclick: openTrainer }, word("trainer"))),
  );
}

// -- a run ------------------------------------------------------------------------------

function renderIntro() {
  state.run = null;
  state.trainer = null;
  fill(panel,
    h("h2", {}, word("practice_title")),
    h("p", {}, word("intro")),
    nextButton(),
  );
  panel.querySelector("[data-next-scenario]")?.focus();
}

function nextButton() {
  const next = notPractised()[0] || state.doc.scenarios[0];
  return h("button", { type: "button", class: "primary", dataset: { nextScenario: next.id, key: "N" }, "aria-keyshortcuts": "N", onclick: () => begin(next) },
    h("kbd", {}, "N"), " ", word("start_next"));
}

async function begin(listed) {
  const seed = nextSeed();
  const scenario = await getJson(`/pages/practice/attempt?scenario=${encodeURIComponent(listed.id)}&seed=${seed}`);
  state.trainer = null;
  state.run = { scenario, seed, at: 0, picks: [], feedback: null, typed: null };
  renderList();
  renderRun();
}

// What the customer has said so far: the opening, then each question the trainee asked
// with its answer, up to the current move. Later answers are not on the page.
function conversation(scenario, at) {
  const lines = [h("li", {}, t(scenario.opening))];
  for (let n = 1; n <= at; n += 1) {
    const asked = scenario.moves[n - 1].choices[scenario.moves[n - 1].right].asks;
    if (asked) lines.push(h("li", { class: "asked" }, h("span", { class: "kind" }, word("cso_asks")), " ", t(asked)));
    lines.push(h("li", { class: n === at ? "current" : null, dataset: { heard: String(n) } },
      h("span", { class: "kind" }, word("customer")), " ", t(scenario.moves[n].heard)));
  }
  return lines;
}

function renderRun() {
  const { scenario, at, feedback, seed } = state.run;
  const move = scenario.moves[at];
  const typing = move.typed && !state.run.typed?.done;
  fill(panel,
    h("h2", {}, t(scenario.title)),
    h("p", { class: "meta", dataset: { seed: String(seed) } }, `${word("clause")} ${scenario.clause}`),
    h("section", { class: "story", "aria-labelledby": "story-heading", "data-story": "" },
      h("h3", { id: "story-heading" }, word("story")),
      h("ol", {}, conversation(scenario, at)),
    ),
    typing ? typedForm(move) : h("section", { class: "move", "data-move": String(at) },
      move.typed ? h("p", { class: "typed-ok", "data-typed-ok": "" }, word("typed_ok")) : null,
      h("h3", { id: "move-heading" }, at === 0 ? word("first_move") : word("next_move")),
      h("div", { class: "choices stacked", role: "group", "aria-labelledby": "move-heading" },
        move.choices.map((choice, n) => choiceButton(choice, n, move, feedback))),
    ),
    feedback ? renderFeedback(move, feedback) : null,
  );
  const focus = panel.querySelector("[data-continue]") || panel.querySelector("[data-field]") || panel.querySelector("[data-choice]");
  focus?.focus();
}

// The NIK or the stand APP the customer just gave, typed as into the call screen; the
// service's own refusal explains a mistyped one.
function typedForm(move) {
  const typed = move.typed;
  const refusal = state.run.typed?.refusal;
  return h("form", { class: "typed", "data-typed": typed.question, onsubmit: (event) => { event.preventDefault(); submitTyped(move); } },
    h("label", { for: "typed-field" }, word(`type_${typed.question}`)),
    h("input", {
      id: "typed-field", type: "text", inputmode: typed.question === "nik" ? "numeric" : "decimal", autocomplete: "off",
      "data-field": "", "aria-describedby": "typed-refusal", "aria-invalid": refusal ? "true" : null,
      value: state.run.typed?.last ?? "",
    }),
    h("p", { id: "typed-refusal", class: "refusal", role: "alert", "data-refusal": "" }, refusal ? t(refusal) : ""),
  );
}

async function submitTyped(move) {
  const field = panel.querySelector("[data-field]");
  const value = field.value;
  const response = await fetch("/pages/practice/typed", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ sop: move.typed.sop, question: move.typed.question, value }),
  });
  const result = await response.json();
  const run = state.run;
  let refusal = null;
  if (!result.accepted) refusal = result.refusal;
  else if (JSON.stringify(result.value) !== JSON.stringify(move.typed.value)) refusal = WORDS.not_what_was_said;
  const first = !run.typed;
  run.typed = { done: !refusal, refusal, last: value };
  // The typed item counts once, right only when typed right the first time.
  if (first) run.picks.push({ clause: move.typed.per, per: null, right: !refusal });
  renderRun();
}

function choiceButton(choice, n, move, feedback) {
  const key = String(n + 1);
  const picked = feedback?.picked === n;
  return h("button", {
    type: "button", class: `choice move-choice${picked ? " picked" : ""}${feedback && n === move.right ? " right" : ""}`,
    dataset: { choice: String(n), key: feedback ? "" : key }, "aria-keyshortcuts": key,
    "aria-pressed": picked ? "true" : "false", disabled: feedback ? true : null,
    onclick: () => pick(n),
  }, h("kbd", {}, key), moveBody(choice));
}

function moveBody(choice) {
  return h("div", { class: "move-body" },
    choice.says.map((script) => scriptLine(script)),
    choice.asks ? h("p", { class: "ask" }, h("span", { class: "kind" }, word("ask")), " ", t(choice.asks)) : null,
    choice.outcome ? h("p", { class: "ask" }, h("span", { class: "kind" }, word("outcome")), " ", h("strong", {}, choice.outcome),
      state.doc.outcomes[choice.outcome] ? ` — ${t(state.doc.outcomes[choice.outcome])}` : "") : null,
  );
}

function pick(n) {
  const run = state.run;
  if (run.feedback) return;
  const move = run.scenario.moves[run.at];
  const right = n === move.right;
  run.picks.push({ clause: move.clause, per: move.per, right });
  run.feedback = { picked: n, right };
  renderRun();
}

// Why the right move is right, in plain words: what kind of mistake the pick was.
function plainWords(picked, right) {
  const asks = right.asks ? ` ${word("ask_now")} “${t(right.asks)}”` : "";
  const ends = right.outcome ? ` ${word("end_with")} ${right.outcome}${state.doc.outcomes[right.outcome] ? ` (${t(state.doc.outcomes[right.outcome])})` : ""}.` : "";
  if (picked.outcome && !right.outcome) return word("too_soon") + asks;
  if (!picked.outcome && right.outcome) return word("enough_known") + ends;
  if (right.outcome) return word("other_end") + ends;
  return word("other_question") + asks;
}

function renderFeedback(move, feedback) {
  const last = state.run.at === state.run.scenario.moves.length - 1;
  const right = move.choices[move.right];
  return h("section", { class: `feedback ${feedback.right ? "ok" : "wrong"}`, role: "alert", dataset: { feedback: feedback.right ? "right" : "wrong" } },
    h("p", {}, h("strong", {}, feedback.right ? word("right") : word("wrong")),
      feedback.right ? null : h("span", { "data-plain": "" }, " ", plainWords(move.choices[feedback.picked], right))),
    !feedback.right && move.heard ? h("p", { class: "meta" }, `${word("you_heard")}: “${t(move.heard)}”`) : null,
    h("figure", { class: "why", "data-why": "" },
      h("figcaption", {}, `${word("decided_by")} (${move.why.from?.startsWith("A:") ? move.why.from : `${word("clause")} ${move.why.from}`}):`),
      h("blockquote", { lang: lang() === "en" ? "en" : "id" }, `“${t(move.why.quote)}”`),
      move.why.reading ? h("p", { class: "reading", "data-reading": "" }, `${word("reading")}: ${t(move.why.reading)}`) : null,
    ),
    feedback.right ? null : h("div", { "data-right-move": "" }, h("h4", {}, word("right_move")), moveBody(right)),
    h("button", { type: "button", class: "primary", dataset: { continue: "" }, onclick: last ? finish : advance },
      word("continue"), " ", h("kbd", {}, "Enter")),
  );
}

function advance() {
  state.run.at += 1;
  state.run.feedback = null;
  state.run.typed = null;
  renderRun();
}

async function finish() {
  const run = state.run;
  run.finished = true;
  remember(run.scenario, run.picks);
  renderList();
  run.sent = agent() ? "sending" : "not_sent";
  renderSummary();
  if (!agent()) return;
  try {
    const response = await fetch("/v1/practice/results", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        scenario: run.scenario.id, seed: run.seed, cohort: cohort(),
        picks: run.picks.map((p) => ({ clause: p.clause, right: p.right })),
      }),
    });
    run.sent = response.ok ? "sent" : `send_failed:${response.status}`;
  } catch {
    run.sent = "send_failed:network";
  }
  if (state.run === run && run.finished) renderSummary();
}

function byClause(picks) {
  const rows = new Map();
  for (const p of picks) {
    const row = rows.get(p.clause) || { right: 0, total: 0 };
    row.total += 1;
    row.right += p.right ? 1 : 0;
    rows.set(p.clause, row);
  }
  return rows;
}

function sentLine(sent) {
  if (sent === "sending") return "…";
  if (sent.startsWith("send_failed")) return `${word("send_failed")} (${sent.split(":")[1]}).`;
  return word(sent);
}

function renderSummary() {
  const { scenario, picks, sent } = state.run;
  const rightCount = picks.filter((p) => p.right).length;
  const left = notPractised();
  fill(panel,
    h("h2", {}, `${word("done_title")}: ${t(scenario.title)}`),
    h("p", { "data-score": `${rightCount}/${picks.length}` }, `${word("score")}: ${rightCount} / ${picks.length}`),
    h("p", { "data-sent": sent }, sentLine(sent)),
    h("p", {}, `${word("answers_were")}: `, scenario.answers.map(t).join(" · ") || "—"),
    h("p", {}, `${word("outcome_was")}: `, h("strong", {}, scenario.outcome),
      state.doc.outcomes[scenario.outcome] ? ` — ${t(state.doc.outcomes[scenario.outcome])}` : ""),
    nextButton(),
    clauseTable(byClause(picks)),
    h("section", { "data-not-practised": String(left.length) },
      h("h3", {}, `${word("not_yet")} (${left.length})`),
      left.length
        ? h("ul", {}, left.map((s) => h("li", {}, h("button", { type: "button", class: "link", onclick: () => begin(s) }, `${t(s.title)} · ${word("practice_n")} ${state.doc.scenarios.filter((o) => o.sop === s.sop).indexOf(s) + 1}`))))
        : h("p", {}, word("all_done")),
    ),
  );
  // The score is what the trainee came for: show it from the top, focus on what's next.
  window.scrollTo(0, 0);
  panel.querySelector("[data-next-scenario]").focus({ preventScroll: true });
}

function clauseTable(rows, extra = null) {
  return h("table", { "data-clause-score": "" },
    h("caption", {}, word("by_clause")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, word("clause_col")), h("th", { scope: "col" }, word("right_col")),
      extra ? extra.heads.map((head) => h("th", { scope: "col" }, head)) : null)),
    h("tbody", {}, [...rows].map(([key, row]) => h("tr", { dataset: { clause: key } },
      h("th", { scope: "row" }, clauseName(key)),
      h("td", {}, `${row.right} / ${row.total} (${Math.round((100 * row.right) / row.total)} %)`),
      extra ? extra.cells(row).map((cell) => h("td", {}, cell)) : null))),
  );
}

// -- the trainer's view: a cohort's results by clause, from the service -----------------

function openTrainer() {
  state.run = null;
  state.trainer = { rows: null, error: null };
  renderList();
  renderTrainer();
  loadTrainer();
}

async function loadTrainer() {
  const trainer = state.trainer;
  if (!agent()) {
    trainer.error = word("not_sent");
    renderTrainer();
    return;
  }
  const query = cohort() ? `?cohort=${encodeURIComponent(cohort())}` : "";
  const response = await fetch(`/v1/practice/results${query}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  const body = await response.json();
  if (!response.ok) trainer.error = lang() === "en" ? body.detail : body.detail_id;
  else trainer.rows = body.clauses;
  if (state.trainer === trainer) renderTrainer();
}

function renderTrainer() {
  const { rows, error } = state.trainer;
  const table = rows && rows.length
    ? clauseTable(new Map(rows.map((row) => [row.clause, row])), {
      heads: [word("trainees"), word("runs")],
      cells: (row) => [String(row.agents), String(row.runs)],
    })
    : null;
  fill(panel,
    h("h2", { "data-trainer": cohort() }, `${word("trainer")}: ${cohort() || word("all_cohorts")}`),
    h("p", {}, word("trainer_intro")),
    error ? h("p", { class: "refusal", role: "alert" }, error) : null,
    table || (rows ? h("p", { "data-no-results": "" }, word("no_results")) : null),
    h("button", { type: "button", class: "secondary", onclick: loadTrainer }, word("show_results")),
  );
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) return;
  const key = event.key.toUpperCase();
  const target = panel.querySelector(`[data-key~="${CSS.escape(key)}"]`);
  if (target && !target.disabled) {
    event.preventDefault();
    target.focus();
    target.click();
  }
});

onLanguage(() => {
  if (!state.doc) return;
  renderList();
  if (state.trainer) renderTrainer();
  else if (state.run?.finished) renderSummary();
  else if (state.run) renderRun();
  else renderIntro();
});

function keepSetting(input, key) {
  if (!input) return;
  input.value = localStorage.getItem(key) || "";
  input.addEventListener("input", () => localStorage.setItem(key, input.value.trim()));
}

// Who is signed in (GET /v1/me, by the session cookie): shown with a sign-out button, or
// a link to the sign-in page that comes back here.
async function signedIn() {
  for (const key of OLD_TOKEN_KEYS) localStorage.removeItem(key);
  try {
    const response = await fetch("/v1/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
    state.me = response.ok ? await response.json() : null;
  } catch {
    state.me = null;
  }
  document.querySelector("[data-signout-form]").hidden = !state.me;
  document.querySelector("[data-signin-link]").hidden = Boolean(state.me);
  if (!state.me) return;
  document.querySelector("[data-me-agent]").textContent = state.me.agent;
  document.querySelector("[data-me-role]").textContent = `(${state.me.role})`;
}

async function boot() {
  installLanguageSwitch();
  await signedIn();
  keepSetting(cohortInput, COHORT_KEY);
  document.querySelector("[data-settings]")?.addEventListener("submit", (event) => event.preventDefault());
  state.doc = await getJson("/pages/practice.json");
  renderList();
  renderIntro();
  document.body.dataset.ready = "true";
}

boot();
