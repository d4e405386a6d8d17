"""Units and clusters, administered in the browser: create, rename, move between clusters, end a
unit (with its last day and, optionally, the unit that takes over), order the clusters.

Every change is audited and moves the scoreboard's counter on (names, clusters and the "ended" mark
are in its cached tables).  A stale ``version`` is a :class:`Conflict`.  Refusals name the field
they belong beside and change nothing (the caller's ``perform`` rolls back).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal import clock, live
from portal.access import Action, ensure
from portal.audit.services import append
from portal.extensions import db
from portal.formatting import fmt_date
from portal.models import Campaign, CampaignState, Cluster, Role, Unit, UnitKind
from portal.workflow import Conflict, WorkflowError

# Codes are keys in the import files too: capital letters, digits and hyphens (BH, BTC-TU, CUM-1).
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9-]{0,31}")


@dataclass
class UnitValues:
    name: str
    short_name: str
    cluster_id: int | None


@dataclass
class NewUnit(UnitValues):
    code: str
    kind: UnitKind
    valid_from: date


@dataclass
class ClusterValues:
    name: str
    description: str


def _refuse(message: str, field: str | None = None, status: int = 422) -> WorkflowError:
    return WorkflowError(message, status=status, field=field)


def _check_version(obj, version: int | None) -> None:
    if version is None or version != obj.version:
        raise Conflict()


def _audit(action: str, subject: str, obj, admin, before: dict | None = None, after: dict | None = None) -> None:
    db.session.flush()
    append(action, subject, obj.id, admin, unit_id=obj.id if subject == "unit" else None, before=before, after=after)
    live.bump(live.SCOREBOARD)  # names, clusters and the ended mark are in the cached tables


def normalise_code(raw: str | None) -> str:
    """The code as stored (trimmed, capitals), or a refusal beside the code field."""
    code = (raw or "").strip().upper()
    if not code:
        raise _refuse(_("Enter a code."), "code")
    if not CODE_PATTERN.fullmatch(code):
        raise _refuse(_("A code has at most 32 characters: capital letters without accents, digits and hyphens "
                        "(for example BH or CUM-1)."), "code")
    return code


def _required(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise _refuse(_("This field is required."), field)
    if len(text) > limit:
        raise _refuse(_("At most %(n)s characters.", n=limit), field)
    return text


def _cluster_or_refuse(cluster_id: int | None, kind: UnitKind) -> Cluster | None:
    if cluster_id is None:
        return None
    cluster = db.session.get(Cluster, cluster_id)
    if cluster is None:
        raise _refuse(_("Choose a cluster from the list."), "cluster_id")
    if kind is UnitKind.PROVINCIAL_BOARD:
        raise _refuse(_("The provincial board runs the campaign and is not ranked in a cluster."), "cluster_id")
    return cluster


# --- units --------------------------------------------------------------------------------------

def create_unit(values: NewUnit, admin) -> Unit:
    ensure(admin, Action.ADMINISTER)
    code = normalise_code(values.code)
    if db.session.execute(db.select(Unit.id).where(Unit.code == code)).first():
        raise _refuse(_("The code %(code)s is used by another unit.", code=code), "code")
    unit = Unit(code=code, name=_required(values.name, "name", 200),
                short_name=_required(values.short_name, "short_name", 100), kind=values.kind,
                cluster=_cluster_or_refuse(values.cluster_id, values.kind), valid_from=values.valid_from)
    db.session.add(unit)
    _audit("unit_created", "unit", unit, admin, after=_unit_facts(unit))
    return unit


def update_unit(unit: Unit, values: UnitValues, version: int | None, admin) -> Unit:
    """Rename the unit and/or move it to another cluster (or out of the ranking: no cluster)."""
    ensure(admin, Action.ADMINISTER)
    _check_version(unit, version)
    before = _unit_facts(unit)
    unit.name = _required(values.name, "name", 200)
    unit.short_name = _required(values.short_name, "short_name", 100)
    unit.cluster = _cluster_or_refuse(values.cluster_id, unit.kind)
    after = _unit_facts(unit)
    changed = {key for key in after if after[key] != before[key]}
    if changed:
        action = "unit_moved" if changed == {"cluster"} else "unit_edited"
        _audit(action, "unit", unit, admin, before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return unit


def _unit_facts(unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind.value,
            "cluster": unit.cluster.code if unit.cluster else None,
            "valid_from": unit.valid_from.isoformat(), "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
            "successor": unit.successor.code if unit.successor else None}


def last_closed_year() -> int | None:
    return db.session.execute(db.select(db.func.max(Campaign.year))
                              .where(Campaign.state == CampaignState.CLOSED)).scalar()


def first_open_year() -> int | None:
    """The earliest campaign year that is not closed (where an end can still be recorded)."""
    return db.session.execute(db.select(db.func.min(Campaign.year))
                              .where(Campaign.state != CampaignState.CLOSED)).scalar()


def end_unit(unit: Unit, last_day: date | None, successor_id: int | None, version: int | None, admin,
             today: date | None = None) -> Unit:
    """End ``unit`` after ``last_day`` (its last working day); ``successor_id`` names the unit that
    takes over its work, which may then read its record.  The record itself stays whole."""
    ensure(admin, Action.ADMINISTER)
    _check_version(unit, version)
    today = today or clock.today()
    if unit.valid_to is not None:
        raise _refuse(_("This unit already ended on %(day)s; it cannot be ended twice.", day=fmt_date(unit.valid_to)),
                      status=409)
    if last_day is None:
        raise _refuse(_("Enter the unit's last working day."), "valid_to")
    if last_day < unit.valid_from:
        raise _refuse(_("The last day cannot be before the unit started (%(day)s).", day=fmt_date(unit.valid_from)),
                      "valid_to")
    if last_day > today:
        raise _refuse(_("The last day cannot be in the future: end the unit once its work has stopped."), "valid_to")
    closed = last_closed_year()
    if closed is not None and last_day.year <= closed:
        raise _refuse(_("The campaign %(year)d is closed and its results are final; the last day must be in a "
                        "later year.", year=closed), "valid_to")
    first = first_open_year()
    if first is not None and last_day.year < first:
        raise _refuse(_("The last day cannot be before %(year)d, the year of the earliest campaign still running: "
                        "a unit ends during a campaign year, and earlier years are not ranked again.", year=first),
                      "valid_to")
    successor = _successor_or_refuse(unit, successor_id, today)
    before = _unit_facts(unit)
    unit.valid_to = last_day
    unit.successor = successor
    after = _unit_facts(unit)
    _audit("unit_ended", "unit", unit, admin, before={k: before[k] for k in ("valid_to", "successor")},
           after={k: after[k] for k in ("valid_to", "successor")})
    return unit


def _successor_or_refuse(unit: Unit, successor_id: int | None, today: date) -> Unit | None:
    if successor_id is None:
        return None
    successor = db.session.get(Unit, successor_id)
    if successor is None or successor.id == unit.id:
        raise _refuse(_("The successor must be another unit."), "successor_id")
    if successor.valid_to is not None:
        raise _refuse(_("%(name)s has ended itself; choose a unit that is still working.", name=successor.name),
                      "successor_id")
    seen, step = {unit.id}, successor
    while step is not None:  # an active unit has no successor, but old data might: never close a loop
        if step.id in seen:
            raise _refuse(_("This would make the units each other's successors."), "successor_id")
        seen.add(step.id)
        step = step.successor
    return successor


def successor_choices(unit: Unit) -> list[Unit]:
    """The units that can take over ``unit``'s work: every other unit still working."""
    return db.session.execute(db.select(Unit).where(Unit.valid_to.is_(None), Unit.id != unit.id)
                              .order_by(Unit.code)).scalars().all()


