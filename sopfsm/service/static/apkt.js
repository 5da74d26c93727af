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
  lines.push(`ID panggilan: ${call.id}${agent ? ` · Agen: ${agent}` : ""}`);
  return lines.join("\n");
}
