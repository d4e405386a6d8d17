"""Deadline reminders for units and the reviewers' daily digest (``flask reminders send``).

Before each deadline of the current campaign — the pledge registration and the reporting deadline
of every item (its own or the campaign's) — each unit still missing something gets one reminder per
lead-day step (REMINDER_DAYS_BEFORE, e.g. 7, 3 and 1 days before) that says exactly what is missing:
an in-portal notification for each of its officers and, when mail is configured, an e-mail. Each
reminder is recorded first (a unique row), so a second run — or a run racing this one — sends
nothing again. Reviewers get one digest a day of the items waiting longer than REVIEW_OVERDUE_DAYS;
in a review chain of several levels, each person assigned to a level gets the items waiting at the
levels they act at.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from portal import clock
from portal.campaign.services import current_campaign
from portal.config import reminder_days
from portal.extensions import db
from portal.formatting import fmt_date
from portal.models import (
    Campaign,
    CampaignState,
    Commitment,
    Criterion,
    CriterionKind,
    Evidence,
    Notification,
    QueueItem,
    Registration,
    RegistrationState,
    Reminder,
    ReminderRun,
    ReviewDigest,
    Role,
    ScoreLine,
    ScoreState,
    Unit,
    User,
)
from portal.notifications.services import digest_line, reminder_headline, reminder_lines
from portal.reminders import mail
from portal import chain
from portal.review.queries import overdue_limit
from portal.workspace.services import LEAF_KINDS, needs_evidence

REGISTRATION, REPORTING = "registration", "reporting"


@dataclass
class Due:
    """A reminder to send: the unit, the deadline, the lead-day step and what is missing."""

    unit: Unit
    officers: list[User]
    deadline_kind: str
    deadline: date
    lead_days: int
    days_left: int
    missing: dict


@dataclass
class RunReport:
    campaign: Campaign | None = None
    reminders: int = 0
    digests: int = 0
    notifications: int = 0
    emails: int = 0
    mail_errors: int = 0
    already_sent: int = 0
    sent: list = field(default_factory=list)  # the Reminder and ReviewDigest rows this run sent


def lead_step(deadline: date, today: date, leads: tuple[int, ...]) -> int | None:
    """The lead-day step a deadline is in today: the smallest configured lead not below the days
    left (with 7, 3, 1: five days left is the 7-day step, the deadline day itself the 1-day step),
    or None when the deadline has passed or is further away than the largest lead. A run that was
    missed on the 7th day still sends the 7-day reminder on the 5th; a later step is a new reminder."""
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    fitting = [lead for lead in leads if lead >= days_left]
    return min(fitting) if fitting else None


def reminder_campaign() -> Campaign | None:
    """Only the current campaign, and only while units or reviewers work in it (open or scoring)."""
    campaign = current_campaign()
    if campaign is None or campaign.state not in (CampaignState.OPEN, CampaignState.SCORING):
        return None
    return campaign


def _units_with_officers(today: date) -> list[tuple[Unit, list[User]]]:
    """Units that have not ended (valid_to not before today) with their active officers."""
    officers = db.session.execute(
        db.select(User).join(Unit, Unit.id == User.unit_id)
        .where(User.role == Role.UNIT_OFFICER, User.active.is_(True),
               sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= today))
        .order_by(Unit.code, User.username)
    ).scalars().all()
    grouped: dict[int, tuple[Unit, list[User]]] = {}
    for officer in officers:
        grouped.setdefault(officer.unit_id, (officer.unit, []))[1].append(officer)
    return list(grouped.values())


def _item(criterion: Criterion, needs: list[str]) -> dict:
    return {"code": criterion.code, "title": criterion.title, "needs": needs}


def registration_missing(unit: Unit, campaign: Campaign, items: list[Criterion]) -> dict | None:
    """While the registration is a draft: that it is not submitted, and each item with no target."""
    registration = db.session.execute(db.select(Registration).where(
        Registration.campaign_id == campaign.id, Registration.unit_id == unit.id)).scalar_one_or_none()
    if registration is not None and registration.state is not RegistrationState.DRAFT:
        return None
    filled: set[int] = set()
    if registration is not None:
        filled = set(db.session.execute(db.select(Commitment.criterion_id).where(
            Commitment.registration_id == registration.id,
            sa.func.trim(Commitment.target_text) != "")).scalars())
    return {"registration": True,
            "items": [_item(c, ["pledge"]) for c in items if c.kind is CriterionKind.ITEM and c.id not in filled]}


def reporting_missing(unit: Unit, campaign: Campaign, leaves: list[Criterion]) -> list[dict]:
    """For the given items: each one whose line is still a draft and must be submitted — a scored
    item always, a bonus or deduction only once claimed — with what it lacks."""
    lines = {line.criterion_id: line for line in db.session.execute(db.select(ScoreLine).where(
        ScoreLine.campaign_id == campaign.id, ScoreLine.unit_id == unit.id)).scalars()}
    evidence = dict(db.session.execute(
        db.select(Evidence.criterion_id, sa.func.count(Evidence.id))
        .where(Evidence.campaign_id == campaign.id, Evidence.unit_id == unit.id)
        .group_by(Evidence.criterion_id)).all())
    missing = []
    for criterion in leaves:
        line = lines.get(criterion.id)
        if line is not None and line.state is not ScoreState.DRAFT:
            continue  # submitted, approved, or returned (returned lines follow the review's own time)
        score = line.self_score if line is not None else None
        if score is None and criterion.kind is not CriterionKind.ITEM:
            continue  # a bonus or deduction nobody claims is not missing
        needs = ["self_score"] if score is None else []
        if score and line is not None and not line.explanation.strip():
            needs.append("explanation")
        if needs_evidence(criterion, score) and not evidence.get(criterion.id):
            needs.append("evidence")
        if score is not None:
            needs.append("submit")
        missing.append(_item(criterion, needs))
    return missing


def due_reminders(campaign: Campaign, today: date, leads: tuple[int, ...]) -> list[Due]:
    """Every reminder that is due today, whether or not it was already sent. Only an open campaign:
    in scoring (and after) units can no longer change their registration or results."""
    if campaign.state is not CampaignState.OPEN:
        return []
    leaves = db.session.execute(db.select(Criterion).where(
        Criterion.campaign_id == campaign.id, Criterion.kind.in_(LEAF_KINDS)).order_by(Criterion.position)
    ).scalars().all()
    by_deadline: dict[date, list[Criterion]] = {}
    for criterion in leaves:
        by_deadline.setdefault(criterion.reporting_deadline(campaign), []).append(criterion)
    deadlines = [(REGISTRATION, campaign.registration_deadline)] + [(REPORTING, day) for day in sorted(by_deadline)]
    steps = [(kind, day, lead_step(day, today, leads)) for kind, day in deadlines]
    steps = [(kind, day, lead) for kind, day, lead in steps if lead is not None]
    if not steps:
        return []
    due = []
    for unit, officers in _units_with_officers(today):
        for kind, day, lead in steps:
            if kind == REGISTRATION:
                missing = registration_missing(unit, campaign, leaves)
            else:
                items = reporting_missing(unit, campaign, by_deadline[day])
                missing = {"registration": False, "items": items} if items else None
            if missing:
                due.append(Due(unit, officers, kind, day, lead, (day - today).days, missing))
    return due


def _claim(model, values: dict) -> int | None:
    """Insert the record unless its unique key is there already; the id when this call inserted it.
    Two runs racing: the second insert waits for the first transaction and then does nothing."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return db.session.execute(insert(model).values(**values).on_conflict_do_nothing().returning(model.id)).scalar()


