// The text a CSO pastes into APKT at the outcome, always in Indonesian (APKT's language),
// and an answer as the CSO reads it.

const NUMBER = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 3 });

// Answers that give no value (sopfsm.questions NOT_KNOWN, NOT_AT_HAND), in the report's
// words rather than their codes: the unit reads "tidak diketahui", never a number.
const NO_VALUE = {
  not_known: { id: "tidak diketahui", en: "not known" },
  not_at_hand: { id: "tidak ada", en: "none at hand" },
};

export function answerLabel(sop, questionId, value, lang) {
  const question = sop?.questions[questionId];
  if (value === undefined || value === null) return "—";
  if (typeof value === "string" && Object.hasOwn(NO_VALUE, value)) return NO_VALUE[value][lang] ?? NO_VALUE[value].id;
  const option = question?.options?.find((o) => o.value === value);
  if (option) return option.label[lang] ?? option.label.id;
  if (typeof value === "number") return NUMBER.format(value);
  return String(value);
}

// Times in the report are WIT (UTC+9), the zone the SOP's dates are read in.
const WIT = new Intl.DateTimeFormat("id-ID", {
  timeZone: "Asia/Jayapura", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});
export function witTime(iso) {
  return iso ? `${WIT.format(new Date(iso))} WIT` : "—";
}

const DETAIL_NAMES = {
  idpel: "IDPEL", meter: "Nomor meter", name: "Nama", phone: "Telepon", address: "Alamat",
  identity: "IDPEL atau nomor meter",
};

// The call's end: its outcome's or wrap-up's time, the last entry of its record.
function endOf(call) {
  const log = call.log || [];
  return log.length ? log[log.length - 1].at : call.updated;
}

// `part`: the clause SOP a front-door call continued into; the report names it.
export function apktText(call, sop, doc, agent, part = null) {
  const code = call.outcome.code;
  const meaning = doc.outcomes[code];
  const step = sop?.steps[call.path[call.path.length - 1]];
  const carries = step?.carries || [];
  const name = (q) => sop?.questions[q]?.name.id || q;
  const lines = [
    `PLN 123 · ${sop ? `${(part || sop).title.id} (klausul ${(part || sop).clause}, SOP ${sop.version})` : call.sop}`,
    `Hasil APKT: ${code}${meaning ? ` — ${meaning.id}` : ""}`,
  ];
  for (const question of carries) {
    lines.push(`${name(question)}: ${answerLabel(sop, question, call.answers[question], "id")}`);
  }
  const others = Object.keys(call.answers || {}).filter((q) => !carries.includes(q));
  if (others.length) {
    lines.push(`Jawaban lain: ${others.map((q) => `${name(q)}: ${answerLabel(sop, q, call.answers[q], "id")}`).join("; ")}`);
  }
  const customer = call.customer || {};
  for (const field of ["idpel", "meter", "name", "phone", "address"]) {
    if (customer[field]) lines.push(`${DETAIL_NAMES[field]}: ${customer[field]}`);
  }
  const missing = call.missing_details || [];
  if (missing.length) lines.push(`Data belum lengkap: ${missing.map((m) => DETAIL_NAMES[m] || m).join(", ")}`);
  if (customer.note) lines.push(`Catatan: ${customer.note.replaceAll("\n", " / ")}`);
  lines.push(`Waktu panggilan: ${witTime(call.created)} s.d. ${witTime(endOf(call))}`);
  lines.push(`ID panggilan: ${call.id} · Agen: ${agent || call.agent || "—"}`);
  return lines.join("\n");
}