def predecessors(unit: Unit) -> list[Unit]:
    """The ended units whose work ``unit`` took over, directly or along a chain of successors."""
    found: list[Unit] = []
    frontier = [unit.id]
    seen = {unit.id}
    while frontier:
        rows = db.session.execute(db.select(Unit).where(Unit.successor_id.in_(frontier))
                                  .order_by(Unit.code)).scalars().all()
        frontier = []
        for row in rows:
            if row.id not in seen:
                seen.add(row.id)
                found.append(row)
                frontier.append(row.id)
    return found


def may_read_record(user, unit: Unit) -> bool:
    """Reviewers and administrators read every unit's record; an officer their own unit's and those
    of the units their unit succeeded."""
    if user.role in (Role.REVIEWER, Role.ADMIN):
        return True
    if user.role is not Role.UNIT_OFFICER or user.unit is None:
        return False
    return unit.id == user.unit_id or any(p.id == unit.id for p in predecessors(user.unit))


# --- clusters -----------------------------------------------------------------------------------

def clusters_in_order() -> list[Cluster]:
    return Cluster.in_order(db.session.execute(db.select(Cluster)).scalars().all())


def create_cluster(code: str | None, values: ClusterValues, admin) -> Cluster:
    ensure(admin, Action.ADMINISTER)
    code = normalise_code(code)
    if db.session.execute(db.select(Cluster.id).where(Cluster.code == code)).first():
        raise _refuse(_("The code %(code)s is used by another cluster.", code=code), "code")
    last = db.session.execute(db.select(db.func.max(Cluster.position))).scalar()
    cluster = Cluster(code=code, name=_required(values.name, "name", 200),
                      description=_optional(values.description, "description", 2000),
                      position=(last or 0) + 1)
    db.session.add(cluster)
    _audit("cluster_created", "cluster", cluster, admin, after={"code": code, "name": cluster.name})
    return cluster


