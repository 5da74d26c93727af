"""QA over recorded calls: did the CSOs follow the SOP in force?

Each SOP is compiled once (:mod:`sopfsm.compiled`) into the tables the check walks;
calls are read streaming (:mod:`~sopfsm.qa.read`), judged (:mod:`~sopfsm.qa.verdict`),
summarised (:mod:`~sopfsm.qa.summary`) and reported (:mod:`~sopfsm.qa.report`, which
alone needs matplotlib). ``sopfsm check-calls`` and ``sopfsm simulate`` drive it.

>>> from sopfsm.qa import judge, simulate
>>> from sopfsm.qa.read import parse_json_line
>>> import json
>>> record = next(simulate(["lebih-tagih"], calls=1, seed=4, deviations=0))
>>> record["outcome"] = "ARAHKAN_KE_UNIT"
>>> verdict = judge(parse_json_line("calls.jsonl", 1, json.dumps(record)))
>>> [(d.code, d.clause, d.recorded) for d in verdict.deviations]
[('outcome_not_allowed', '4', 'ARAHKAN_KE_UNIT')]
"""

from sopfsm.compiled import CompiledSop, CompiledStep, compile_sop, compiled
from sopfsm.qa.check import check_files
from sopfsm.qa.read import RecordedCall, Unreadable, read_calls
from sopfsm.qa.simulate import simulate
from sopfsm.qa.summary import Summary
from sopfsm.qa.verdict import CODES, Deviation, Verdict, judge

__all__ = [
    "CODES",
    "CompiledSop",
    "CompiledStep",
    "Deviation",
    "RecordedCall",
    "Summary",
    "Unreadable",
    "Verdict",
    "check_files",
    "compile_sop",
    "compiled",
    "judge",
    "read_calls",
    "simulate",
]
