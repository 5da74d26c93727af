"""The exception tree: one root, :class:`SopfsmError`, and a subclass for each kind of fault.

Each subclass says when it is raised and carries the offending values as attributes, so
that call software can act on them without parsing messages. ``str(error)`` is English;
errors a CSO may see also have :meth:`SopfsmError.message` in Indonesian.

::

    SopfsmError                       (each also the builtin it resembles)
    ├── UnknownSop            LookupError   a SOP id that the catalogue does not have
    ├── UnknownQuestion       LookupError   a question id that the SOP does not have
    ├── InvalidAnswer         ValueError    a value that the question does not accept
    ├── NotPending            RuntimeError  an answer to a question the call is not asking now
    │   └── CallFinished                    an answer after the call reached its outcome
    ├── AnswererError         RuntimeError  a pluggable answerer (e.g. the DTKS check) failed
    ├── SavedCallError        ValueError    a saved call that cannot be restored faithfully
    │   └── SignatureError                  a signed save that does not verify, or unsigned
    ├── SopDefinitionError    ValueError    a declared SOP that breaks sopfsm's rules
    ├── NoBranch              LookupError   no branch (or more than one) matches an answer
    ├── MissingDependency     ImportError   an optional package (rendering) is not installed
    ├── UnknownCall           LookupError   a call id that the call store does not hold
    ├── UnreadableCall        ValueError    a stored call whose answer log does not replay
    ├── StaleRevision         RuntimeError  an answer whose revision is not the call's current
    ├── UnreachedAnswers      ValueError    answers given at a start that the call never asks
    ├── StoreError            OSError       a call store that cannot be opened or used
    │   └── UnknownSchemaVersion            a store migrated by a newer sopfsm than this one
    ├── ServiceConfigError    ValueError    a service setting that cannot be used
    ├── ReentrantAnswer       RuntimeError  a call answered again while applying an answer
    ├── InvalidArgument       TypeError     an argument of the wrong type
    ├── InvalidDetail         ValueError    a customer detail, wrap-up code or reason refused
    ├── NotAnswered           LookupError   a correction to a question the call never answered
    ├── CallClosed            RuntimeError  a change to a call that is closed or abandoned
    ├── WrongStatus           RuntimeError  closing an open call, abandoning a finished one
    ├── SopFileError          ValueError    a SOP file with mistakes, each located
    ├── UsageError            ValueError    a command line that is malformed
    ├── UnknownMachine        LookupError   a ``module:Class`` that is no SOP class
    ├── InvalidVersion        ValueError    a SOP version or effective date that is no date
    ├── NoVersionInForce      LookupError   no version of a SOP fits a version or a moment
    └── SopFolderError        ValueError    a folder of SOP files refused, its files named

    UncheckedSignature        (a UserWarning) a signed save restored without its key
    OutcomeChanged            (a UserWarning) a correction changed a finished call's outcome

Every message quotes an offending value through :func:`shown`: escaped, on one line,
and shortened (with its length) when long, so hostile input never floods a log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from sopfsm.text import Lang, Text


class SopfsmError(Exception):
    """Root of every error sopfsm raises on purpose."""

    def message(self, lang: Lang = "en") -> str:
        """The message in ``lang``; English unless the subclass is one a CSO sees."""
        return str(self)


class UnknownSop(SopfsmError, LookupError):
    """Raised when a SOP id is not in the catalogue."""

    def __init__(self, sop_id: object, known: Sequence[str]) -> None:
        self.sop_id = sop_id
        self.known = tuple(known)
        super().__init__(f"unknown SOP {shown(sop_id)}; known SOPs: {', '.join(self.known)}")

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return f"SOP {shown(self.sop_id)} tidak dikenal; SOP yang ada: {', '.join(self.known)}"
        return str(self)


class UnknownQuestion(SopfsmError, LookupError):
    """Raised when an answer names a question that the SOP does not ask on any path."""

    def __init__(self, sop_id: str, question_id: object, known: Sequence[str]) -> None:
        self.sop_id = sop_id
        self.question_id = question_id
        self.known = tuple(known)
        super().__init__(
            f"SOP {shown(sop_id)} has no question {shown(question_id)}; "
            f"its questions: {', '.join(self.known)}"
        )

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return (
                f"SOP {shown(self.sop_id)} tidak punya pertanyaan {shown(self.question_id)}; "
                f"pertanyaannya: {', '.join(self.known)}"
            )
        return str(self)


class InvalidAnswer(SopfsmError, ValueError):
    """Raised when a value is not an accepted answer to the question; the call is unchanged."""

    def __init__(self, question_id: str, value: object, reason: Text, accepted: Text) -> None:
        self.question_id = question_id
        self.value = value
        self.reason = reason
        self.accepted = accepted
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        value = shown(self.value)
        if lang == "id":
            return (
                f"jawaban {value} untuk {self.question_id!r} ditolak: {self.reason.id}. "
                f"Yang diterima: {self.accepted.id}"
            )
        return (
            f"answer {value} to {self.question_id!r} refused: {self.reason.en}. "
            f"Accepted: {self.accepted.en}"
        )


class NotPending(SopfsmError, RuntimeError):
    """Raised when an answer is given to a question the call is not asking now."""

    def __init__(self, question_id: object, pending: str | None, state: str) -> None:
        self.question_id = question_id
        self.pending = pending
        self.state = state
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return (
                f"pertanyaan {shown(self.question_id)} tidak sedang ditanyakan "
                f"(langkah {self.state!r}); "
                f"yang ditanyakan sekarang: {self.pending!r}"
            )
        return (
            f"question {shown(self.question_id)} is not pending (at step {self.state!r}); "
            f"the call is asking {self.pending!r}"
        )


class CallFinished(NotPending):
    """Raised when an answer is given after the call reached its outcome."""

    def __init__(self, question_id: object, state: str, outcome: str) -> None:
        self.outcome = outcome
        super().__init__(question_id, None, state)

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return (
                f"panggilan sudah selesai ({self.outcome} di langkah {self.state!r}); "
                f"jawaban untuk {shown(self.question_id)} ditolak"
            )
        return (
            f"the call has finished ({self.outcome} at step {self.state!r}); "
            f"answer to {shown(self.question_id)} refused"
        )


class AnswererError(SopfsmError, RuntimeError):
    """Raised when a pluggable answerer raised, returned an invalid answer, or tried to
    answer the call itself.

    Every answer given before it (``applied``: the CSO's, then any other answerer's) stays
    applied; the answerer's question stays pending, so the CSO can answer it by hand.
    """

    def __init__(self, question_id: str, cause: BaseException, applied: Sequence[str] = ()) -> None:
        self.question_id = question_id
        self.cause = cause
        self.applied = tuple(applied)
        kept = (
            f"the answers to {', '.join(map(repr, self.applied))} were applied and "
            if self.applied
            else "no answer was applied and "
        )
        super().__init__(
            f"the answerer for {question_id!r} failed "
            f"({type(cause).__name__}: {one_line(str(cause))}); "
            f"{kept}{question_id!r} is left pending for the CSO"
        )

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            kept = (
                f"jawaban untuk {', '.join(map(repr, self.applied))} sudah diterapkan; "
                if self.applied
                else ""
            )
            return (
                f"pemeriksaan otomatis untuk {self.question_id!r} gagal; {kept}"
                f"silakan tanyakan {self.question_id!r} secara manual"
            )
        return str(self)


class SavedCallError(SopfsmError, ValueError):
    """Raised when a saved call is not JSON, is truncated, comes from an unknown format,
    SOP or version, holds an unknown state or a bad answer, or does not replay to the
    state it claims. ``where`` names the offending field."""

    def __init__(self, reason: str, where: str = "") -> None:
        self.reason = reason
        self.where = where
        at = f" (at {where})" if where else ""
        super().__init__(f"saved call refused{at}: {reason}")


class SopDefinitionError(SopfsmError, ValueError):
    """Raised when a declared SOP breaks sopfsm's rules (a missing question, a guard that
    is not a :func:`sopfsm.when` branch, an unknown clause or assumption, ...)."""

    def __init__(self, sop: str, problem: str) -> None:
        self.sop = sop
        self.problem = problem
        super().__init__(f"SOP {sop!r} is malformed: {problem}")


class NoBranch(SopfsmError, LookupError):
    """Raised when an accepted answer matches no branch of its question, or more than one.

    This is a defect of the SOP (the audit finds it without a call); the call is unchanged.
    """

    def __init__(self, sop: str, state: str, question_id: str, value: object, matches: int) -> None:
        self.sop = sop
        self.state = state
        self.question_id = question_id
        self.value = value
        self.matches = matches
        what = "no branch" if matches == 0 else f"{matches} branches"
        super().__init__(
            f"SOP {sop!r} step {state!r}: {what} of {question_id!r} match answer {shown(value)}"
        )


class MissingDependency(SopfsmError, ImportError):
    """Raised when a feature needs an optional package that is not installed."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{package} is not installed; install it with: pip install 'sopfsm[{extra}]'"
        )


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class UnknownCall(SopfsmError, LookupError):
    """Raised when a call id is not in the call store."""

    def __init__(self, call_id: str) -> None:
        self.call_id = call_id
        super().__init__(f"no call {call_id!r} in the call store")

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return f"panggilan {self.call_id!r} tidak ada di penyimpanan"
        return str(self)


