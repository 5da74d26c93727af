// The practice room: each answer path of each SOP is a scenario. The trainee picks the
// next move at every step; a wrong pick is explained by the clause that decides it.
// Progress is kept in this browser's localStorage only; nothing is sent anywhere.
import {
  WORDS, fill, getJson, h, installLanguageSwitch, isTyping, lang, onLanguage, scriptLine, t, word,
} from "./common.js";

Object.assign(WORDS, {
  scenarios: { id: "Skenario", en: "Scenarios" },
  path: { id: "Jalur", en: "Path" },
  no_question: { id: "tanpa pertanyaan", en: "no question" },
  practised: { id: "sudah dilatih", en: "practised" },
  intro: { id: "Setiap jalur jawaban dari setiap SOP adalah satu skenario. Anda berperan sebagai CSO: pilih langkah berikutnya di setiap tahap.", en: "Every answer path of every SOP is a scenario. You play the CSO: pick the next move at every step." },
  start_next: { id: "Mulai skenario berikutnya", en: "Start the next scenario" },
  story: { id: "Cerita Pelanggan", en: "The customer's story" },
  first_move: { id: "Pelanggan baru tersambung. Apa langkah pertama Anda?", en: "The customer is on the line. What is your first move?" },
  heard: { id: "Yang Anda dengar", en: "What you hear" },
  next_move: { id: "Apa langkah Anda berikutnya?", en: "What is your next move?" },
  right: { id: "Benar.", en: "Right." },
  wrong: { id: "Kurang tepat.", en: "Not quite." },
  decided_by: { id: "Yang menentukan", en: "What decides it" },
  right_move: { id: "Langkah yang benar", en: "The right move" },
  continue: { id: "Lanjut", en: "Continue" },
  done_title: { id: "Skenario selesai", en: "Scenario finished" },
  score: { id: "Skor", en: "Score" },
  by_clause: { id: "Skor per klausul", en: "Score by clause" },
  clause_col: { id: "Klausul / asumsi", en: "Clause / assumption" },
  right_col: { id: "Benar", en: "Right" },
  not_yet: { id: "Jalur yang belum dilatih", en: "Paths not practised yet" },
  all_done: { id: "Semua jalur sudah dilatih.", en: "Every path has been practised." },
  reset: { id: "Hapus kemajuan", en: "Clear progress" },
  outcome_was: { id: "Hasil jalur ini", en: "This path's outcome" },
});

const PROGRESS_KEY = "sopfsm.practice.v1";
const state = { doc: null, run: null };
const list = document.querySelector("[data-scenario-list]");
const panel = document.querySelector("[data-run-panel]");

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

// "Subsidi · NIK sah · Ya → APKT_TO_UNIT": the answers that make the path, and its end.
function title(scenario) {
  const answers = scenario.answers.length ? scenario.answers.map(t).join(" · ") : word("no_question");
  return `${answers} → ${scenario.outcome}`;
}

// -- the list of scenarios --------------------------------------------------------------

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
      h("ul", {}, scenarios.map((scenario) => h("li", {},
        h("button", {
          type: "button", class: "link", dataset: { scenario: scenario.id, practised: String(scenario.id in done) },
          "aria-current": state.run?.scenario.id === scenario.id ? "true" : null,
          onclick: () => begin(scenario),
        }, title(scenario), scenario.id in done ? h("span", { class: "tick" }, ` ✓ ${word("practised")}`) : null),
      ))),
    )),
    h("button", { type: "button", class: "secondary", "data-reset": "", onclick: () => { localStorage.removeItem(PROGRESS_KEY); renderList(); renderIntro(); } }, word("reset")),
  );
}

// -- a run ------------------------------------------------------------------------------

