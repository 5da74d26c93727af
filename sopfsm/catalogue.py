"""The bundled SOPs by id: the names call software and QA depend on.

Each SOP module is imported the first time its SOP is asked for, so ``import sopfsm``
does not pay for building machine classes it may not use. The front door ``triage``
composes the others, so asking for it loads them all.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence

from sopfsm.errors import InvalidVersion, NoVersionInForce, SopFolderError, UnknownSop
from sopfsm.model import SopSpec, spec_of
from sopfsm.versions import described, effective_moment, in_force, out_of_order, version_date

FRONT_DOOR = "triage"  # where a call starts when no SOP is named

# The front door, then the clause SOPs in the document's clause order:
# id -> (module in sopfsm.sops, class).
_CLASSES: dict[str, tuple[str, str]] = {
    FRONT_DOOR: ("triage", "Triage"),
    "niaga-overdue": ("niaga_overdue", "NiagaOverdue"),
    "ps-welding": ("ps_welding", "PsWelding"),
    "ps-other": ("ps_other", "PsOther"),
    "ps-bereavement": ("ps_bereavement", "PsBereavement"),
    "unit-request": ("unit_request", "UnitRequest"),
    "turun-daya": ("turun_daya", "TurunDaya"),
    "lebih-tagih": ("lebih_tagih", "LebihTagih"),
    "gangguan-persil": ("gangguan_persil", "GangguanPersil"),
}
_loaded: dict[str, SopSpec] = {}


# Versions added to the bundled ones (from a folder of SOP files, or declared in Python):
# id -> version -> (SOP, where it came from). A version of a bundled SOP overrides it.
_added: dict[str, dict[str, tuple[SopSpec, str]]] = {}
BUNDLED = "bundled"
_generation = [0]  # counts changes to the added versions, for caches of what is in force


def catalogue_generation() -> int:
    """A number that changes whenever versions are added or forgotten."""
    return _generation[0]


def sop_ids() -> tuple[str, ...]:
    """The ids of the bundled SOPs: the front door, then the clauses in the document's order."""
    return tuple(_CLASSES)


def get_sop(sop_id: str) -> SopSpec:
    """The bundled SOP ``sop_id``, or :class:`UnknownSop` naming the known ones.

    Only the catalogue: an id that arrives in data (a recorded or saved call, a request)
    is never a file path, whatever it holds. An operator's own argument that may name a
    SOP file goes through :func:`sopfsm.formats.load.sop_from_argument`.
    """
    if not isinstance(sop_id, str):  # a list or None from outside input is unknown too
        raise UnknownSop(sop_id, sop_ids())
    if sop_id in _added:  # versions were added: the one in force now
        return sop_in_force(sop_id)
    spec = _loaded.get(sop_id)
    if spec is None:
        try:
            module, name = _CLASSES[sop_id]
        except KeyError:
            raise UnknownSop(sop_id, sop_ids()) from None
        machine = getattr(importlib.import_module(f"sopfsm.sops.{module}"), name)
        spec = _loaded[sop_id] = spec_of(machine)
        if spec.sop_id != sop_id:  # pragma: no cover - a catalogue entry that lies
            raise UnknownSop(sop_id, sop_ids())
    return spec


def all_sops() -> tuple[SopSpec, ...]:
    """Every bundled SOP: the front door, then the clauses in order."""
    return tuple(get_sop(sop_id) for sop_id in _CLASSES)


# ------------------------------------------------------------------------------ versions


def _versions(sop_id: str) -> dict[str, tuple[SopSpec, str]]:
    """Every version of ``sop_id``: the bundled one, overridden or joined by added ones."""
    found: dict[str, tuple[SopSpec, str]] = {}
    if sop_id in _CLASSES:
        bundled = _bundled(sop_id)
        found[bundled.version] = (bundled, BUNDLED)
    found.update(_added.get(sop_id, {}))
    if not found:
        raise UnknownSop(sop_id, all_sop_ids())
    return found


def _bundled(sop_id: str) -> SopSpec:
    spec = _loaded.get(sop_id)
    if spec is None:
        module, name = _CLASSES[sop_id]
        machine = getattr(importlib.import_module(f"sopfsm.sops.{module}"), name)
        spec = _loaded[sop_id] = spec_of(machine)
    return spec


def all_sop_ids() -> tuple[str, ...]:
    """The bundled SOP ids, then those only added versions have."""
    return (*_CLASSES, *(i for i in _added if i not in _CLASSES))


def sops_in_force(at: dt.datetime | None = None) -> tuple[SopSpec, ...]:
    """The version in force at ``at`` (now) of every SOP that has one: the bundled SOPs,
    then those only added versions have, as a service lists them."""
    found = []
    for sop_id in all_sop_ids():
        try:
            found.append(sop_in_force(sop_id, at))
        except NoVersionInForce:  # an added SOP whose first version is yet to come
            continue
    return tuple(found)


