"""What a text's words do: send the customer to the unit (clause 4), name an action in an
application, or tell the CSO to say something. The audit reads every script with these,
in Indonesian and English, to hold clause 4 and each script's kind to its words.
"""

from __future__ import annotations

import re

from sopfsm.declare import Script, ScriptKind

# Clause 4: words that send the customer to the unit, in either language.
_TO_THE_UNIT = (
    re.compile(
        r"\b(datang|pergi|berkunjung|mengunjungi|arahkan\s+pelanggan)\b[^.]*\b(unit|kantor)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(go|come|visit|head|direct the customer)\b[^.]*\b(unit|office)\b", re.I),
)

# A sentence that opens with an application action (send, close, create, check), and one
# that opens by telling the CSO to say something; in Indonesian and English.
_ACTIONS = (
    re.compile(r"(^|[:.]\s+)(kirim|kirimkan|tutup|buat|buatkan|cek|teruskan)\b", re.I),
    re.compile(r"(^|[:.]\s+)(send|close|create|check|forward)\b", re.I),
)
_TELLS = (
    re.compile(r"(^|[:.]\s+)sampaikan\b", re.I),
    re.compile(r"(^|[:.]\s+)(tell|explain|ask)\b", re.I),
)

_NEGATED = re.compile(
    r"\b(tidak perlu|tidak usah|tanpa harus|no need to|need not|does not need to)\b[^.,;]*",
    re.IGNORECASE,
)


def kind_problem(script: Script) -> str | None:
    """Why ``script``'s kind contradicts its words, or None when they agree."""
    text = script.text
    if script.kind is ScriptKind.SAID:
        if any(p.search(t) for p, t in zip(_ACTIONS, (text.id, text.en), strict=True)):
            return "an action in an application is given as something to say (make it do())"
    elif any(p.search(t) for p, t in zip(_TELLS, (text.id, text.en), strict=True)):
        return f"a text of kind {script.kind.value!r} tells the CSO to say something (say())"
    return None


def sends_to_unit(text: str) -> bool:
    # "there is no need to go to the unit" is what clause 4 asks the CSO to say.
    text = _NEGATED.sub("", text)
    return any(pattern.search(text) for pattern in _TO_THE_UNIT)
