"""An SCXML export read back (what the diff compares an exported SOP by): the same SOP,
and a document that is not one of sopfsm's exports refused with where and why."""

from __future__ import annotations

import pytest

from sopfsm.catalogue import get_sop
from sopfsm.errors import SopFileError
from sopfsm.formats.scxml import read_scxml, sop_to_scxml


def test_an_scxml_export_reads_back_as_the_same_sop() -> None:
    sop = get_sop("niaga-overdue")
    assert read_scxml(sop_to_scxml(sop), "niaga.scxml") == sop


def test_xml_that_is_not_well_formed_is_refused_at_its_line() -> None:
    with pytest.raises(SopFileError) as caught:
        read_scxml('<?xml version="1.0"?>\n<scxml>\n  <state id="a">\n</scxml>\n', "bad.scxml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("bad.scxml", 4)
    assert "not valid XML" in problem.message


def test_scxml_that_sopfsm_did_not_export_is_refused_saying_what_is_missing() -> None:
    plain = '<scxml xmlns="http://www.w3.org/2005/07/scxml" initial="a"><state id="a"/></scxml>'
    with pytest.raises(SopFileError, match="not an SCXML export of a SOP: missing 'sop:sop'"):
        read_scxml(plain, "plain.scxml")
    exported = sop_to_scxml(get_sop("lebih-tagih"))
    with pytest.raises(SopFileError, match="missing 'sop_version'"):
        read_scxml(exported.replace('id="sop_version"', 'id="other"'), "edited.scxml")


def test_an_export_whose_branch_leads_nowhere_is_refused_like_a_yaml_file() -> None:
    document = sop_to_scxml(get_sop("lebih-tagih")).replace('target="to_unit"', 'target="gone"')
    with pytest.raises(SopFileError, match="no step 'gone'"):
        read_scxml(document, "edited.scxml")
