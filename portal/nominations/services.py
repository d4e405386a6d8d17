"""Nominations: the unit's draft and dossier, submission against the eligibility rules, the
council's vote and the administrator's decision. Plain functions; callers commit once."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from math import ceil

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import workflow
from portal.access import Action, Denied, ensure
from portal.collation import vi_key
from portal.extensions import db
from portal.models import (AwardLevel, AwardType, Campaign, CampaignState, Nomination, NominationDocument,
                           NominationState, NomineeKind, Role, Unit, User, Vote, VoteChoice, VoteDenominator, utcnow)
from portal.nominations import eligibility
from portal.notifications import services as notifications
from portal.uploads import FileStore, UploadRejected
from portal.workflow import Conflict, WorkflowError, ensure_campaign_open_for_changes, flush_or_conflict

EDITABLE = (NominationState.DRAFT, NominationState.RETURNED)
COUNCIL_VISIBLE = (NominationState.FORWARDED, NominationState.APPROVED, NominationState.REJECTED, NominationState.AWARDED)
# What the council has passed: approved by its vote, or already awarded by a decision.
PASSED = (NominationState.APPROVED, NominationState.AWARDED)
LEVEL_ORDER = {level: index for index, level in enumerate((AwardLevel.CENTRAL, AwardLevel.PROVINCE, AwardLevel.SECTOR))}


def ensure_may_view(user: User, nomination: Nomination) -> None:
    """Council members see forwarded nominations (and their dossier) only; others by the usual rule."""
    if user.role is Role.COUNCIL:
        if nomination.state not in COUNCIL_VISIBLE:
            raise Denied(404)
        return
    ensure(user, Action.VIEW, nomination)


def _check_version(nomination: Nomination, version: int | None) -> None:
    """The form's version must be the row's: someone else's change in between is a conflict."""
    if version is not None and version != nomination.version:
        raise Conflict()


def _check_editable(nomination: Nomination) -> None:
    ensure_campaign_open_for_changes(nomination.campaign_id)
    if db.session.get(Campaign, nomination.campaign_id).state is not CampaignState.OPEN:
        raise WorkflowError(_("The campaign is not open for changes."))
    if nomination.state not in EDITABLE:
        raise WorkflowError(_("The nomination has been submitted and can no longer be changed, unless a reviewer "
                              "returns it."))


@dataclass
class NomineeValues:
    nominee_name: str = ""
    nominee_position: str = ""
    service_years: int | None = None
    achievements: str = ""


def _assign(nomination: Nomination, values: NomineeValues) -> None:
    """A collective award's nominee is the unit itself: no name, position or years are kept."""
    individual = nomination.award_type.nominee is NomineeKind.INDIVIDUAL
    nomination.nominee_name = values.nominee_name.strip() if individual else ""
    nomination.nominee_position = values.nominee_position.strip() if individual else ""
    nomination.service_years = values.service_years if individual else None
    nomination.achievements = values.achievements.strip()


def _saved(nomination: Nomination) -> dict:
    return {"nominee": nomination.nominee_name, "position": nomination.nominee_position,
            "service_years": nomination.service_years}


def create_nomination(unit: Unit, award_type: AwardType, user: User, values: NomineeValues | None = None) -> Nomination:
    """A new draft of the unit, with what the officer has typed so far."""
    ensure(user, Action.EDIT, unit)
    ensure_campaign_open_for_changes(award_type.campaign_id)
    if db.session.get(Campaign, award_type.campaign_id).state is not CampaignState.OPEN:
        raise WorkflowError(_("The campaign is not open for changes."))
    nomination = Nomination(campaign_id=award_type.campaign_id, unit_id=unit.id, award_type=award_type,
                            created_by_id=user.id, state=NominationState.DRAFT)
    _assign(nomination, values or NomineeValues())
    db.session.add(nomination)
    db.session.flush()
    workflow.record(nomination, "save", user, after={"award_type": award_type.code, **_saved(nomination)})
    return nomination


def save_nomination(nomination: Nomination, user: User, values: NomineeValues, version: int | None) -> None:
    ensure(user, Action.EDIT, nomination)
    _check_editable(nomination)
    _check_version(nomination, version)
    _assign(nomination, values)
    flush_or_conflict()
    workflow.record(nomination, "save", user, after=_saved(nomination))


def add_documents(nomination: Nomination, user: User, document_name: str, uploads: list, store: FileStore,
                  max_size: int, version: int | None = None) -> list[NominationDocument]:
    """The same rules and code as evidence (uploads have ``stream`` and ``filename``): content-checked,
    all files of a request or none."""
    ensure(user, Action.EDIT, nomination)
    _check_editable(nomination)
    _check_version(nomination, version)
    if document_name not in nomination.award_type.required_documents:
        raise WorkflowError(_("Choose which dossier document the file is."), 422, field="document_name")
    uploads = [u for u in uploads if u.filename]
    if not uploads:
        raise WorkflowError(_("Choose at least one file."), 422, field="files")
    try:
        with store.saving_all(uploads, max_size) as stored:
            rows = [NominationDocument(nomination=nomination, unit_id=nomination.unit_id, document_name=document_name,
                                       stored_name=s.stored_name, original_name=name, size=s.size,
                                       content_type=s.detected.content_type, sha256=s.sha256, uploaded_by_id=user.id)
                    for s, name in stored]
            db.session.add_all(rows)
            db.session.flush()
            workflow.record(nomination, "attach", user, after={"document": document_name,
                                                               "files": [[r.original_name, r.sha256] for r in rows]})
    except UploadRejected as exc:
        raise WorkflowError(str(exc), 422, field="files") from exc
    return rows


