"""SOP versions on the API: the version in force at a moment is the latest whose effective
moment has come; a call keeps its version to its end, and is restored under it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sopfsm
from sopfsm.catalogue import (
    add_versions,
    clear_added_versions,
    newer_in_force,
    sop_in_force,
    sop_versions,
)
from sopfsm.errors import InvalidVersion, NoVersionInForce, SopFolderError
from sopfsm.formats.yaml import read_yaml
from sopfsm.model import SopSpec
from sopfsm.versions import WITA, effective_moment, parse_moment

ROOT = Path(__file__).parent.parent
UPDATE = (ROOT / "docs" / "examples" / "lebih-tagih-illustrative-update.yaml").read_text("utf-8")
# The illustrative update taking effect at 08:00 WITA on 1 December 2026.
TAKES_EFFECT = dt.datetime(2026, 12, 1, 8, 0, tzinfo=WITA)


def _update(
    effective: str | None = "2026-12-01T08:00 WITA", version: str = "2026-12-01"
) -> SopSpec:
    text = UPDATE.replace("version: '2026-12-01'", f"version: '{version}'")
    if effective is not None:
        text = text.replace(
            f"version: '{version}'\n", f"version: '{version}'\neffective: {effective}\n"
        )
    return read_yaml(text, f"lebih-tagih-{version}.yaml")


@pytest.fixture(autouse=True)
def _bundled_only() -> Iterator[None]:
    clear_added_versions()
    yield
    clear_added_versions()


def _ticking(start: dt.datetime) -> sopfsm.call.Clock:
    times = iter(start + dt.timedelta(seconds=n) for n in range(2, 1000))
    return lambda: next(times)


def test_a_call_started_the_second_before_a_new_version_finishes_under_the_old_one() -> None:
    add_versions([(_update(), "update.yaml")])
    started = TAKES_EFFECT - dt.timedelta(seconds=1)
    call = sopfsm.start("lebih-tagih", at=started, clock=_ticking(started))
    assert call.sop.version == "2020-04-10"
    call.answer("accepts_explanation", "ya")  # answered after the update took effect
    assert call.answers[0].at > TAKES_EFFECT
    assert call.outcome is not None and call.outcome.code == "APKT_ISSUE_CLOSED"  # the old one
    restored = sopfsm.restore(call.to_json())
    assert restored.sop.version == "2020-04-10"
    assert restored.outcome is not None and restored.outcome.code == "APKT_ISSUE_CLOSED"
    later = sopfsm.start("lebih-tagih", at=TAKES_EFFECT)
    assert later.sop.version == "2026-12-01"
    later.answer("accepts_explanation", "ya")
    assert later.outcome is not None and later.outcome.code == "APKT_TO_UNIT"


def test_start_takes_the_version_in_force_now_and_another_by_name_or_moment() -> None:
    future = _update("2999-01-01", version="2999-01-01")
    add_versions([(_update(), "update.yaml"), (future, "future.yaml")])
    assert [v.version for v in sop_versions("lebih-tagih")] == [
        "2020-04-10",
        "2026-12-01",
        "2999-01-01",
    ]
    assert sopfsm.start("lebih-tagih").sop.version == "2026-12-01"  # the future one is not yet
    assert sopfsm.get_sop("lebih-tagih").version == "2026-12-01"
    assert sopfsm.start("lebih-tagih", version="2020-04-10").sop.version == "2020-04-10"
    at_2021 = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    assert sopfsm.start("lebih-tagih", at=at_2021).sop.version == "2020-04-10"
    bundled = sopfsm.start("lebih-tagih", version="2020-04-10").sop
    assert sopfsm.start(bundled, version="2999-01-01").sop is future


def test_a_version_takes_effect_at_the_start_of_its_date_in_wit_unless_it_says() -> None:
    bundled = sop_versions("lebih-tagih")[0]
    assert effective_moment(bundled) == dt.datetime(2020, 4, 9, 15, 0, tzinfo=dt.UTC)
    assert effective_moment(_update()) == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
    assert parse_moment("2026-12-01T08:00+07:00") == dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
    with pytest.raises(NoVersionInForce, match=r"no version in force at 2020-04-09T14:59:59"):
        sop_in_force("lebih-tagih", dt.datetime(2020, 4, 9, 14, 59, 59, tzinfo=dt.UTC))


@pytest.mark.parametrize("version", ["v2", "2026-13-01", "10-04-2020", ""])
def test_a_version_that_is_not_a_date_is_refused_naming_the_form(version: str) -> None:
    with pytest.raises(InvalidVersion, match="is not a date; a version is a date YYYY-MM-DD"):
        sopfsm.start("lebih-tagih", version=version)
    with pytest.raises(InvalidVersion, match="WIB, WITA, WIT"):
        parse_moment(version or "soon")


def test_an_unknown_version_is_refused_naming_the_versions_there_are() -> None:
    with pytest.raises(NoVersionInForce) as caught:
        sopfsm.start("lebih-tagih", version="2021-01-01")
    assert caught.value.known == ("2020-04-10 (from 2020-04-10T00:00:00+09:00)",)
    assert "tidak punya versi '2021-01-01'" in caught.value.message("id")


def test_two_versions_claiming_one_id_and_version_are_refused_naming_both() -> None:
    with pytest.raises(SopFolderError) as caught:
        add_versions([(_update(), "a.yaml"), (_update(), "b.yaml")])
    assert caught.value.problems == (
        "a.yaml and b.yaml both claim SOP 'lebih-tagih' version 2026-12-01; "
        "one id and version is one file",
    )
    assert [v.version for v in sop_versions("lebih-tagih")] == ["2020-04-10"]  # unchanged


def test_a_version_taking_effect_before_the_one_it_replaces_is_refused() -> None:
    early = _update("2020-01-01")
    with pytest.raises(SopFolderError) as caught:
        add_versions([(early, "early.yaml")])
    (problem,) = caught.value.problems
    assert problem.startswith(
        "early.yaml: SOP 'lebih-tagih' version 2026-12-01 takes effect "
        "2020-01-01T00:00:00+09:00, not after version 2020-04-10 (bundled)"
    )
    assert caught.value.not_loaded == ("early.yaml",)
    assert [v.version for v in sop_versions("lebih-tagih")] == ["2020-04-10"]


def test_a_file_of_the_bundled_version_overrides_it() -> None:
    text = UPDATE.replace("version: '2026-12-01'", "version: '2020-04-10'")
    own = read_yaml(text, "own.yaml")
    add_versions([(own, "own.yaml")])
    assert sopfsm.get_sop("lebih-tagih") is own
    assert sop_versions("lebih-tagih") == (own,)


def test_an_effective_moment_survives_export_to_yaml_and_scxml() -> None:
    from sopfsm.formats.scxml import sop_to_scxml
    from sopfsm.formats.yaml import sop_to_yaml

    update = _update()
    assert update.effective == "2026-12-01T08:00 WITA"
    assert effective_moment(update) == TAKES_EFFECT
    assert read_yaml(sop_to_yaml(update), "again.yaml") == update
    assert """<data id="sop_effective" expr="'2026-12-01T08:00 WITA'"/>""" in sop_to_scxml(update)


@given(
    dates=st.lists(
        st.dates(dt.date(2020, 4, 11), dt.date(2100, 1, 1)), min_size=1, max_size=5, unique=True
    ),
    at=st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2101, 1, 1), timezones=st.just(dt.UTC)),
)
def test_the_version_in_force_is_the_latest_whose_date_has_begun_in_wit(
    dates: list[dt.date], at: dt.datetime
) -> None:
    bundled = sop_versions("lebih-tagih")[0]
    wit = dt.timezone(dt.timedelta(hours=9))
    versions = [attrs.evolve(bundled, version=d.isoformat()) for d in dates]
    try:
        add_versions([(v, f"{v.version}.yaml") for v in versions])
        begun = [
            v.version
            for v in (bundled, *versions)
            if dt.datetime.combine(dt.date.fromisoformat(v.version), dt.time(0), wit) <= at
        ]
        if begun:
            assert sop_in_force("lebih-tagih", at).version == max(begun)
            assert sopfsm.start("lebih-tagih", at=at).sop.version == max(begun)
        else:
            with pytest.raises(NoVersionInForce):
                sop_in_force("lebih-tagih", at)
    finally:
        clear_added_versions()


def test_a_newer_version_is_named_only_once_it_is_in_force_and_later() -> None:
    update = _update()
    add_versions([(update, "update.yaml")])
    old = sop_in_force("lebih-tagih", TAKES_EFFECT - dt.timedelta(seconds=1))
    assert newer_in_force(old, TAKES_EFFECT - dt.timedelta(seconds=1)) is None
    assert newer_in_force(old, TAKES_EFFECT) == update
    assert newer_in_force(update, TAKES_EFFECT) is None
    # Before it takes effect, a call on the update (started with version=) names none.
    assert newer_in_force(update, TAKES_EFFECT - dt.timedelta(days=1)) is None
    assert newer_in_force(attrs.evolve(old, sop_id="not-in-the-catalogue")) is None
