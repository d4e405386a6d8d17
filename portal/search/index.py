"""Keeping the search index (``search_entry``) up to date: after every flush, each unit, criterion,
evidence, nomination and comment that was added, changed or deleted gets its entry written again
(or removed). :func:`rebuild` fills the index from the tables (the migration and the benchmark)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, orm

from portal.models import Comment, Criterion, Evidence, Nomination, NominationState, Registration, ScoreLine, \
    SearchEntry, Unit
from portal.search.text import normalise

# A nomination the council may see (portal.nominations.services.COUNCIL_VISIBLE, one layer up).
COUNCIL_STATES = {NominationState.FORWARDED.value, NominationState.APPROVED.value, NominationState.REJECTED.value,
                  NominationState.AWARDED.value}
COMMENT_SUBJECTS = {"score_line": ScoreLine.__table__, "registration": Registration.__table__,
                    "nomination": Nomination.__table__}
KINDS = {Unit: "unit", Criterion: "criterion", Evidence: "evidence", Nomination: "nomination", Comment: "comment"}


def _body(*parts: str | None) -> str:
    # The leading space lets a query match at the start of a word: " bien hoa" is found by LIKE '% bien%'.
    return " " + " ".join(filter(None, (normalise(part) for part in parts)))


def unit_entry(row) -> dict:
    return {"kind": "unit", "object_id": row.id, "unit_id": row.id, "campaign_id": None, "council_visible": True,
            "body": _body(row.code, row.name, row.short_name)}


def criterion_entry(row) -> dict:
    return {"kind": "criterion", "object_id": row.id, "unit_id": None, "campaign_id": row.campaign_id,
            "council_visible": True, "body": _body(row.code, row.title)}


def evidence_entry(row) -> dict:
    return {"kind": "evidence", "object_id": row.id, "unit_id": row.unit_id, "campaign_id": row.campaign_id,
            "council_visible": False, "body": _body(row.doc_number, row.title, row.original_name, row.doc_issuer)}


def nomination_entry(row, unit_name: str) -> dict:
    state = row.state.value if hasattr(row.state, "value") else row.state
    return {"kind": "nomination", "object_id": row.id, "unit_id": row.unit_id, "campaign_id": row.campaign_id,
            "council_visible": state in COUNCIL_STATES,
            "body": _body(row.nominee_name or unit_name, row.nominee_position)}


def comment_entry(row, campaign_id: int | None) -> dict:
    return {"kind": "comment", "object_id": row.id, "unit_id": row.unit_id, "campaign_id": campaign_id,
            "council_visible": False, "body": _body(row.body)}


def _unit_name(connection, unit_id: int) -> str:
    return connection.execute(sa.select(Unit.__table__.c.name).where(Unit.__table__.c.id == unit_id)).scalar() or ""


def _comment_campaign(connection, subject_type: str, subject_id: int) -> int | None:
    table = COMMENT_SUBJECTS.get(subject_type)
    if table is None:
        return None
    return connection.execute(sa.select(table.c.campaign_id).where(table.c.id == subject_id)).scalar()


def entry_for(connection, obj) -> dict:
    if isinstance(obj, Unit):
        return unit_entry(obj)
    if isinstance(obj, Criterion):
        return criterion_entry(obj)
    if isinstance(obj, Evidence):
        return evidence_entry(obj)
    if isinstance(obj, Nomination):
        return nomination_entry(obj, _unit_name(connection, obj.unit_id))
    return comment_entry(obj, _comment_campaign(connection, obj.subject_type, obj.subject_id))


def _follow_flush(session, _flush_context) -> None:
    """Write the entries of what this flush changed, in the same transaction."""
    changed = [obj for obj in (*session.new, *session.dirty) if type(obj) in KINDS]
    deleted = [obj for obj in session.deleted if type(obj) in KINDS]
    if not changed and not deleted:
        return
    connection = session.connection()
    table = SearchEntry.__table__
    for obj in changed + deleted:
        connection.execute(table.delete().where(table.c.kind == KINDS[type(obj)], table.c.object_id == obj.id))
    rows = [entry_for(connection, obj) for obj in changed if obj not in session.deleted]
    rows += _renamed_units_nominations(connection, [obj for obj in changed if isinstance(obj, Unit)],
                                       {obj.id for obj in changed if isinstance(obj, Nomination)})
    if rows:
        connection.execute(table.insert(), rows)


def _renamed_units_nominations(connection, units: list, already: set[int]) -> list[dict]:
    """A unit's nominations of itself are found by the unit's name: a renamed unit's are written again."""
    table, rows = Nomination.__table__, []
    for unit in units:
        for row in connection.execute(sa.select(table).where(table.c.unit_id == unit.id, table.c.nominee_name == "")):
            if row.id not in already:
                connection.execute(SearchEntry.__table__.delete().where(
                    SearchEntry.kind == "nomination", SearchEntry.object_id == row.id))
                rows.append(nomination_entry(row, unit.name))
    return rows


def init_search_index() -> None:
    if not event.contains(orm.Session, "after_flush", _follow_flush):
        event.listen(orm.Session, "after_flush", _follow_flush)


def rebuild(connection, batch: int = 5000) -> int:
    """Fill the index from the tables, replacing what it held; returns the number of entries."""
    table = SearchEntry.__table__
    connection.execute(table.delete())
    units = {row.id: row.name for row in connection.execute(sa.select(Unit.__table__))}
    count = 0

    def write(rows):
        nonlocal count
        for start in range(0, len(rows), batch):
            connection.execute(table.insert(), rows[start:start + batch])
        count += len(rows)

    write([unit_entry(row) for row in connection.execute(sa.select(Unit.__table__))])
    write([criterion_entry(row) for row in connection.execute(sa.select(Criterion.__table__))])
    write([evidence_entry(row) for row in connection.execute(sa.select(Evidence.__table__))])
    write([nomination_entry(row, units.get(row.unit_id, "")) for row in connection.execute(sa.select(Nomination.__table__))])
    campaigns = {(kind, row.id): row.campaign_id for kind, subject in COMMENT_SUBJECTS.items()
                 for row in connection.execute(sa.select(subject.c.id, subject.c.campaign_id))}
    write([comment_entry(row, campaigns.get((row.subject_type, row.subject_id)))
           for row in connection.execute(sa.select(Comment.__table__))])
    return count
