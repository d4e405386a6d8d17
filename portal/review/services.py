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
from portal.models import (Campaign, CampaignState, Comment, Registration, RegistrationState, Scorecard, ScorecardState,
                           ScoreLine, ScoreState, User, utcnow)
from portal.comments.services import required_text
from portal.notifications.services import notify_about, notify_level, notify_unit
from portal import chain
from portal.review import queue
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


def _check_open(obj, action: str, reviewer: User) -> chain.Level:
    """Refuse before anything is touched (a second reviewer, a wrong state, a closed campaign, a
    person who does not act at the level the item waits at); the level it waits at."""
    workflow.check(obj, action, reviewer)
    level = chain.ensure_acts(reviewer, obj)
    check_campaign_allows(obj, action)
    workflow.ensure_result_unlocked(obj.campaign_id)
    return level


def _item_level(obj, action: str, reviewer: User) -> chain.Level:
    """As :func:`_check_open`, for a decision on one item: an item waiting at a scorecard level is
    decided with its unit's scorecard."""
    level = _check_open(obj, action, reviewer)
    if level.reviews_scorecards and action in ("approve", "accept"):
        raise WorkflowError(_("At the level “%(level)s” this item is signed off with its unit's whole scorecard.",
                              level=level.name))
    return level


def check_campaign_allows(obj, action: str) -> None:
    """No decision in a closed campaign; nothing goes back to a unit that could no longer act on it."""
    campaign = db.session.get(Campaign, obj.campaign_id)
    ensure_campaign_open_for_changes(campaign)
    if action in ("return", "reopen") and (campaign.state is not CampaignState.OPEN or local_today() > campaign.review_end):
        raise WorkflowError(_("The unit could no longer act on a returned item (the review period ended on "
                              "%(day)s); approve it or adjust the score instead.", day=fmt_date(campaign.review_end)))


def _advance(line: ScoreLine, reviewer: User, action: str, level: chain.Level, score, reason: str,
             notify: bool = True) -> None:
    """The decision of ``level`` on a score line: the figure it gives, then the next level's queue,
    or — at the last item or scorecard level — the official total."""
    previous = line.approved_score if line.level > 1 else None
    before = {"approved_score": line.approved_score}
    following = chain.next_level(line, line.campaign_id)
    line.approved_score = score
    if action == "adjust" or line.level == 1:
        line.review_reason = reason
    if following is not None:
        line.level = following.position
    after = {"approved_score": score}
    if action == "adjust":
        after.update(self_score=line.self_score, reason=reason)
    if previous is not None and previous != score:
        after["previous_score"] = previous
    if chain.is_multilevel(line.campaign_id):
        after["level"] = level.name
    workflow.apply(line, action, reviewer, before=before, after=after,
                   to=ScoreState.SUBMITTED if following else ScoreState.APPROVED)
    chain.record_step(line, level, action, reviewer, score=score, previous=previous, reason=reason)
    _decided(line, reviewer)
    if not notify:
        return
    if following is None:
        if action == "adjust" or (previous is not None and score != line.self_score):
            notify_about(line, "adjusted", {"score": score, "self_score": line.self_score,
                                            "reason": reason or line.review_reason})
        else:
            notify_about(line, "approved", {"score": score})
    else:
        if action == "adjust":
            notify_about(line, "adjusted", {"score": score, "self_score": line.self_score, "reason": reason})
        if following.reviews_items:
            notify_level(following, line, "reached_level")


def approve_score(line: ScoreLine, reviewer: User, version: int | None = None) -> None:
    """Approve the figure before the reviewer: the self score at the first level, the earlier
    level's figure at a later one."""
    _check_version(line, version)
    level = _item_level(line, "approve", reviewer)
    figure = line.approved_score if line.level > 1 and line.approved_score is not None else line.self_score
    _advance(line, reviewer, "approve", level, figure, "")
    workflow.flush_or_conflict()


