"""In-portal notifications for unit officers: their items approved, adjusted, returned, commented."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.formatting import fmt_date, fmt_points
from portal import workflow
from portal.models import Notification, Role, ScoreLine, User, utcnow

LIST_LIMIT = 100


def notify_unit(unit_id: int, kind: str, subject_type: str, subject_id: int, data: dict) -> None:
    """One notification for each active officer of the unit."""
    officers = db.session.execute(db.select(User.id).where(
        User.unit_id == unit_id, User.role == Role.UNIT_OFFICER, User.active.is_(True))).scalars().all()
    plain = {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in data.items()}
    for user_id in officers:
        db.session.add(Notification(user_id=user_id, kind=kind, subject_type=subject_type,
                                    subject_id=subject_id, data=plain))


def notify_about(obj, kind: str, data: dict) -> None:
    """Notify the officers of the unit an item belongs to (a score line names its criterion)."""
    if isinstance(obj, ScoreLine):
        data = dict(data, code=obj.criterion.code)
    notify_unit(obj.unit_id, kind, workflow.subject_type(obj), obj.id, data)


def notify_level(level, obj, kind: str) -> None:
    """Tell the people of a review level that an item or a scorecard has reached it (a configured
    level only: at the single implicit level the queue itself is the news)."""
    if level.member_ids is None:
        return
    from portal.models import Unit

    unit = db.session.get(Unit, obj.unit_id)
    data = {"level": level.name, "unit": unit.short_name}
    if isinstance(obj, ScoreLine):
        data["code"] = obj.criterion.code
    for user_id in sorted(level.member_ids):
        db.session.add(Notification(user_id=user_id, kind=kind, subject_type=workflow.subject_type(obj),
                                    subject_id=obj.id, data=data))


def unread_count(user: User) -> int:
    return db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user: User) -> list[Notification]:
    return db.session.execute(db.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .limit(LIST_LIMIT)).scalars().all()


def mark_all_read(user: User) -> int:
    return db.session.execute(db.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())).rowcount


# What a unit still lacks for an item, as a deadline reminder says it (keys stored in the reminder).
NEED_TEXTS = {
    "pledge": _l("no target registered"),
    "self_score": _l("not self-scored"),
    "explanation": _l("no explanation"),
    "submit": _l("scored but not submitted"),
    "evidence": _l("required evidence missing"),
}


def reminder_headline(data: dict) -> str:
    """"Registration deadline 15/12/2026: still missing" — the first line of a deadline reminder."""
    day = fmt_date(date.fromisoformat(data["deadline"]))
    if data.get("deadline_kind") == "registration":
        return _("Pledge registration deadline %(day)s — still missing:", day=day)
    return _("Reporting deadline %(day)s — still missing:", day=day)


def reminder_lines(data: dict) -> list[str]:
    """One line per thing missing: the registration itself, then each criterion (code, title, what)."""
    lines = [_("the pledge registration has not been submitted")] if data.get("registration") else []
    for item in data.get("items", []):
        needs = ", ".join(str(NEED_TEXTS[need]) for need in item["needs"])
        lines.append(f"{item['code']} {item['title']}: {needs}")
    return lines


def digest_line(item: dict) -> str:
    """One waiting item of a reviewer's digest."""
    what = (f"{item['code']} {item['title']}" if item.get("code")
            else _("Pledge registration") if item["kind"] == "registration"
            else _("Unit's scorecard waiting for sign-off") if item["kind"] == "scorecard" else _("Award nomination"))
    if item.get("level"):  # a review chain of several levels: the level it waits at
        what = _("%(what)s (at the level “%(level)s”)", what=what, level=item["level"])
    return _("%(unit)s — %(what)s — submitted %(day)s, waiting %(days)d days",
             unit=item["unit"], what=what, day=fmt_date(date.fromisoformat(item["submitted"])), days=item["days"])


