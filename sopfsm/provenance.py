"""Where each step comes from: a clause of the source document, or a named assumption."""

from __future__ import annotations

import attrs

from sopfsm.assumptions import ASSUMPTIONS, AssumptionInfo
from sopfsm.clauses import CLAUSES
from sopfsm.text import Text


@attrs.frozen
class Clause:
    """Provenance: a clause of the source document, by its own number (``"1e"``, ``"5A.2a"``)."""

    ref: str
    # A SOP file of another document declares its own clauses; the text rides along.
    text: Text | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def label(self) -> str:
        return self.ref


@attrs.frozen
class Assumption:
    """Provenance: a named decision where the document is silent (docs/reading.md)."""

    name: str
    # A SOP file of another document declares its own assumptions; the reason rides along.
    info: AssumptionInfo | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def label(self) -> str:
        return f"A:{self.name}"


Provenance = Clause | Assumption


def clause(ref: str) -> Clause:
    """Cite a clause of the source document; unknown references are refused at once."""
    if ref not in CLAUSES:
        raise ValueError(f"unknown clause {ref!r}; clauses: {', '.join(CLAUSES)}")
    return Clause(ref)


def assumption(name: str) -> Assumption:
    """Cite a named assumption (docs/reading.md); unknown names are refused at once."""
    if name not in ASSUMPTIONS:
        raise ValueError(f"unknown assumption {name!r}; assumptions: {', '.join(ASSUMPTIONS)}")
    return Assumption(name)


def is_known(provenance: Provenance) -> bool:
    """Whether ``provenance`` names a clause or assumption that exists: in the bundled
    document, or declared with its text by the SOP file that cites it."""
    if isinstance(provenance, Clause):
        return provenance.text is not None or provenance.ref in CLAUSES
    return provenance.info is not None or provenance.name in ASSUMPTIONS