def adjust_score(line: ScoreLine, reviewer: User, raw_score: str | None, reason: str | None,
                 version: int | None = None) -> None:
    """A different figure, with the reason the unit (and the next level) will read. At a scorecard
    level the line stays with the scorecard, which is then signed off as a whole."""
    ensure(reviewer, Action.REVIEW, line)
    score, error = parse_score(raw_score, line.criterion)
    if error or score is None:
        raise _input_error(error or _("Enter the approved score."), "approved_score")
    reason = required_text(reason, "reason", _("Give the reason for the adjusted score."))
    _check_version(line, version)
    level = _check_open(line, "adjust", reviewer)
    if level.reviews_scorecards:
        _adjust_in_scorecard(line, reviewer, level, score, reason)
    else:
        _advance(line, reviewer, "adjust", level, score, reason)
    workflow.flush_or_conflict()


def _adjust_in_scorecard(line: ScoreLine, reviewer: User, level: chain.Level, score, reason: str) -> None:
    """A scorecard level changes a line's figure and keeps it for the scorecard's sign-off."""
    previous = line.approved_score
    line.approved_score, line.review_reason = score, reason
    workflow.record(line, "adjust", reviewer, before={"approved_score": previous},
                    after={"approved_score": score, "self_score": line.self_score, "reason": reason,
                           "previous_score": previous, "level": level.name})
    chain.record_step(line, level, "adjust", reviewer, score=score, previous=previous, reason=reason)
    notify_about(line, "adjusted", {"score": score, "self_score": line.self_score, "reason": reason})
    scorecard = chain.scorecard_for(line.campaign_id, line.unit_id)
    if scorecard is not None:  # its queue row shows the unit's totals
        db.session.flush()
        queue.sync(scorecard, "refresh", reviewer, utcnow())


def return_item(obj: ScoreLine | Registration, reviewer: User, comment: str | None, version: int | None = None) -> None:
    """Send back to the unit with a comment; the comment joins the item's thread. The item leaves
    the chain: resubmitted, it starts again at the first level."""
    ensure(reviewer, Action.REVIEW, obj)
    text = required_text(comment, "comment", _("Write what the unit must change."))
    _check_version(obj, version)
    level = _check_open(obj, "return", reviewer)
    after = {"comment": text}
    if chain.is_multilevel(obj.campaign_id):
        after["level"] = level.name
    if isinstance(obj, ScoreLine):
        obj.approved_score = None
    workflow.apply(obj, "return", reviewer, after=after)
    chain.record_step(obj, level, "return", reviewer, reason=text)
    obj.review_comment = text
    _decided(obj, reviewer)
    db.session.add(Comment(subject_type=workflow.subject_type(obj), subject_id=obj.id, unit_id=obj.unit_id,
                           author_id=reviewer.id, body=text))
    notify_about(obj, "returned", {"comment": text})
    workflow.flush_or_conflict()


def send_back(obj: ScoreLine | Registration, reviewer: User, comment: str | None, version: int | None = None) -> None:
    """Send an item back to the previous level, with the reason that level will read."""
    ensure(reviewer, Action.REVIEW, obj)
    text = required_text(comment, "comment", _("Write what the previous level must look at again."))
    _check_version(obj, version)
    level = _check_open(obj, "send_back", reviewer)
    if obj.level <= 1:
        raise WorkflowError(_("This is the first level of the review chain: there is no level before it. "
                              "Return the item to the unit instead."))
    previous = chain.level_at(obj.campaign_id, obj.level - 1)
    obj.level = previous.position
    workflow.apply(obj, "send_back", reviewer, after={"comment": text, "level": level.name, "to_level": previous.name})
    chain.record_step(obj, level, "send_back", reviewer, reason=text)
    _decided(obj, reviewer)
    db.session.add(Comment(subject_type=workflow.subject_type(obj), subject_id=obj.id, unit_id=obj.unit_id,
                           author_id=reviewer.id, body=text))
    notify_level(previous, obj, "sent_back") if previous.member_ids is not None else None
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
    level = _item_level(registration, "accept", reviewer)
    following = chain.next_level(registration, registration.campaign_id)
    if following is not None:
        registration.level = following.position
    workflow.apply(registration, "accept", reviewer,
                   after={"level": level.name} if chain.is_multilevel(registration.campaign_id) else None,
                   to=RegistrationState.SUBMITTED if following else RegistrationState.ACCEPTED)
    chain.record_step(registration, level, "accept", reviewer)
    registration.review_comment = ""
    _decided(registration, reviewer)
    if following is None:
        notify_about(registration, "accepted", {})
    else:
        notify_level(following, registration, "reached_level")
    workflow.flush_or_conflict()