def _optional(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise _refuse(_("At most %(n)s characters.", n=limit), field)
    return text


def update_cluster(cluster: Cluster, values: ClusterValues, version: int | None, admin) -> Cluster:
    ensure(admin, Action.ADMINISTER)
    _check_version(cluster, version)
    before = {"name": cluster.name, "description": cluster.description}
    cluster.name = _required(values.name, "name", 200)
    cluster.description = _optional(values.description, "description", 2000)
    after = {"name": cluster.name, "description": cluster.description}
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        _audit("cluster_edited", "cluster", cluster, admin, before={k: before[k] for k in changed},
               after={k: after[k] for k in changed})
    return cluster


def move_cluster(cluster: Cluster, direction: str, version: int | None, admin) -> Cluster:
    """One place up or down in the clusters' order (positions are renumbered 1…n on the way)."""
    ensure(admin, Action.ADMINISTER)
    if direction not in ("up", "down"):
        raise _refuse(_("Choose up or down."))
    _check_version(cluster, version)
    order = clusters_in_order()
    index = order.index(cluster)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        raise _refuse(_("The cluster is already at that end of the list."), status=409)
    before = [c.code for c in order]
    order[index], order[other] = order[other], order[index]
    for position, row in enumerate(order, start=1):
        if row.position != position:
            row.position = position
    _audit("cluster_reordered", "cluster", cluster, admin, before={"order": before},
           after={"order": [c.code for c in order]})
    return cluster


def add_member(cluster: Cluster, unit: Unit | None, admin) -> Unit:
    """Put ``unit`` in ``cluster`` (out of the one it was in).  Adding twice is refused, so two
    administrators adding the same unit meet a clear message rather than a silent repeat."""
    ensure(admin, Action.ADMINISTER)
    if unit is None:
        raise _refuse(_("Choose a unit from the list."), "unit_id")
    if unit.cluster_id == cluster.id:
        raise _refuse(_("%(name)s is already in this cluster.", name=unit.name), "unit_id", status=409)
    _cluster_or_refuse(cluster.id, unit.kind)
    before = unit.cluster.code if unit.cluster else None
    unit.cluster = cluster
    _audit("unit_moved", "unit", unit, admin, before={"cluster": before}, after={"cluster": cluster.code})
    return unit


def remove_member(cluster: Cluster, unit: Unit, version: int | None, admin) -> Unit:
    """Take ``unit`` out of ``cluster``: it is then in no cluster and not ranked."""
    ensure(admin, Action.ADMINISTER)
    _check_version(unit, version)
    if unit.cluster_id != cluster.id:
        raise _refuse(_("%(name)s is not in this cluster.", name=unit.name), status=409)
    unit.cluster = None
    _audit("unit_moved", "unit", unit, admin, before={"cluster": cluster.code}, after={"cluster": None})
    return unit
