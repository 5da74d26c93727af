"""The words, colours and marks every renderer of a chart shares."""

from __future__ import annotations

from typing import Final

from sopfsm.declare import OUTCOME_MEANINGS, REGULAR_SOP, ScriptKind
from sopfsm.text import Text

FORMATS: Final = ("dot", "svg", "png", "pdf", "mermaid")
SUFFIXES: Final = {"dot": ".dot", "svg": ".svg", "png": ".png", "pdf": ".pdf", "mermaid": ".mmd"}
DIAGRAM_FORMATS: Final = ("dot", "svg", "png", "mermaid")  # what diagrams/ holds

FONT: Final = "DejaVu Sans"  # shipped with Debian's fonts-dejavu-core; every glyph we use
WRAP: Final = 46
QUESTION_WRAP: Final = 30  # a decision is drawn as a diamond: narrower lines keep it compact
QUESTION_FILL: Final = "#FFF3C4"
# Each kind of script has its own fill and mark, so a note never reads as a line to say.
KIND_STYLES: Final = {
    ScriptKind.SAID: ("#EEF3FB", "&#9654;"),  # ▶ said to the customer
    ScriptKind.DONE: ("#E4E4E4", "&#9881;"),  # ⚙ done in an application
    ScriptKind.NOTE: ("#FFFFFF", "&#9998;"),  # ✎ a note, never read out
}
OUTCOME_FILLS: Final = {
    "APKT_TO_UNIT": "#FFD9B3",
    "APKT_ISSUE_CLOSED": "#C8EFCB",
    "PS_SCHEME_1": "#C7DBFF",
    "PS_SCHEME_2": "#DCCBFF",
    REGULAR_SOP: "#DDDDDD",  # the hand-off: outside the update, grey
}
UNKNOWN_FILL: Final = "#FF9A9A"  # an outcome outside the closed set stands out

WORDS: Final = {
    "ask": Text(id="Tanyakan", en="Ask"),
    "clause": Text(id="Klausul", en="Clause"),
    "version": Text(id="versi", en="version"),
    "source": Text(id="sumber", en="source"),
    "carries": Text(id="membawa", en="carries"),
    "legend": Text(id="Keterangan", en="Legend"),
    "question": Text(id="pertanyaan (keputusan)", en="question (decision)"),
    "solid": Text(id="garis: sesuai klausul", en="solid: per clause"),
    "dashed": Text(
        id="putus-putus: cabang ini bertumpu pada asumsi (A:…)",
        en="dashed: the branch itself rests on an assumption (A:…)",
    ),
    "part": Text(id="lanjut ke SOP", en="continues into SOP"),
    "see": Text(id="lihat diagramnya sendiri", en="see its own chart"),
    "remembers": Text(id="mengingat", en="remembers"),
    "group": Text(
        id="satu pertanyaan, diajukan sekali per panggilan; tiap kotak mengingat jawaban "
        "sebelumnya",
        en="one question, put once per call; each box remembers an earlier answer",
    ),
    "outcome": Text(id="hasil", en="outcome"),
    "changed": Text(
        id="magenta tebal: berubah antara kedua versi",
        en="heavy magenta: changed between the versions",
    ),
}
PART_FILL: Final = "#F2F2F2"
GROUP_COLOR: Final = "#8A6D00"
MEANINGS: Final = OUTCOME_MEANINGS  # the words of each outcome, one definition (declare)
# A call's way through a chart: the nodes and branches it took, and where it is now.
PATH_COLOUR: Final = "#1f5fbf"
CURRENT_COLOUR: Final = "#c8402f"
# What one version of a SOP changed from the other, on the two charts of a diff.
CHANGED_COLOUR: Final = "#b0008e"