def _notify(user_ids: list[int], kind: str, subject_type: str, subject_id: int, data: dict) -> int:
    for user_id in user_ids:
        db.session.add(Notification(user_id=user_id, kind=kind, subject_type=subject_type,
                                    subject_id=subject_id, data=data))
    return len(user_ids)


def _notification_data(due: Due) -> dict:
    return {"deadline_kind": due.deadline_kind, "deadline": due.deadline.isoformat(), **due.missing}


def send_unit_reminders(campaign: Campaign, today: date, report: RunReport) -> None:
    leads = reminder_days(current_app.config["REMINDER_DAYS_BEFORE"])
    for due in due_reminders(campaign, today, leads):
        recipients = [o.email for o in due.officers if o.email] if mail.configured() else []
        reminder_id = _claim(Reminder, {
            "campaign_id": campaign.id, "unit_id": due.unit.id, "deadline_kind": due.deadline_kind,
            "deadline": due.deadline, "lead_days": due.lead_days, "missing": due.missing,
            "recipients": recipients, "notified": len(due.officers), "mail_error": "", "sent_at": clock.now()})
        if reminder_id is None:
            db.session.rollback()  # sent before (or by a run racing this one): nothing again
            report.already_sent += 1
            continue
        report.notifications += _notify([o.id for o in due.officers], "reminder", "reminder", reminder_id,
                                        _notification_data(due))
        db.session.commit()  # recorded before any e-mail leaves: a failed send is never repeated
        report.reminders += 1
        reminder = db.session.get(Reminder, reminder_id)
        report.sent.append(reminder)
        _send(reminder, [_reminder_email(due, campaign, officer) for officer in due.officers
                         if officer.email in recipients], report)


