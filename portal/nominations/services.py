"""Nominations: the unit's draft and dossier, submission against the eligibility rules, the
council's vote and the administrator's decision. Plain functions; callers commit once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import workflow
from portal.access import Action, Denied, ensure
from portal.evidence.services import Upload  # noqa: F401  (callers build uploads through this module too)
from portal.extensions import db
from portal.models import (AwardType, Campaign, CampaignState, Nomination, NominationDocument, NominationState,
                           NomineeKind, Role, Unit, User, Vote, VoteChoice, VoteDenominator, utcnow)
from portal.nominations import eligibility
from portal.uploads import FileStore, UploadRejected
from portal.workflow import WorkflowError, flush_or_conflict

EDITABLE = (NominationState.DRAFT, NominationState.RETURNED)
COUNCIL_VISIBLE = (NominationState.FORWARDED, NominationState.APPROVED, NominationState.REJECTED, NominationState.AWARDED)


class NominationInputError(WorkflowError):
    def __init__(self, message: str, field: str):
        super().__init__(message, status=422)
        self.field = field


def ensure_may_view(user: User, nomination: Nomination) -> None:
    """Council members see forwarded nominations (and their dossier) only; others by the usual rule."""
    if user.role is Role.COUNCIL:
        if nomination.state not in COUNCIL_VISIBLE:
            raise Denied(404)
        return
    ensure(user, Action.VIEW, nomination)


def _check_editable(nomination: Nomination) -> None:
    if db.session.get(Campaign, nomination.campaign_id).state is not CampaignState.OPEN:
        raise WorkflowError(_("The campaign is not open for changes."))
    if nomination.state not in EDITABLE:
        raise WorkflowError(_("The nomination has been submitted and can no longer be changed, unless a reviewer "
                              "returns it."))


def create_nomination(unit: Unit, award_type: AwardType, user: User) -> Nomination:
    ensure(user, Action.EDIT, unit)
    if db.session.get(Campaign, award_type.campaign_id).state is not CampaignState.OPEN:
        raise WorkflowError(_("The campaign is not open for changes."))
    nomination = Nomination(campaign_id=award_type.campaign_id, unit_id=unit.id, award_type=award_type,
                            created_by_id=user.id, state=NominationState.DRAFT)
    db.session.add(nomination)
    db.session.flush()
    workflow.record(nomination, "save", user, after={"award_type": award_type.code})
    return nomination


@dataclass
class NomineeValues:
    nominee_name: str
    nominee_position: str
    service_years: int | None
    achievements: str


def save_nomination(nomination: Nomination, user: User, values: NomineeValues, version: int | None) -> None:
    ensure(user, Action.EDIT, nomination)
    _check_editable(nomination)
    if version is not None and version != nomination.version:
        raise workflow.Conflict()
    if nomination.award_type.nominee is NomineeKind.COLLECTIVE:
        values.nominee_name, values.nominee_position, values.service_years = "", "", None
    nomination.nominee_name = values.nominee_name.strip()
    nomination.nominee_position = values.nominee_position.strip()
    nomination.service_years = values.service_years
    nomination.achievements = values.achievements.strip()
    flush_or_conflict()
    workflow.record(nomination, "save", user, after={"nominee": nomination.nominee_name,
                                                     "position": nomination.nominee_position,
                                                     "service_years": nomination.service_years})


def add_documents(nomination: Nomination, user: User, document_name: str, uploads: list[Upload], store: FileStore,
                  max_size: int) -> list[NominationDocument]:
    """The same rules and code as evidence: content-checked, all files of a request or none."""
    ensure(user, Action.EDIT, nomination)
    _check_editable(nomination)
    if document_name not in nomination.award_type.required_documents:
        raise UploadRejected(_("Choose which dossier document the file is."))
    uploads = [u for u in uploads if u.filename]
    if not uploads:
        raise UploadRejected(_("Choose at least one file."))
    with store.saving_all(uploads, max_size) as stored:
        rows = [NominationDocument(nomination=nomination, unit_id=nomination.unit_id, document_name=document_name,
                                   stored_name=s.stored_name, original_name=name, size=s.size,
                                   content_type=s.detected.content_type, sha256=s.sha256, uploaded_by_id=user.id)
                for s, name in stored]
        db.session.add_all(rows)
        db.session.flush()
        workflow.record(nomination, "attach", user, after={"document": document_name,
                                                           "files": [[r.original_name, r.sha256] for r in rows]})
    return rows


def remove_document(document: NominationDocument, user: User) -> str:
    ensure(user, Action.EDIT, document.nomination)
    _check_editable(document.nomination)
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


def submit_nomination(nomination: Nomination, user: User) -> None:
    ensure(user, Action.EDIT, nomination)
    _check_editable(nomination)
    problems = submission_problems(nomination)
    if problems:
        raise WorkflowError(_("The nomination cannot be submitted: %(problems)s.", problems="; ".join(problems)),
                            status=422)
    nomination.submitted_at = utcnow()
    workflow.apply(nomination, "submit", user, after={"award_type": nomination.award_type.code,
                                                      "nominee": nomination.nominee})
    flush_or_conflict()


def forward(nomination: Nomination, reviewer: User, version: int | None = None) -> None:
    from portal.review.services import _check_open, _decided, notify_unit

    if version is not None and version != nomination.version:
        raise workflow.Conflict()
    _check_open(nomination, "forward", reviewer)
    workflow.apply(nomination, "forward", reviewer)
    _decided(nomination, reviewer)
    notify_unit(nomination, "forwarded", {"award": nomination.award_type.name})
    flush_or_conflict()


# --- the council's vote ------------------------------------------------------------------------

def council_members() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == Role.COUNCIL, User.active.is_(True))) or 0


def cast_vote(nomination: Nomination, member: User, choice: VoteChoice) -> Vote:
    """One vote per member (the database enforces it too); a second vote replaces the first."""
    ensure(member, Action.VOTE, nomination)
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
        from math import ceil

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


def close_vote(nomination: Nomination, admin: User) -> Tally:
    ensure(admin, Action.ADMINISTER, nomination)
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


def record_decision(nomination: Nomination, admin: User, number: str, decided_on: date | None, signer: str) -> None:
    ensure(admin, Action.ADMINISTER, nomination)
    number, signer = (number or "").strip(), (signer or "").strip()
    if not number or len(number) > 64:
        raise NominationInputError(_("Enter the decision's number and symbol, e.g. 125-QĐ/TU."), "number")
    if decided_on is None:
        raise NominationInputError(_("Enter the decision's date (dd/mm/yyyy)."), "date")
    if not signer or len(signer) > 200:
        raise NominationInputError(_("Enter who signed the decision."), "signer")
    workflow.apply(nomination, "award", admin, after={"number": number, "date": decided_on.isoformat(), "signer": signer})
    nomination.decision_number, nomination.decision_date, nomination.decision_signer = number, decided_on, signer
    flush_or_conflict()


def awarded(campaign: Campaign) -> list[tuple[AwardType, list[Nomination]]]:
    """The award list, grouped by award type in the campaign's order."""
    rows = db.session.execute(sa.select(Nomination).join(AwardType).where(
        Nomination.campaign_id == campaign.id, Nomination.state == NominationState.AWARDED)
        .order_by(AwardType.position, Nomination.id)).scalars().all()
    groups: dict[int, tuple[AwardType, list[Nomination]]] = {}
    for nomination in rows:
        groups.setdefault(nomination.award_type_id, (nomination.award_type, []))[1].append(nomination)
    return list(groups.values())
