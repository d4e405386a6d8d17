"""The audit trail: every state change and decision, append-only and hash-chained.

Each event's hash covers its content and the previous event's hash, so editing, deleting or
inserting an event breaks the chain at that point; :func:`verify_chain` finds the first break.
Appends are serialised by updating the "audit" counter row first (a row lock on PostgreSQL, the
write lock on SQLite), so two workers never chain onto the same predecessor.
"""
from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, Counter, utcnow

GENESIS = "0" * 64
CHAIN = "audit"
# The client address of the request being served ("cli" for commands); set by a before_request hook.
current_address: ContextVar[str] = ContextVar("current_address", default="cli")


def _plain(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if hasattr(value, "value") and hasattr(value, "name"):  # an enum
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def content_hash(event: AuditEvent) -> str:
    payload = {
        "prev": event.prev_hash, "at": _plain(event.at), "actor": event.actor_id, "actor_name": event.actor_name,
        "address": event.address, "action": event.action, "subject": [event.subject_type, event.subject_id],
        "unit": event.unit_id, "from": event.from_state, "to": event.to_state,
        "before": event.before, "after": event.after,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Insert-or-increment in one statement: the first two appends ever never collide on the key.
_LOCK_CHAIN = sa.text("INSERT INTO counter (name, value, last_hash) VALUES (:name, 1, :genesis) "
                      "ON CONFLICT (name) DO UPDATE SET value = counter.value + 1")


def append(action: str, subject_type: str, subject_id: int | None, actor=None, *, unit_id: int | None = None,
           from_state: str | None = None, to_state: str | None = None, before: dict | None = None,
           after: dict | None = None, at: datetime | None = None) -> AuditEvent:
    """Add an event at the end of the chain, inside the caller's transaction."""
    with db.session.no_autoflush:  # a stale row pending in the session surfaces at the caller's flush
        db.session.execute(_LOCK_CHAIN, {"name": CHAIN, "genesis": GENESIS})  # the lock that orders appends
        head = db.session.execute(sa.select(Counter.last_hash).where(Counter.name == CHAIN)).scalar_one()
    event = AuditEvent(
        at=at or utcnow(),
        actor_id=getattr(actor, "id", None), actor_name=getattr(actor, "full_name", "") or "",
        address=current_address.get(), action=action, subject_type=subject_type, subject_id=subject_id,
        unit_id=unit_id, from_state=from_state, to_state=to_state,
        before=_plain(before or {}), after=_plain(after or {}), prev_hash=head or GENESIS,
    )
    event.hash = content_hash(event)
    with db.session.no_autoflush:
        db.session.execute(sa.update(Counter).where(Counter.name == CHAIN).values(last_hash=event.hash))
    db.session.add(event)
    return event


@dataclass
class Verification:
    checked: int
    broken_id: int | None = None
    reason: str = ""
    first_id: int | None = None  # the range of events verified
    last_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(batch: int = 2000) -> Verification:
    """Walk the chain in order; report the first event whose link or content does not match.

    The events and the chain head are read in one read-only snapshot: events appended meanwhile by
    the running portal are simply not part of this verification (never a false alarm).
    """
    from portal.db_setup import read_snapshot

    table = AuditEvent.__table__
    previous = GENESIS
    checked = 0
    first_id = last_id = None
    with read_snapshot() as connection:
        head = connection.execute(sa.select(Counter.last_hash).where(Counter.name == CHAIN)).scalar()
        while True:
            # Plain rows, not ORM objects: nothing piles up in memory.
            events = connection.execute(
                sa.select(table).where(table.c.id > (last_id or 0)).order_by(table.c.id).limit(batch)).all()
            if not events:
                break
            for event in events:
                if event.prev_hash != previous:
                    return Verification(checked, event.id, "link", first_id, last_id)
                if content_hash(event) != event.hash:
                    return Verification(checked, event.id, "content", first_id, last_id)
                previous = event.hash
                checked += 1
                first_id = first_id or event.id
                last_id = event.id
    if head is not None and head != previous:  # the newest events were removed
        return Verification(checked, (last_id or 0) + 1, "head", first_id, last_id)
    return Verification(checked, first_id=first_id, last_id=last_id)