def remove_document(document: NominationDocument, user: User, version: int | None = None) -> str:
    ensure(user, Action.EDIT, document.nomination)
    _check_editable(document.nomination)
    _check_version(document.nomination, version)
    stored_name = document.stored_name
    workflow.record(document.nomination, "detach", user, before={"document": document.document_name,
                                                                  "file": document.original_name})
    db.session.delete(document)
    db.session.flush()
    return stored_name


def missing_documents(nomination: Nomination) -> list[str]:
    present = {d.document_name for d in nomination.documents}
    return [name for name in nomination.award_type.required_documents if name not in present]


def submission_problems(nomination: Nomination) -> list[str]:
    """Why the nomination cannot be submitted yet (empty when it can)."""
    problems = []
    if nomination.award_type.nominee is NomineeKind.INDIVIDUAL:
        if not nomination.nominee_name:
            problems.append(_("the nominee's full name"))
        if not nomination.nominee_position:
            problems.append(_("the nominee's position"))
    if not nomination.achievements:
        problems.append(_("the achievements summary"))
    problems += [_("the document “%(name)s”", name=name) for name in missing_documents(nomination)]
    problems += [f"{r.requirement} ({r.actual})" for r in eligibility.check(nomination) if r.blocks]
    return problems


def submit_nomination(nomination: Nomination, user: User, version: int | None = None) -> None:
    ensure(user, Action.EDIT, nomination)
    _check_editable(nomination)
    _check_version(nomination, version)
    problems = submission_problems(nomination)
    if problems:
        raise WorkflowError(_("The nomination cannot be submitted: %(problems)s.", problems="; ".join(problems)),
                            status=422)
    nomination.submitted_at = utcnow()
    workflow.apply(nomination, "submit", user, after={"award_type": nomination.award_type.code,
                                                      "nominee": nomination.nominee})
    flush_or_conflict()


def forward(nomination: Nomination, reviewer: User, version: int | None = None) -> None:
    """A reviewer passes a submitted nomination to the council (the review queue calls this)."""
    _check_version(nomination, version)
    workflow.check(nomination, "forward", reviewer)
    ensure_campaign_open_for_changes(nomination.campaign_id)
    workflow.apply(nomination, "forward", reviewer)
    nomination.decided_by, nomination.decided_at = reviewer, utcnow()
    notifications.notify_about(nomination, "forwarded", {"award": nomination.award_type.name})
    flush_or_conflict()


# --- the council's vote ------------------------------------------------------------------------

def council_members() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == Role.COUNCIL, User.active.is_(True))) or 0


def cast_vote(nomination: Nomination, member: User, choice: VoteChoice, version: int | None = None) -> Vote:
    """One vote per member (the database enforces it too); a second vote replaces the first."""
    ensure(member, Action.VOTE, nomination)
    ensure_campaign_open_for_changes(nomination.campaign_id)
    _check_version(nomination, version)
    if nomination.state is not NominationState.FORWARDED or nomination.vote_closed_at is not None:
        raise WorkflowError(_("The vote on this nomination is closed."))
    vote = db.session.execute(sa.select(Vote).where(Vote.nomination_id == nomination.id,
                                                    Vote.member_id == member.id)).scalar_one_or_none()
    before = vote.choice.value if vote else None
    if vote is None:
        vote = Vote(nomination_id=nomination.id, member_id=member.id, choice=choice)
        db.session.add(vote)
    vote.choice, vote.at = choice, utcnow()
    workflow.record(nomination, "vote", member, before={"choice": before}, after={"choice": choice.value})
    db.session.flush()
    return vote


@dataclass
class Tally:
    agree: int
    disagree: int
    abstain: int
    members: int
    denominator: int
    threshold: Decimal

    @property
    def needed(self) -> int:
        """The fewest agree votes that reach the threshold."""
        return ceil(self.threshold * self.denominator / 100) if self.denominator else 1

    @property
    def passed(self) -> bool:
        return self.denominator > 0 and self.agree * 100 >= self.threshold * self.denominator


def tally(nomination: Nomination) -> Tally:
    counts = dict(db.session.execute(sa.select(Vote.choice, sa.func.count()).where(
        Vote.nomination_id == nomination.id).group_by(Vote.choice)).all())
    agree, disagree, abstain = (counts.get(c, 0) for c in (VoteChoice.AGREE, VoteChoice.DISAGREE, VoteChoice.ABSTAIN))
    members = council_members()
    award = nomination.award_type
    denominator = members if award.vote_denominator is VoteDenominator.ALL_MEMBERS else agree + disagree + abstain
    return Tally(agree, disagree, abstain, members, denominator, award.vote_threshold_percent)