def _reminder_email(due: Due, campaign: Campaign, officer: User) -> mail.Message:
    with force_locale(mail.language_of(officer)):
        data = _notification_data(due)
        what = _("pledge registration") if due.deadline_kind == REGISTRATION else _("reporting")
        subject = _("Reminder: %(what)s deadline %(day)s (%(days)d days left) — %(unit)s",
                    what=what, day=fmt_date(due.deadline), days=due.days_left, unit=due.unit.short_name)
        link = mail.portal_link("workspace.pledges" if due.deadline_kind == REGISTRATION else "workspace.scores")
        body = render_template("reminders/reminder_email.txt", officer=officer, unit=due.unit, campaign=campaign,
                               headline=reminder_headline(data), lines=reminder_lines(data), days_left=due.days_left,
                               link=link)
    return mail.Message(officer.email, subject, body)


def _send(record, messages: list, report: RunReport) -> None:
    """E-mail what was just recorded (only to the recorded recipients); a failure is recorded on it."""
    if not messages:
        return
    error = mail.send(messages)
    if error:
        record.mail_error = error[:2000]
        report.mail_errors += 1
        db.session.commit()
    else:
        report.emails += len(messages)


# --- the reviewers' digest ---------------------------------------------------------------------

def overdue_items(campaign: Campaign, now: datetime, days: int) -> list[dict]:
    """Items submitted and still waiting after ``days`` days, oldest first, as the digest lists them.
    In a review chain of several levels each item also carries the level it waits at (``position``,
    and ``level``: its name, shown in the digest)."""
    rows = db.session.execute(
        db.select(QueueItem, Unit.short_name, Criterion.code, Criterion.title)
        .join(Unit, Unit.id == QueueItem.unit_id)
        .outerjoin(Criterion, Criterion.id == QueueItem.criterion_id)
        .where(QueueItem.campaign_id == campaign.id, QueueItem.state == "submitted",
               QueueItem.submitted_at < overdue_limit(days, now))
        .order_by(QueueItem.submitted_at, QueueItem.id)
    ).all()
    levels = chain.levels(campaign) if chain.is_multilevel(campaign) else None
    items = []
    for item, unit_name, code, title in rows:
        entry = {"unit": unit_name, "kind": item.subject_type, "code": code, "title": title,
                 "submitted": clock.local(item.submitted_at).date().isoformat(),
                 "days": (now - item.submitted_at).days}
        if levels is not None:
            position = min(max(item.level or 1, 1), len(levels))
            entry.update(position=position, level=levels[position - 1].name)
        items.append(entry)
    return items


def _acts_on(level: chain.Level, item: dict) -> bool:
    """Whether ``item`` waits in ``level``'s queue: a scorecard at a scorecard level, anything else
    at an item level (as the queue of each level shows them)."""
    if item.get("position", 1) != level.position:
        return False
    return (item["kind"] == "scorecard") == level.reviews_scorecards