def sop_versions(sop_id: str) -> tuple[SopSpec, ...]:
    """Every version of SOP ``sop_id``, oldest first; :class:`UnknownSop` if it has none."""
    return tuple(spec for spec, _ in sorted(_versions(sop_id).values(), key=lambda v: v[0].version))


def version_origin(sop: SopSpec) -> str:
    """Where ``sop``'s version came from: ``bundled``, or the file or class that added it."""
    entry = _versions(sop.sop_id).get(sop.version)
    return entry[1] if entry is not None else "(not in the catalogue)"


def sop_version(sop_id: str, version: str) -> SopSpec:
    """Version ``version`` of SOP ``sop_id``; :class:`NoVersionInForce` naming the
    versions there are, :class:`InvalidVersion` when ``version`` is not a date."""
    version_date(version)
    versions = _versions(sop_id)
    if version not in versions:
        known = [described(spec) for spec in sop_versions(sop_id)]
        raise NoVersionInForce(sop_id, known, version=version)
    return versions[version][0]


def sop_in_force(sop_id: str, at: dt.datetime | None = None) -> SopSpec:
    """The version of ``sop_id`` in force at ``at`` (now when None): the latest whose
    effective moment has come; :class:`NoVersionInForce` before the first."""
    moment = at if at is not None else dt.datetime.now(dt.UTC)
    found = in_force(sop_versions(sop_id), moment)
    if found is None:
        known = [described(spec) for spec in sop_versions(sop_id)]
        raise NoVersionInForce(sop_id, known, at=moment.isoformat())
    return found


def newer_in_force(sop: SopSpec, at: dt.datetime | None = None) -> SopSpec | None:
    """The version of ``sop``'s id in force at ``at`` (now when None) when it is a later
    one than ``sop``'s: what a call pinned to ``sop`` would start under today. None when
    ``sop``'s version is still in force, or its id is not in the catalogue."""
    if sop.sop_id not in _added:  # the bundled version alone, or not in the catalogue
        return None
    try:
        current = sop_in_force(sop.sop_id, at)
    except NoVersionInForce:
        return None
    if current.version == sop.version or effective_moment(current) <= effective_moment(sop):
        return None
    return current


def find_sop(sop_id: str, *, version: str | None = None, at: dt.datetime | None = None) -> SopSpec:
    """SOP ``sop_id`` at ``version``, or else the version in force at ``at`` (now)."""
    if version is not None:
        return sop_version(sop_id, version)
    return sop_in_force(sop_id, at)


def add_versions(entries: Sequence[tuple[SopSpec, str]], *, folder: str = "") -> None:
    """Add SOP versions to the catalogue, each with where it comes from (a file, a class).

    A version with a bundled SOP's id and version overrides it. Refused as a whole, with
    :class:`SopFolderError` naming the files and changing nothing: a version that is not
    a date, two entries claiming one id and version, and a version that takes effect no
    later than the version before it, which it replaces.
    """
    problems: list[str] = []
    staged: dict[str, dict[str, tuple[SopSpec, str]]] = {k: dict(v) for k, v in _added.items()}
    claimed: dict[tuple[str, str], str] = {
        (sop_id, version): origin
        for sop_id, versions in _added.items()
        for version, (_, origin) in versions.items()
    }
    for spec, origin in entries:
        try:
            version_date(spec.version)
            effective_moment(spec)
        except InvalidVersion as error:
            problems.append(f"{origin}: SOP {spec.sop_id!r}: {error}")
            continue
        key = (spec.sop_id, spec.version)
        if key in claimed:
            problems.append(
                f"{claimed[key]} and {origin} both claim SOP {spec.sop_id!r} version "
                f"{spec.version}; one id and version is one file"
            )
            continue
        claimed[key] = origin
        staged.setdefault(spec.sop_id, {})[spec.version] = (spec, origin)
    for sop_id, versions in staged.items():
        every = {
            **(
                {_bundled(sop_id).version: (_bundled(sop_id), BUNDLED)}
                if sop_id in _CLASSES
                else {}
            ),
            **versions,
        }
        origins = {spec.version: origin for spec, origin in every.values()}
        for before, after in out_of_order(spec for spec, _ in every.values()):
            problems.append(
                f"{origins[after.version]}: SOP {sop_id!r} version {after.version} takes "
                f"effect {effective_moment(after).isoformat()}, not after version "
                f"{before.version} ({origins[before.version]}), which it replaces, from "
                f"{effective_moment(before).isoformat()}"
            )
    if problems:
        raise SopFolderError(folder or "(versions)", problems, [origin for _, origin in entries])
    _added.clear()
    _added.update(staged)
    _generation[0] += 1


def added_versions() -> tuple[tuple[SopSpec, str], ...]:
    """Every added version with where it came from (a file, for a SOP folder's)."""
    return tuple(entry for versions in _added.values() for entry in versions.values())


def clear_added_versions() -> None:
    """Forget every added version: the catalogue is the bundled SOPs again."""
    _added.clear()
    _generation[0] += 1