class UnreadableCall(SopfsmError, ValueError):
    """Raised when a call in the store does not replay through its SOP (a SOP version
    this sopfsm no longer bundles, a log edited by hand): ``reason`` says why, ``where``
    names the field of the log. The call is reported, never changed; other calls are
    still read and listed."""

    def __init__(self, call_id: str, reason: str, where: str = "") -> None:
        self.call_id = call_id
        self.reason = reason
        self.where = where
        super().__init__(f"call {call_id!r} cannot be replayed from its answer log: {reason}")

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return (
                f"panggilan {self.call_id!r} tidak dapat diputar ulang dari catatan "
                f"jawabannya: {self.reason}"
            )
        return str(self)


class StaleRevision(SopfsmError, RuntimeError):
    """Raised when an answer names a revision (the number of answers the sender saw) that
    is not the call's current one: another answer came first, or the sender is ahead.
    The call is unchanged."""

    def __init__(self, call_id: str, given: int, current: int) -> None:
        self.call_id = call_id
        self.given = given
        self.current = current
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return (
                f"panggilan {self.call_id!r} sudah di revisi {self.current}, bukan "
                f"{self.given}: muat ulang panggilan lalu jawab lagi"
            )
        return (
            f"call {self.call_id!r} is at revision {self.current}, not {self.given}: "
            "reload the call and answer again"
        )