function renderIntro() {
  state.run = null;
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

function begin(scenario) {
  state.run = { scenario, at: 0, picks: [], feedback: null };
  renderList();
  renderRun();
}

function renderRun() {
  const { scenario, at, feedback } = state.run;
  const move = scenario.moves[at];
  fill(panel, 
    h("h2", {}, t(scenario.title)),
    h("p", { class: "meta" }, `${word("path")}: ${title(scenario)}`),
    h("section", { class: "story", "aria-labelledby": "story-heading", "data-story": "" },
      h("h3", { id: "story-heading" }, word("story")),
      h("ol", {}, scenario.story.map((line, n) => h("li", { class: n === at ? "current" : null }, t(line)))),
    ),
    h("section", { class: "move", "data-move": String(at) },
      h("h3", { id: "move-heading" }, at === 0 ? word("first_move") : word("next_move")),
      move.heard ? h("p", { class: "heard" }, h("span", { class: "kind" }, word("heard")), " ", t(move.heard)) : null,
      h("div", { class: "choices stacked", role: "group", "aria-labelledby": "move-heading" },
        move.choices.map((choice, n) => choiceButton(choice, n, move, feedback))),
    ),
    feedback ? renderFeedback(move, feedback) : null,
  );
  const focus = panel.querySelector("[data-continue]") || panel.querySelector("[data-choice]");
  focus?.focus();
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
  run.picks.push({ per: move.per, right });
  run.feedback = { picked: n, right };
  renderRun();
}

function renderFeedback(move, feedback) {
  const last = state.run.at === state.run.scenario.moves.length - 1;
  return h("section", { class: `feedback ${feedback.right ? "ok" : "wrong"}`, role: "alert", dataset: { feedback: feedback.right ? "right" : "wrong" } },
    h("p", {}, h("strong", {}, feedback.right ? word("right") : word("wrong"))),
    h("p", { "data-why": "" }, `${word("decided_by")}: `, h("span", { class: "cite" }, move.per || "?"), " ", t(move.why)),
    feedback.right ? null : h("div", { "data-right-move": "" }, h("h4", {}, word("right_move")), moveBody(move.choices[move.right])),
    h("button", { type: "button", class: "primary", dataset: { continue: "" }, onclick: last ? finish : advance },
      word("continue"), " ", h("kbd", {}, "Enter")),
  );
}

function advance() {
  state.run.at += 1;
  state.run.feedback = null;
  renderRun();
}

function finish() {
  state.run.finished = true;
  remember(state.run.scenario, state.run.picks);
  renderList();
  renderSummary();
}

function renderSummary() {
  const { scenario, picks } = state.run;
  const byClause = new Map();
  for (const p of picks) {
    const row = byClause.get(p.per) || { right: 0, total: 0 };
    row.total += 1;
    row.right += p.right ? 1 : 0;
    byClause.set(p.per, row);
  }
  const rightCount = picks.filter((p) => p.right).length;
  const left = notPractised();
  fill(panel, 
    h("h2", {}, `${word("done_title")}: ${t(scenario.title)} — ${title(scenario)}`),
    h("p", { "data-score": `${rightCount}/${picks.length}` }, `${word("score")}: ${rightCount} / ${picks.length}`),
    h("p", {}, `${word("outcome_was")}: `, h("strong", {}, scenario.outcome),
      state.doc.outcomes[scenario.outcome] ? ` — ${t(state.doc.outcomes[scenario.outcome])}` : ""),
    nextButton(),
    h("table", { "data-clause-score": "" },
      h("caption", {}, word("by_clause")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, word("clause_col")), h("th", { scope: "col" }, word("right_col")))),
      h("tbody", {}, [...byClause].map(([per, row]) => h("tr", { dataset: { clause: per || "?" } },
        h("th", { scope: "row" }, per || "?"), h("td", {}, `${row.right} / ${row.total}`)))),
    ),
    h("section", { "data-not-practised": String(left.length) },
      h("h3", {}, `${word("not_yet")} (${left.length})`),
      left.length
        ? h("ul", {}, left.map((s) => h("li", {}, h("button", { type: "button", class: "link", onclick: () => begin(s) }, `${t(s.title)} — ${title(s)}`))))
        : h("p", {}, word("all_done")),
    ),
  );
  // The score is what the trainee came for: show it from the top, focus on what's next.
  window.scrollTo(0, 0);
  panel.querySelector("[data-next-scenario]").focus({ preventScroll: true });
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
  if (state.run?.finished) renderSummary();
  else if (state.run) renderRun();
  else renderIntro();
});

async function boot() {
  installLanguageSwitch();
  state.doc = await getJson("/pages/practice.json");
  renderList();
  renderIntro();
  document.body.dataset.ready = "true";
}

boot();