def sign_off_scorecard(scorecard: Scorecard, reviewer: User, version: int | None = None) -> None:
    """The scorecard level's approval of a unit's lines as a whole: every line waiting at the level
    moves on together (to the next level, or to the official total at the last)."""
    _check_version(scorecard, version)
    ensure(reviewer, Action.REVIEW, scorecard)
    workflow.check(scorecard, "approve", reviewer)
    level = chain.ensure_acts(reviewer, scorecard)
    ensure_campaign_open_for_changes(scorecard.campaign_id)
    workflow.ensure_result_unlocked(scorecard.campaign_id)
    lines = [line for line in chain.unit_lines(scorecard.campaign_id, scorecard.unit_id)
             if line.state is ScoreState.SUBMITTED and line.level == level.position]
    with chain.scorecard_sync_held():
        for line in lines:
            _advance(line, reviewer, "approve", level, line.approved_score, "", notify=False)
    state, position = chain.scorecard_position(scorecard.campaign_id, chain.unit_lines(scorecard.campaign_id,
                                                                                        scorecard.unit_id))
    scorecard.level = position
    workflow.apply(scorecard, "approve", reviewer, after={"level": level.name, "lines": len(lines)},
                   to=ScorecardState.SUBMITTED if state is ScorecardState.SUBMITTED else ScorecardState.APPROVED)
    chain.record_step(scorecard, level, "approve", reviewer)
    _decided(scorecard, reviewer)
    if state is ScorecardState.SUBMITTED:
        scorecard.submitted_at = utcnow()
        notify_level(chain.level_at(scorecard.campaign_id, position), scorecard, "scorecard_arrived")
        notify_unit(scorecard.unit_id, "scorecard_passed", "scorecard", scorecard.id,
                    {"level": level.name, "next": chain.level_at(scorecard.campaign_id, position).name})
    else:
        notify_unit(scorecard.unit_id, "scorecard_approved", "scorecard", scorecard.id, {"level": level.name})
    chain.sync_scorecard(scorecard.campaign_id, scorecard.unit_id, reviewer, utcnow())  # a line that left meanwhile
    workflow.flush_or_conflict()


@dataclass
class BulkOutcome:
    line_id: int
    label: str
    ok: bool
    message: str = ""


def bulk_approve(line_ids: list[int], reviewer: User, kind: str = "score_line") -> list[BulkOutcome]:
    """Each item (score lines, or scorecards at a scorecard level) succeeds or fails on its own (a
    savepoint each); the reviewer sees which and why."""
    outcomes = []
    if kind == "scorecard":
        lines = {card.id: card for card in db.session.execute(
            db.select(Scorecard).where(Scorecard.id.in_(line_ids)).options(selectinload(Scorecard.unit))).scalars()}
    else:
        lines = {line.id: line for line in db.session.execute(
            db.select(ScoreLine).where(ScoreLine.id.in_(line_ids))
            .options(selectinload(ScoreLine.unit), selectinload(ScoreLine.criterion))).scalars()}
    for line_id in line_ids:
        line = lines.get(line_id)
        if line is None:
            outcomes.append(BulkOutcome(line_id, f"#{line_id}", False, _("not found")))
            continue
        label = line.unit.short_name if kind == "scorecard" else f"{line.unit.short_name} · {line.criterion.code}"
        savepoint = db.session.begin_nested()
        try:
            (sign_off_scorecard if kind == "scorecard" else approve_score)(line, reviewer)
            savepoint.commit()
            outcomes.append(BulkOutcome(line_id, label, True))
        except WorkflowError as exc:
            savepoint.rollback()
            outcomes.append(BulkOutcome(line_id, label, False, exc.message))
        except Denied:
            savepoint.rollback()
            outcomes.append(BulkOutcome(line_id, label, False, _("not allowed")))
    return outcomes