class UnknownDelivery(SopfsmError, LookupError):
    """Raised when a delivery id names no APKT report revision in the store's outbox."""

    def __init__(self, delivery: object) -> None:
        self.delivery = delivery
        super().__init__(f"no delivery {delivery!r} in the outbox")

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return f"pengiriman {self.delivery!r} tidak ada di kotak keluar"
        return str(self)


class AlreadyDelivered(SopfsmError, RuntimeError):
    """Raised when a delivered report revision is asked to be sent again: the receiver
    answered 2xx for it, and a retry is for a pending or dead delivery only."""

    def __init__(self, delivery: int, report: str, revision: int) -> None:
        self.delivery = delivery
        self.report = report
        self.revision = revision
        super().__init__(
            f"delivery {delivery} (report {report!r}, revision {revision}) is delivered "
            "already; only a pending or dead delivery is retried"
        )


class ReportPurged(SopfsmError, RuntimeError):
    """Raised when a report revision purged of personal data (``sopfsm purge``) is asked to
    be sent again: its document no longer says what the call did, so it is never sent."""

    def __init__(self, delivery: int, report: str, revision: int) -> None:
        self.delivery = delivery
        self.report = report
        self.revision = revision
        super().__init__(
            f"delivery {delivery} (report {report!r}, revision {revision}) was purged of "
            "personal data; a purged revision is never sent again"
        )