def close_vote(nomination: Nomination, admin: User, version: int | None = None) -> Tally:
    ensure(admin, Action.ADMINISTER, nomination)
    ensure_campaign_open_for_changes(nomination.campaign_id)
    _check_version(nomination, version)
    if nomination.vote_closed_at is not None:
        raise WorkflowError(_("The vote on this nomination is closed."))
    result = tally(nomination)
    action = "approve" if result.passed else "reject"
    workflow.apply(nomination, action, admin, after={"agree": result.agree, "disagree": result.disagree,
                                                     "abstain": result.abstain, "denominator": result.denominator,
                                                     "threshold": str(result.threshold)})
    nomination.vote_closed_at = utcnow()
    nomination.decided_by_id, nomination.decided_at = admin.id, utcnow()
    flush_or_conflict()
    return result


def record_decision(nomination: Nomination, admin: User, number: str, decided_on: date | None, signer: str,
                    version: int | None = None) -> None:
    ensure(admin, Action.ADMINISTER, nomination)
    ensure_campaign_open_for_changes(nomination.campaign_id)
    _check_version(nomination, version)
    number, signer = (number or "").strip(), (signer or "").strip()
    if not number or len(number) > 64:
        raise WorkflowError(_("Enter the decision's number and symbol, e.g. 125-QĐ/TU."), 422, field="number")
    if decided_on is None:
        raise WorkflowError(_("Enter the decision's date (dd/mm/yyyy)."), 422, field="date")
    if not signer or len(signer) > 200:
        raise WorkflowError(_("Enter who signed the decision."), 422, field="signer")
    workflow.apply(nomination, "award", admin, after={"number": number, "date": decided_on.isoformat(), "signer": signer})
    nomination.decision_number, nomination.decision_date, nomination.decision_signer = number, decided_on, signer
    flush_or_conflict()


# --- the documents: what each lists, and in which order ------------------------------------------

def document_order(nomination: Nomination) -> tuple:
    """The order of every nomination document: by award level (central, province, sector), then
    award type in the campaign's order, then unit in Vietnamese alphabetical order, then the
    individual nominee's name in Vietnamese order (the unit itself, a collective nominee, has none)."""
    award = nomination.award_type
    return (LEVEL_ORDER.get(award.level, len(LEVEL_ORDER)), award.position, award.id, vi_key(nomination.unit.name),
            vi_key(nomination.nominee_name), nomination.id)


def letter_nominations(nominations: Iterable[Nomination], level: AwardLevel) -> list[Nomination]:
    """What the submission letter (tờ trình) of ``level`` proposes, in the document order.

    A letter proposes only nominations that passed: the council approved them by its vote
    (``approved``) or they were already awarded by a decision (``awarded``).  Never a draft, a
    submitted or returned one, one forwarded to the council whose vote is still open (even if the
    votes cast so far would pass), nor one rejected — which includes a vote that failed the
    threshold.  Ordered by :func:`document_order`: grouped by award level and award type, units in
    Vietnamese order, then individual nominees by name in Vietnamese order.
    """
    return sorted((n for n in nominations if n.state in PASSED and n.award_type.level is level), key=document_order)


def letter(campaign: Campaign, level: AwardLevel) -> list[Nomination]:
    """The nominations of the campaign that the letter of ``level`` proposes (see :func:`letter_nominations`)."""
    return letter_nominations(_campaign_nominations(campaign, PASSED), level)


def award_list_nominations(nominations: Iterable[Nomination]) -> list[tuple[AwardType, list[Nomination]]]:
    """The award list: nominations awarded by a decision (``awarded``; its number, date and signer are
    the list's result column), grouped by award type in :func:`document_order`.  Approved ones still
    waiting for their decision, rejected ones and anything earlier are not on it."""
    groups: dict[int, tuple[AwardType, list[Nomination]]] = {}
    for nomination in sorted((n for n in nominations if n.state is NominationState.AWARDED), key=document_order):
        groups.setdefault(nomination.award_type_id, (nomination.award_type, []))[1].append(nomination)
    return list(groups.values())


def awarded(campaign: Campaign) -> list[tuple[AwardType, list[Nomination]]]:
    """The campaign's award list (see :func:`award_list_nominations`); the ceremony shows the same."""
    return award_list_nominations(_campaign_nominations(campaign, (NominationState.AWARDED,)))


def export_nominations(nominations: Iterable[Nomination]) -> list[Nomination]:
    """The XLSX export lists every nomination it is given — in any state, each with its state as the
    result and its vote tally — in :func:`document_order`, so a decided one reads with its result
    and an undecided one shows where it stands."""
    return sorted(nominations, key=document_order)


def _campaign_nominations(campaign: Campaign, states: Iterable[NominationState]) -> list[Nomination]:
    return db.session.execute(sa.select(Nomination).where(
        Nomination.campaign_id == campaign.id, Nomination.state.in_(list(states)))).scalars().all()