def parts(notification: Notification) -> tuple[str, list[str]]:
    """The sentence and, for a reminder or a digest, its list (what is missing, what is waiting)."""
    data = notification.data or {}
    if notification.kind == "reminder":
        return reminder_headline(data), reminder_lines(data)
    if notification.kind == "review_digest":
        return message(notification), [digest_line(item) for item in data.get("items", [])]
    return message(notification), []


def message(notification: Notification) -> str:
    """The notification's sentence in the reader's language."""
    from portal.formatting import fmt_points

    data = dict(notification.data or {})
    for key in ("score", "self_score"):
        if data.get(key) is not None:
            data[key] = fmt_points(Decimal(data[key]))
    what = (_("Criterion %(code)s", code=data["code"]) if data.get("code")
            else _("Your pledge registration"))
    texts = {
        "approved": lambda: _("%(what)s was approved: %(score)s points.", what=what, score=data.get("score")),
        "adjusted": lambda: _("%(what)s was approved with %(score)s points instead of %(claimed)s: %(reason)s",
                              what=what, score=data.get("score"), claimed=data.get("self_score"),
                              reason=data.get("reason")),
        "returned": lambda: _("%(what)s was returned for changes: %(comment)s", what=what, comment=data.get("comment")),
        "accepted": lambda: _("%(what)s was accepted.", what=what),
        "forwarded": lambda: _("Your nomination for %(award)s was forwarded to the council.", award=data.get("award")),
        "commented": lambda: _("New comment on %(what)s: %(comment)s", what=what, comment=data.get("comment")),
        "reminder": lambda: f"{reminder_headline(data)} {'; '.join(reminder_lines(data))}.",
        "review_digest": lambda: _("%(n)d items have been waiting longer than %(days)d days for review.",
                                   n=len(data.get("items", [])), days=data.get("overdue_days", 0)),
        "criterion_changed": lambda: _criterion_changed(data),
        "reached_level": lambda: _("%(what)s of %(unit)s is waiting for your review at the level “%(level)s”.",
                                   what=what if data.get("code") else _("The pledge registration"),
                                   unit=data.get("unit"), level=data.get("level")),
        "scorecard_arrived": lambda: _("The scorecard of %(unit)s is waiting for sign-off at the level “%(level)s”.",
                                       unit=data.get("unit"), level=data.get("level")),
        "scorecard_passed": lambda: _("Your scorecard was signed off at the level “%(level)s” and goes on to "
                                      "“%(next)s”.", level=data.get("level"), next=data.get("next")),
        "scorecard_approved": lambda: _("Your scorecard was signed off at the level “%(level)s”: its approved scores "
                                        "now count in the official total.", level=data.get("level")),
        "sent_back": lambda: _("%(what)s was sent back to your level “%(level)s”: %(comment)s",
                               what=what if data.get("code") else _("The pledge registration"),
                               level=data.get("level"), comment=data.get("comment")),
    }
    return texts.get(notification.kind, lambda: notification.kind)()


def _criterion_changed(data: dict) -> str:
    """An administrator added or changed a criterion the unit works on: what changed, with the new values."""
    day = fmt_date(date.fromisoformat(data["deadline"])) if data.get("deadline") else ""
    if data.get("added"):
        return _("New criterion %(code)s: %(title)s (reporting deadline %(day)s).",
                 code=data.get("code"), title=data.get("title"), day=day)
    texts = {
        "deadline": lambda: _("the reporting deadline is now %(day)s", day=day),
        "max_points": lambda: _("the maximum is now %(points)s points", points=fmt_points(Decimal(data["max_points"]))),
        "evidence_required": lambda: (_("evidence is now required") if data.get("evidence_required")
                                      else _("evidence is no longer required")),
        "title": lambda: _("new title: %(title)s", title=data.get("title")),
        "guidance": lambda: _("the guidance was updated"),
        "code": lambda: _("new code"),
    }
    changes = "; ".join(texts[name]() for name in data.get("fields", []) if name in texts)
    return _("Criterion %(code)s was changed by an administrator: %(changes)s.",
             code=data.get("code"), changes=changes)