class BadSignature(SopfsmError, ValueError):
    """Raised by :func:`sopfsm.delivery.verify` when a delivered report's signature does
    not hold: no or malformed header, an unknown key (``key_id``), a time too far from
    the receiver's clock, or a body changed after it was signed."""

    def __init__(self, reason: str, key_id: str | None = None) -> None:
        self.reason = reason
        self.key_id = key_id
        super().__init__(f"delivery signature refused: {reason}")


class DeliveryConfigError(SopfsmError, ValueError):
    """Raised for an APKT endpoint or delivery key an operator gave that cannot be used
    (``setting`` names it; ``problem`` says why and what is accepted)."""

    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        self.problem = problem
        super().__init__(f"{setting}: {problem}")


class UnreachedAnswers(SopfsmError, ValueError):
    """Raised when answers given at a call's start are not asked on the call's path:
    the call ended, or stopped at an unanswered question, before reaching them."""

    def __init__(self, sop: str, questions: Sequence[str], path: Sequence[str]) -> None:
        self.sop = sop
        self.questions = tuple(questions)
        self.path = tuple(path)
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        names = ", ".join(map(repr, self.questions))
        route = " -> ".join(self.path)
        if lang == "id":
            return f"panggilan {self.sop!r} tidak sampai ke {names}: jalurnya {route}"
        return f"the {self.sop!r} call never reaches {names}: its path was {route}"


