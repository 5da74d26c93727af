// Shared by the call screen and the practice room: words in both languages, the
// language switch, a small element builder and the service's JSON documents.

export const WORDS = {
  skip: { id: "Lewati ke isi", en: "Skip to content" },
  call_title: { id: "Layar Panggilan CSO", en: "CSO call screen" },
  practice_title: { id: "Ruang Latihan", en: "Practice room" },
  signed_in_as: { id: "Masuk sebagai", en: "Signed in as" },
  signout: { id: "Keluar", en: "Sign out" },
  to_practice: { id: "Ruang latihan", en: "Practice room" },
  to_call: { id: "Layar panggilan", en: "Call screen" },
  lang_toggle: { id: "English", en: "Bahasa Indonesia" },
  privacy: {
    id: "Kemajuan disimpan hanya di peramban ini; tidak ada yang dikirim.",
    en: "Progress stays in this browser; nothing is sent anywhere.",
  },
  kind_said: { id: "Sampaikan", en: "Say" },
  kind_done: { id: "Lakukan di aplikasi", en: "Do in the application" },
  kind_note: { id: "Catatan untuk CSO (jangan dibacakan)", en: "Note for the CSO (not read out)" },
  ask: { id: "Tanyakan", en: "Ask" },
  outcome: { id: "Hasil APKT", en: "APKT outcome" },
  clause: { id: "klausul", en: "clause" },
  call_region: { id: "Panggilan", en: "Call" },
  practice_region: { id: "Latihan", en: "Practice" },
};

const LANG_KEY = "sopfsm.lang";
let listeners = [];

export function lang() {
  return localStorage.getItem(LANG_KEY) === "en" ? "en" : "id";
}

export function word(key) {
  return WORDS[key][lang()];
}

// A bilingual {id, en} value in the current language.
export function t(value) {
  if (value == null) return "";
  return typeof value === "string" ? value : value[lang()] ?? value.id;
}

export function onLanguage(listener) {
  listeners.push(listener);
}

export function setLanguage(next) {
  localStorage.setItem(LANG_KEY, next);
  applyLanguage();
  for (const listener of listeners) listener(next);
}

export function toggleLanguage() {
  setLanguage(lang() === "id" ? "en" : "id");
}

function applyLanguage() {
  document.documentElement.lang = lang();
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = word(node.dataset.i18n);
  }
  for (const node of document.querySelectorAll("[data-i18n-label]")) {
    node.setAttribute("aria-label", word(node.dataset.i18nLabel));
  }
  const title = document.querySelector("h1[data-i18n]");
  if (title) document.title = `${title.textContent} · sopfsm`;
}

export function isTyping(event) {
  const target = event.target;
  return (
    target instanceof HTMLElement &&
    (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)
  );
}

// Alt+L anywhere switches the language, keeping focus: a deliberate key, never a stray L
// typed mid-call. The language changes what is shown, never a call.
export function installLanguageSwitch() {
  applyLanguage();
  for (const button of document.querySelectorAll("[data-lang-toggle]")) {
    button.addEventListener("click", toggleLanguage);
  }
  document.addEventListener("keydown", (event) => {
    const key = event.key.toLowerCase();
    if (key !== "l" || event.ctrlKey || event.metaKey || event.repeat) return;
    if (event.altKey) {
      event.preventDefault();
      const focused = document.activeElement?.id;
      toggleLanguage();
      if (focused) document.getElementById(focused)?.focus();
    }
  });
}

// h("p", {class: "x", dataset: {a: "1"}}, "text", child) -> element
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...nodes(children));
  return node;
}

// Children as nodes: nested lists flattened, null and false left out.
export function nodes(...children) {
  return children
    .flat(Infinity)
    .filter((child) => child != null && child !== false)
    .map((child) => (child instanceof Node ? child : document.createTextNode(String(child))));
}

export function fill(parent, ...children) {
  parent.replaceChildren(...nodes(children));
}

export async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// A script line with its kind shown the way the CSO must treat it.
export function scriptLine(script, { large = false } = {}) {
  const kind = script.kind || "said";
  return h(
    "div",
    { class: `script script-${kind}${large && kind === "said" ? " script-large" : ""}`, dataset: { kind } },
    h("span", { class: "kind" }, word(`kind_${kind}`)),
    h("p", { lang: lang() }, t(script.text)),
    script.per ? h("span", { class: "cite", title: word("clause") }, script.per) : null,
  );
}