def _recipients(campaign: Campaign, items: list[dict]) -> list[tuple[User, list[dict]]]:
    """Who gets a digest and what it lists. One level (the chain the portal always had): every active
    reviewer, all the overdue items. Several levels: each active person assigned to an item or
    scorecard level, the overdue items waiting at the levels they act at (nobody with none)."""
    if not chain.is_multilevel(campaign):
        reviewers = db.session.execute(db.select(User).where(
            User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.username)).scalars().all()
        return [(reviewer, items) for reviewer in reviewers]
    levels = chain.score_levels(campaign)
    member_ids = set().union(*(level.member_ids or () for level in levels))
    if not member_ids:
        return []
    people = db.session.execute(db.select(User).where(
        User.id.in_(member_ids), User.active.is_(True)).order_by(User.username)).scalars().all()
    listed = []
    for person in people:
        acting = [level for level in levels if level.acts(person)]
        mine = [item for item in items if any(_acts_on(level, item) for level in acting)]
        if mine:
            listed.append((person, mine))
    return listed


def send_review_digests(campaign: Campaign, today: date, now: datetime, report: RunReport) -> None:
    days = current_app.config["REVIEW_OVERDUE_DAYS"]
    items = overdue_items(campaign, now, days)
    if not items:
        return
    for reviewer, mine in _recipients(campaign, items):
        recipients = [reviewer.email] if reviewer.email and mail.configured() else []
        digest_id = _claim(ReviewDigest, {"campaign_id": campaign.id, "user_id": reviewer.id, "day": today,
                                          "items": mine, "recipients": recipients, "mail_error": "",
                                          "sent_at": clock.now()})
        if digest_id is None:
            db.session.rollback()
            report.already_sent += 1
            continue
        report.notifications += _notify([reviewer.id], "review_digest", "review_digest", digest_id,
                                        {"items": mine, "overdue_days": days})
        db.session.commit()
        report.digests += 1
        digest = db.session.get(ReviewDigest, digest_id)
        report.sent.append(digest)
        if recipients:
            _send(digest, [_digest_email(reviewer, campaign, mine, days, today)], report)


def _queue_of(items: list[dict]) -> dict:
    """In a chain of several levels the digest's link opens the queue of the lowest level listed."""
    positions = [item["position"] for item in items if "position" in item]
    return {"level": min(positions)} if positions else {}


def _digest_email(reviewer: User, campaign: Campaign, items: list[dict], days: int, today: date) -> mail.Message:
    with force_locale(mail.language_of(reviewer)):
        subject = _("Review digest %(day)s: %(n)d items waiting longer than %(days)d days",
                    day=fmt_date(today), n=len(items), days=days)
        body = render_template("reminders/digest_email.txt", reviewer=reviewer, campaign=campaign, days=days,
                               lines=[digest_line(item) for item in items],
                               link=mail.portal_link("review.queue", age=days, **_queue_of(items)))
    return mail.Message(reviewer.email, subject, body)


# --- a run ---------------------------------------------------------------------------------------

def run(reminders: bool = True, digests: bool = True, today: date | None = None,
        now: datetime | None = None) -> RunReport:
    """One scheduled run; commits as it goes (each reminder is its own transaction) and records itself."""
    today, now = today or clock.today(), now or clock.now()
    report = RunReport(campaign=reminder_campaign())
    started = clock.now()
    if report.campaign is not None:
        campaign_id = report.campaign.id
        if reminders:
            send_unit_reminders(report.campaign, today, report)
        if digests:
            send_review_digests(db.session.get(Campaign, campaign_id), today, now, report)
    db.session.add(ReminderRun(started_at=started, finished_at=clock.now(),
                               campaign_id=report.campaign.id if report.campaign else None,
                               reminders=report.reminders, digests=report.digests,
                               notifications=report.notifications, emails=report.emails,
                               mail_errors=report.mail_errors))
    db.session.commit()
    return report


def last_runs(limit: int = 10) -> list[ReminderRun]:
    return db.session.execute(db.select(ReminderRun).order_by(ReminderRun.started_at.desc(), ReminderRun.id.desc())
                              .limit(limit)).scalars().all()