class StoreError(SopfsmError, OSError):
    """Raised when a call store cannot be opened or used; ``where`` names the store."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"call store {where}: {problem}")

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            found = self.problem.lower()
            if any(sign in found for sign in _DISK_FULL):
                reason = "disk penuh; jawaban tidak disimpan dan panggilan tidak berubah"
            else:
                reason = "tidak dapat dipakai sekarang"
            return f"penyimpanan panggilan {self.where}: {reason} ({self.problem})"
        return str(self)


_DISK_FULL = ("disk is full", "no space left", "could not extend file", "disk full")


class UnknownSchemaVersion(StoreError):
    """Raised when a call store holds migrations this sopfsm does not know: it was
    written by a newer sopfsm, and this one refuses rather than misread it."""

    def __init__(self, where: str, unknown: Sequence[str], known: Sequence[str]) -> None:
        self.unknown = tuple(unknown)
        self.known = tuple(known)
        super().__init__(
            where,
            f"unknown schema migration {', '.join(self.unknown)}; "
            f"this sopfsm knows {', '.join(self.known) or 'none'}",
        )


class ServiceConfigError(SopfsmError, ValueError):
    """Raised when the service is set up in a way it refuses: a token file that cannot be
    read or has a malformed line, or a host off loopback without a token file."""

    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        self.problem = problem
        super().__init__(f"{setting}: {problem}")


class SignatureError(SavedCallError):
    """Raised when a save must be signed and is not, names a key that is not given, or
    fails its HMAC check (any change at all to a signed save); also for a signing key
    that is not a :class:`sopfsm.SigningKey`. ``key_id`` is the key the save names."""

    def __init__(self, reason: str, key_id: str | None = None) -> None:
        self.key_id = key_id
        super().__init__(reason, "signature")


class ReentrantAnswer(SopfsmError, RuntimeError):
    """Raised when code that runs inside an answer (an answerer, a clock) answers the same
    call again; the outer answer goes on, and the answerer's failure is an
    :class:`AnswererError`."""

    def __init__(self, question_id: object, applying: str) -> None:
        self.question_id = question_id
        self.applying = applying
        super().__init__(
            f"answer to {shown(question_id)} refused: the call is still applying the "
            f"answer to {applying!r}; an answerer returns its answer instead of answering"
        )


class InvalidArgument(SopfsmError, TypeError):
    """Raised when an argument of the public API has the wrong type (``start(None)``,
    answerers that are not callables, ...): ``name``, the ``value`` and what is
    ``expected``."""

    def __init__(self, name: str, value: object, expected: str) -> None:
        self.name = name
        self.value = value
        self.expected = expected
        super().__init__(f"{name} must be {expected}, not {type(value).__name__} {shown(value)}")


class InvalidDetail(SopfsmError, ValueError):
    """Raised when a customer detail (IDPEL, meter number, phone, ...), a wrap-up code or
    note, or a correction's reason is refused: ``field`` names it, with the ``value``,
    the ``reason`` and what is ``accepted``. Nothing of the request is stored."""

    def __init__(self, field: str, value: object, reason: Text, accepted: Text) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        self.accepted = accepted
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        # A refused detail may be personal data: only its length is quoted, never the text.
        if lang == "id":
            return f"{self.field!r} ditolak: {self.reason.id}. Yang diterima: {self.accepted.id}"
        return f"{self.field!r} refused: {self.reason.en}. Accepted: {self.accepted.en}"


class NotAnswered(SopfsmError, LookupError):
    """Raised when a correction names a question the call has not answered (never asked,
    or retracted by an earlier correction): only a given answer can be corrected."""

    def __init__(self, question_id: object, answered: Sequence[str]) -> None:
        self.question_id = question_id
        self.answered = tuple(answered)
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        names = ", ".join(map(repr, self.answered))
        if lang == "id":
            return (
                f"pertanyaan {shown(self.question_id)} belum dijawab di panggilan ini, "
                f"jadi tidak bisa dikoreksi; yang sudah dijawab: {names or 'belum ada'}"
            )
        return (
            f"question {shown(self.question_id)} has no answer in this call to correct; "
            f"answered: {names or 'none yet'}"
        )


class CallClosed(SopfsmError, RuntimeError):
    """Raised when an answer, correction, detail or wrap-up is given to a call that is
    closed (:meth:`sopfsm.Call.close`) or abandoned; the call is unchanged."""

    def __init__(self, action: str, status: str) -> None:
        self.action = action
        self.status = status
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return f"panggilan sudah ditutup ({self.status}); {self.action} ditolak"
        return f"the call is closed ({self.status}); {self.action} refused"


class WrongStatus(SopfsmError, RuntimeError):
    """Raised when a wrap-up does not fit the call's status: closing a call that has no
    outcome yet (abandon it instead), or abandoning one that has its outcome (close it)."""

    def __init__(self, action: str, status: str, expected: str) -> None:
        self.action = action
        self.status = status
        self.expected = expected
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return (
                f"{self.action} ditolak: panggilan berstatus {self.status!r}, "
                f"harus {self.expected!r}"
            )
        return f"{self.action} refused: the call is {self.status!r}, not {self.expected!r}"


# Every character str.splitlines() breaks at, so an escaped text is one line anywhere.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def shown(value: object, limit: int = 60) -> str:
    """``value`` as an error message quotes it: its ``repr`` (escaped, so on one line),
    cut to ``limit`` characters with its full length when longer."""
    try:
        text = repr(value)
    except Exception:  # a 5,000-digit int or a hostile __repr__ must not mask the error
        text = f"<{type(value).__name__}>"
    return one_line(text, limit)


def one_line(text: str, limit: int = 200) -> str:
    """``text`` with line breaks escaped, cut to ``limit`` characters (with its length)."""
    text = _LINE_BREAKS.sub(lambda found: repr(found.group())[1:-1], text)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 3]}... ({len(text)} characters)"


class UncheckedSignature(UserWarning):
    """Warned when a signed save is restored without a key: only its consistency is
    checked, not its signature, so an edit that keeps it consistent goes unnoticed."""

    def __init__(self, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(
            f"a save signed with key {key_id!r} was restored without a key: its signature "
            "was not checked, only its consistency; pass key= to refuse any change"
        )


class OutcomeChanged(UserWarning):
    """Warned when a correction changes the outcome of a call that had reached one: the
    report already shown (or sent) is no longer the call's."""

    def __init__(self, question_id: str, before: str | None, after: str | None) -> None:
        self.question_id = question_id
        self.before = before
        self.after = after
        super().__init__(
            f"the correction of {question_id!r} changed the call's outcome from {before} to {after}"
        )


