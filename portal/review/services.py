"""Reviewers' decisions, comments and notifications. Plain functions; callers commit once."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portal import workflow
from portal.access import Action, Denied, ensure
from portal.clock import today as local_today
from portal.extensions import db
from portal.formatting import fmt_date
from portal.models import Campaign, CampaignState, Comment, Registration, ScoreLine, User, utcnow
from portal.comments.services import required_text
from portal.notifications.services import notify_about
from portal.workflow import Conflict, WorkflowError, ensure_campaign_open_for_changes
from portal.scoring import parse_score


def _input_error(message: str, field: str) -> WorkflowError:
    """A decision refused for its input (missing reason, bad score); ``field`` names the input."""
    return WorkflowError(message, status=422, field=field)


def _check_version(obj, version: int | None) -> None:
    if version is not None and version != obj.version:
        raise Conflict()




def _decided(obj, reviewer: User) -> None:
    obj.decided_by_id = reviewer.id
    obj.decided_by = reviewer
    obj.decided_at = utcnow()


def _check_open(obj, action: str, reviewer: User) -> None:
    """Refuse before anything is touched (a second reviewer, a wrong state, a closed campaign)."""
    workflow.check(obj, action, reviewer)
    check_campaign_allows(obj, action)


def check_campaign_allows(obj, action: str) -> None:
    """No decision in a closed campaign; nothing goes back to a unit that could no longer act on it."""
    campaign = db.session.get(Campaign, obj.campaign_id)
    ensure_campaign_open_for_changes(campaign)
    if action in ("return", "reopen") and (campaign.state is not CampaignState.OPEN or local_today() > campaign.review_end):
        raise WorkflowError(_("The unit could no longer act on a returned item (the review period ended on "
                              "%(day)s); approve it or adjust the score instead.", day=fmt_date(campaign.review_end)))


def approve_score(line: ScoreLine, reviewer: User, version: int | None = None) -> None:
    """Approved score = self score."""
    _check_version(line, version)
    before = {"approved_score": line.approved_score}
    _check_open(line, "approve", reviewer)
    line.approved_score, line.review_reason = line.self_score, ""
    workflow.apply(line, "approve", reviewer, before=before, after={"approved_score": line.self_score})
    _decided(line, reviewer)
    notify_about(line, "approved", {"score": line.approved_score})
    workflow.flush_or_conflict()


def adjust_score(line: ScoreLine, reviewer: User, raw_score: str | None, reason: str | None,
                 version: int | None = None) -> None:
    """A different approved score, with the reason the unit will read."""
    ensure(reviewer, Action.REVIEW, line)
    score, error = parse_score(raw_score, line.criterion)
    if error or score is None:
        raise _input_error(error or _("Enter the approved score."), "approved_score")
    reason = required_text(reason, "reason", _("Give the reason for the adjusted score."))
    _check_version(line, version)
    before = {"approved_score": line.approved_score}
    _check_open(line, "adjust", reviewer)
    line.approved_score, line.review_reason = score, reason
    workflow.apply(line, "adjust", reviewer, before=before,
                   after={"approved_score": score, "self_score": line.self_score, "reason": reason})
    _decided(line, reviewer)
    notify_about(line, "adjusted", {"score": score, "self_score": line.self_score, "reason": reason})
    workflow.flush_or_conflict()


def return_item(obj: ScoreLine | Registration, reviewer: User, comment: str | None, version: int | None = None) -> None:
    """Send back to the unit with a comment; the comment joins the item's thread."""
    ensure(reviewer, Action.REVIEW, obj)
    text = required_text(comment, "comment", _("Write what the unit must change."))
    _check_version(obj, version)
    _check_open(obj, "return", reviewer)
    workflow.apply(obj, "return", reviewer, after={"comment": text})
    obj.review_comment = text
    _decided(obj, reviewer)
    db.session.add(Comment(subject_type=workflow.subject_type(obj), subject_id=obj.id, unit_id=obj.unit_id,
                           author_id=reviewer.id, body=text))
    notify_about(obj, "returned", {"comment": text})
    workflow.flush_or_conflict()


def reopen_registration(registration: Registration, reviewer: User, comment: str | None,
                        version: int | None = None) -> None:
    """Give an accepted registration back to the unit (after the deadline only a reviewer can)."""
    ensure(reviewer, Action.REVIEW, registration)
    text = required_text(comment, "comment", _("Write what the unit must change."))
    _check_version(registration, version)
    _check_open(registration, "reopen", reviewer)
    workflow.apply(registration, "reopen", reviewer, after={"comment": text})
    registration.review_comment = text
    _decided(registration, reviewer)
    db.session.add(Comment(subject_type="registration", subject_id=registration.id, unit_id=registration.unit_id,
                           author_id=reviewer.id, body=text))
    notify_about(registration, "returned", {"comment": text})
    workflow.flush_or_conflict()


def accept_registration(registration: Registration, reviewer: User, version: int | None = None) -> None:
    _check_version(registration, version)
    _check_open(registration, "accept", reviewer)
    workflow.apply(registration, "accept", reviewer)
    registration.review_comment = ""
    _decided(registration, reviewer)
    notify_about(registration, "accepted", {})
    workflow.flush_or_conflict()


@dataclass
class BulkOutcome:
    line_id: int
    label: str
    ok: bool
    message: str = ""


def bulk_approve(line_ids: list[int], reviewer: User) -> list[BulkOutcome]:
    """Each item succeeds or fails on its own (a savepoint each); the reviewer sees which and why."""
    outcomes = []
    lines = {line.id: line for line in db.session.execute(
        db.select(ScoreLine).where(ScoreLine.id.in_(line_ids))
        .options(selectinload(ScoreLine.unit), selectinload(ScoreLine.criterion))).scalars()}
    for line_id in line_ids:
        line = lines.get(line_id)
        if line is None:
            outcomes.append(BulkOutcome(line_id, f"#{line_id}", False, _("not found")))
            continue
        label = f"{line.unit.short_name} · {line.criterion.code}"
        savepoint = db.session.begin_nested()
        try:
            approve_score(line, reviewer)
            savepoint.commit()
            outcomes.append(BulkOutcome(line_id, label, True))
        except WorkflowError as exc:
            savepoint.rollback()
            outcomes.append(BulkOutcome(line_id, label, False, exc.message))
        except Denied:
            savepoint.rollback()
            outcomes.append(BulkOutcome(line_id, label, False, _("not allowed")))
    return outcomes





