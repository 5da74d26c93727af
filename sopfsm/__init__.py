"""sopfsm: contact-centre SOPs as explicit, audited finite-state machines.

>>> import sopfsm
>>> call = sopfsm.start("lebih-tagih")
>>> call.pending.id
'accepts_explanation'
>>> call.answer("accepts_explanation", "tidak").answer("meter_reading", "12.345")
<Call lebih-tagih at 'to_unit'>
>>> call.outcome.code, call.outcome.data["meter_reading"]
('APKT_TO_UNIT', 12345.0)
"""

from sopfsm.answers import AnswerClass, Choice, MeterReading, Nik, Option, Value, yes_no
from sopfsm.call import Answerer, AnswerRecord, Call, CallOutcome, start
from sopfsm.catalogue import all_sops, get_sop, sop_ids
from sopfsm.declare import (
    ANY,
    NO,
    OUTCOME_CODES,
    REGULAR_SOP,
    SCRIPT_KINDS,
    YES,
    Branch,
    OutcomeCode,
    Script,
    ScriptKind,
    Sop,
    Step,
    ask,
    do,
    note,
    outcome,
    say,
    when,
)
from sopfsm.errors import (
    AnswererError,
    CallFinished,
    InvalidAnswer,
    InvalidArgument,
    MissingDependency,
    NoBranch,
    NotPending,
    ReentrantAnswer,
    SavedCallError,
    ServiceConfigError,
    SignatureError,
    SopDefinitionError,
    SopFileError,
    SopfsmError,
    StaleRevision,
    StoreError,
    UncheckedSignature,
    UnknownCall,
    UnknownQuestion,
    UnknownSchemaVersion,
    UnknownSop,
    UnreachedAnswers,
    UnreadableCall,
)
from sopfsm.model import BranchSpec, SopSpec, StepSpec, spec_of
from sopfsm.provenance import Assumption, Clause, Provenance, assumption, clause
from sopfsm.questions import Question
from sopfsm.saved import restore
from sopfsm.signing import SigningKey
from sopfsm.text import LANGS, Lang, Text

__version__ = "0.1.0"

__all__ = [
    "ANY",
    "AnswerClass",
    "AnswerRecord",
    "Answerer",
    "AnswererError",
    "Assumption",
    "Branch",
    "BranchSpec",
    "Call",
    "CallFinished",
    "CallOutcome",
    "Choice",
    "Clause",
    "InvalidAnswer",
    "InvalidArgument",
    "LANGS",
    "Lang",
    "MeterReading",
    "MissingDependency",
    "NO",
    "Nik",
    "NoBranch",
    "NotPending",
    "OUTCOME_CODES",
    "Option",
    "OutcomeCode",
    "Provenance",
    "Question",
    "REGULAR_SOP",
    "ReentrantAnswer",
    "SCRIPT_KINDS",
    "SavedCallError",
    "Script",
    "ScriptKind",
    "ServiceConfigError",
    "SignatureError",
    "SigningKey",
    "Sop",
    "SopDefinitionError",
    "SopFileError",
    "SopSpec",
    "SopfsmError",
    "StaleRevision",
    "Step",
    "StepSpec",
    "StoreError",
    "Text",
    "UncheckedSignature",
    "UnknownCall",
    "UnknownQuestion",
    "UnknownSchemaVersion",
    "UnknownSop",
    "UnreachedAnswers",
    "UnreadableCall",
    "Value",
    "YES",
    "all_sops",
    "ask",
    "assumption",
    "clause",
    "do",
    "get_sop",
    "note",
    "outcome",
    "restore",
    "say",
    "sop_ids",
    "spec_of",
    "start",
    "when",
    "yes_no",
]