class SopFileProblem(NamedTuple):
    """One mistake in a SOP file: where it is (1-based line and column) and what is wrong."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class SopFileError(SopfsmError, ValueError):
    """Raised when a SOP file cannot be loaded: it is not YAML, breaks the SOP file schema,
    or describes a SOP that cannot run (an unknown question type, a branch to a missing
    step, an answer covered twice or not at all, a citation of nothing). Nothing runs;
    ``problems`` lists every mistake found, each with its file, line and column."""

    def __init__(self, file: str, problems: Sequence[SopFileProblem]) -> None:
        self.file = file
        self.problems = tuple(problems)
        count = len(self.problems)
        self.headline = f"{count} problem{'s' if count != 1 else ''} in SOP file {file}:"
        super().__init__("\n".join([self.headline, *map(str, self.problems)]))


class UsageError(SopfsmError, ValueError):
    """A command line that names no SOP, repeats an answer, or is malformed."""


class UnknownMachine(SopfsmError, LookupError):
    """A ``module:Class`` on the command line that does not import or is no Sop class."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"cannot load SOP class {shown(name)}: {problem}")


# Internal signals: raised and caught inside sopfsm, each turned into a SopfsmError (an
# InvalidAnswer, an unreadable line) before it reaches a caller, so they stay plain
# ValueErrors that carry their reason.


class InvalidVersion(SopfsmError, ValueError):
    """A SOP version that is not a date (YYYY-MM-DD), or an effective moment that cannot
    be read: ``value`` and what is accepted."""

    ACCEPTED = (
        "a version is a date YYYY-MM-DD; an effective moment is YYYY-MM-DD, optionally with "
        "THH:MM and a zone (WIB, WITA, WIT or +HH:MM; WIT when none)"
    )

    def __init__(self, value: object, what: str = "version") -> None:
        self.value = value
        self.what = what
        super().__init__(f"{what} {shown(value)} is not a date; {self.ACCEPTED}")

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            return (
                f"{self.what} {shown(self.value)} bukan tanggal; versi ditulis YYYY-MM-DD, "
                "saat berlaku YYYY-MM-DD (boleh dengan THH:MM dan zona WIB, WITA, WIT atau "
                "+HH:MM; WIT bila tanpa zona)"
            )
        return str(self)


class NoVersionInForce(SopfsmError, LookupError):
    """No version of SOP ``sop_id`` fits: none is ``version``, or none had taken effect
    at the moment ``at``. ``known`` lists the versions with their effective moments."""

    def __init__(
        self, sop_id: str, known: Sequence[str], *, version: str | None = None, at: str = ""
    ) -> None:
        self.sop_id = sop_id
        self.known = tuple(known)
        self.version = version
        self.at = at
        wanted = (
            f"no version {shown(version)}"
            if version is not None
            else f"no version in force at {at}"
        )
        super().__init__(f"SOP {shown(sop_id)} has {wanted}; its versions: {', '.join(self.known)}")

    def message(self, lang: Lang = "en") -> str:
        if lang == "id":
            wanted = (
                f"tidak punya versi {shown(self.version)}"
                if self.version is not None
                else f"tidak punya versi yang berlaku pada {self.at}"
            )
            return f"SOP {shown(self.sop_id)} {wanted}; versinya: {', '.join(self.known)}"
        return str(self)


class SopFolderError(SopfsmError, ValueError):
    """A folder of SOP files refused as a whole: ``problems`` says what is wrong, each line
    naming its files (a broken file's mistakes located), and ``not_loaded`` names the
    other files, which are not loaded either."""

    def __init__(self, folder: str, problems: Sequence[str], not_loaded: Sequence[str]) -> None:
        self.folder = folder
        self.problems = tuple(problems)
        self.not_loaded = tuple(not_loaded)
        count = len(self.problems)
        self.headline = (
            f"SOP folder {folder} refused ({count} problem{'s' if count != 1 else ''}); "
            f"not loaded: {', '.join(self.not_loaded) or 'no other file'}"
        )
        super().__init__("\n".join([self.headline, *self.problems]))


class Rejected(ValueError):
    """A raw answer that a kind does not accept; ``reason`` says why."""

    def __init__(self, reason: Text) -> None:
        self.reason = reason
        super().__init__(reason.en)


class NikError(Rejected):
    """A NIK that breaks one of the registry's rules; ``reason`` says which part."""


class BadLine(ValueError):
    """A line that is not a call; the message is the reason shown to the user."""
