"""The unit officer's year: pledges, progress notes, self-scores and their submission.

Plain functions over models and values.  Every refusal raises :class:`WorkflowError` (or
:class:`portal.access.Denied`) with a message for the user; callers commit once on success.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite

from portal import workflow
from portal.access import Action, ensure
from portal.campaign.services import current_campaign
from portal.extensions import db
from portal.formatting import fmt_date, fmt_points
from portal.models import (
    Campaign,
    Commitment,
    Criterion,
    CriterionKind,
    Evidence,
    ProgressNote,
    Registration,
    RegistrationState,
    Role,
    ScoreLine,
    ScoreState,
    Unit,
    User,
    utcnow,
)
from portal.scoring import check_campaign_open, check_score_editable, check_unit_working, parse_score
from portal.workflow import Conflict, WorkflowError, ensure_result_unlocked, flush_or_conflict

LEAF_KINDS = (CriterionKind.ITEM, CriterionKind.BONUS, CriterionKind.DEDUCTION)
MAX_TEXT = 4000




# --- set-up -----------------------------------------------------------------------------------

def _insert_missing(model, rows: list[dict]) -> None:
    """Insert rows, skipping those whose unique key is already there (insert-or-ignore): two first
    requests at the same moment both succeed instead of one colliding with the other."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(model).on_conflict_do_nothing(), rows)


def ensure_workspace(unit: Unit, campaign: Campaign) -> Registration:
    """Create what is missing of the unit's workspace — its registration, a commitment per scored
    item and a score line per leaf criterion — without touching what exists. Idempotent and safe
    to run in parallel; called when a campaign or a unit is set up and by the writes that need the
    rows, never by a page view."""
    now = utcnow()
    with db.session.no_autoflush:
        _insert_missing(Registration, [{"campaign_id": campaign.id, "unit_id": unit.id, "state": RegistrationState.DRAFT,
                                        "version": 1, "created_at": now, "updated_at": now}])
        registration = registration_of(unit, campaign)
        leaves = db.session.execute(db.select(Criterion.id, Criterion.kind).where(
            Criterion.campaign_id == campaign.id, Criterion.kind.in_(LEAF_KINDS))).all()
        _insert_missing(Commitment, [
            {"registration_id": registration.id, "unit_id": unit.id, "criterion_id": criterion_id,
             "version": 1, "created_at": now, "updated_at": now}
            for criterion_id, kind in leaves if kind is CriterionKind.ITEM])
        _insert_missing(ScoreLine, [
            {"campaign_id": campaign.id, "unit_id": unit.id, "criterion_id": criterion_id, "state": ScoreState.DRAFT,
             "version": 1, "created_at": now, "updated_at": now}
            for criterion_id, _kind in leaves])
    return registration


def prepare_officers_workspaces(campaign: Campaign) -> int:
    """Every unit with an active officer gets its workspace in ``campaign`` (a campaign imported or
    copied after the accounts exist); returns how many units were prepared."""
    db.session.flush()
    units = db.session.execute(db.select(Unit).where(Unit.id.in_(
        db.select(User.unit_id).where(User.role == Role.UNIT_OFFICER, User.active.is_(True))))).scalars().all()
    for unit in units:
        ensure_workspace(unit, campaign)
    return len(units)


def prepare_officer_workspace(user: User) -> None:
    """A new officer's account comes with the unit's workspace in the current campaign."""
    campaign = current_campaign()
    if user.role is Role.UNIT_OFFICER and user.unit is not None and campaign is not None:
        db.session.flush()
        ensure_workspace(user.unit, campaign)


def registration_of(unit: Unit, campaign: Campaign) -> Registration | None:
    return db.session.execute(
        db.select(Registration).where(Registration.campaign_id == campaign.id, Registration.unit_id == unit.id)
    ).scalar_one_or_none()


def _check_version(obj, version: int | None) -> None:
    if version is not None and version != obj.version:
        raise Conflict()






# --- pledges ----------------------------------------------------------------------------------

def check_registration_editable(registration: Registration, today: date) -> None:
    campaign = registration.campaign
    check_campaign_open(campaign)
    ensure_result_unlocked(campaign)
    check_unit_working(registration.unit, today)
    if registration.state not in (RegistrationState.DRAFT, RegistrationState.RETURNED):
        raise WorkflowError(_("The registration has been submitted and can no longer be changed, "
                              "unless a reviewer returns it."))
    if registration.state is RegistrationState.DRAFT and today > campaign.registration_deadline:
        raise WorkflowError(_("The registration deadline (%(day)s) has passed; ask the provincial board "
                              "to reopen your registration.", day=fmt_date(campaign.registration_deadline)))


@dataclass
class CommitmentValues:
    target_text: str
    target_value: Decimal | None
    target_unit: str


def save_commitment(commitment: Commitment, user: User, values: CommitmentValues, version: int | None,
                    today: date) -> Commitment:
    ensure(user, Action.EDIT, commitment)
    check_registration_editable(commitment.registration, today)
    _check_version(commitment, version)
    commitment.target_text = values.target_text.strip()
    commitment.target_value = values.target_value
    commitment.target_unit = values.target_unit.strip()
    commitment.updated_by_id = user.id
    flush_or_conflict()
    return commitment


def submit_registration(registration: Registration, user: User, today: date, version: int | None = None) -> None:
    ensure(user, Action.EDIT, registration)
    check_registration_editable(registration, today)
    _check_version(registration, version)
    missing = db.session.execute(
        db.select(Criterion.code)
        .join(Commitment, Commitment.criterion_id == Criterion.id)
        .where(Commitment.registration_id == registration.id, func.trim(Commitment.target_text) == "")
        .order_by(Criterion.position)
    ).scalars().all()
    if missing:
        raise WorkflowError(_("Write the targets still missing, then submit: %(codes)s.", codes=", ".join(missing)), status=422)
    registration.submitted_at = utcnow()
    workflow.apply(registration, "submit", user)
    flush_or_conflict()


def add_progress_note(commitment: Commitment, user: User, note_date: date, text: str, today: date) -> ProgressNote:
    ensure(user, Action.EDIT, commitment)
    campaign = commitment.registration.campaign
    check_campaign_open(campaign)
    if note_date > today:
        raise WorkflowError(_("A progress note cannot be dated in the future."), status=422)
    if today > campaign.reporting_deadline:
        raise WorkflowError(_("The reporting deadline (%(day)s) has passed.", day=fmt_date(campaign.reporting_deadline)))
    note = ProgressNote(commitment=commitment, unit_id=commitment.unit_id, note_date=note_date,
                        text=text.strip(), author_id=user.id)
    db.session.add(note)
    db.session.flush()
    return note


# --- self-scores ------------------------------------------------------------------------------



def check_explanation(score: Decimal | None, explanation: str) -> str | None:
    if score and not explanation.strip():
        return _("Explain a score above 0: what was achieved, and which evidence shows it.")
    if len(explanation) > MAX_TEXT:
        return _("At most %(n)s characters.", n=MAX_TEXT)
    return None




def score_lock_reason(line: ScoreLine, campaign: Campaign, today: date) -> str | None:
    """Why a line cannot be edited now, or None."""
    try:
        check_score_editable(line, campaign, today)
    except WorkflowError as exc:
        return exc.message
    return None


def bonus_cap_error(line: ScoreLine, score: Decimal | None) -> str | None:
    """Bonus claims of a unit may not add up to more than the bonus group's cap."""
    criterion = line.criterion
    if criterion.kind is not CriterionKind.BONUS or not score:
        return None
    others = db.session.scalar(
        db.select(func.coalesce(func.sum(ScoreLine.self_score), 0))
        .join(Criterion, Criterion.id == ScoreLine.criterion_id)
        .where(ScoreLine.unit_id == line.unit_id, ScoreLine.campaign_id == line.campaign_id,
               Criterion.parent_id == criterion.parent_id, ScoreLine.id != line.id)
    )
    cap = criterion.parent.max_points
    if Decimal(others) + score > cap:
        return _("Bonus claims would add up to %(total)s, above the cap of %(cap)s.",
                 total=fmt_points(Decimal(others) + score), cap=fmt_points(cap))
    return None


@dataclass
class ScoreErrors:
    self_score: str | None = None
    explanation: str | None = None

    def __bool__(self) -> bool:
        return bool(self.self_score or self.explanation)


def validate_score_input(line: ScoreLine, raw_score: str | None, explanation: str) -> tuple[Decimal | None, ScoreErrors]:
    score, score_error = parse_score(raw_score, line.criterion)
    errors = ScoreErrors(self_score=score_error or bonus_cap_error(line, score))
    if not errors.self_score:
        errors.explanation = check_explanation(score, explanation)
    return score, errors


class InvalidScore(WorkflowError):
    def __init__(self, errors: ScoreErrors):
        super().__init__(errors.self_score or errors.explanation or "", status=422)
        self.errors = errors


def save_score_line(line: ScoreLine, user: User, raw_score: str | None, explanation: str, version: int | None,
                    today: date) -> ScoreLine:
    ensure(user, Action.EDIT, line)
    campaign = db.session.get(Campaign, line.campaign_id)
    check_score_editable(line, campaign, today)
    _check_version(line, version)
    score, errors = validate_score_input(line, raw_score, explanation)
    if errors:
        raise InvalidScore(errors)
    before = {"self_score": line.self_score, "explanation": line.explanation}
    line.self_score = score
    line.explanation = explanation.strip()
    line.updated_by_id = user.id
    after = {"self_score": line.self_score, "explanation": line.explanation}
    if before != after:
        workflow.record(line, "save", user, before=before, after=after)
    flush_or_conflict()
    return line


def submission_snapshot(line: ScoreLine) -> dict:
    """What a submission contained; the reviewer compares it with the previous one."""
    evidence = db.session.execute(
        db.select(Evidence.id, Evidence.original_name, Evidence.doc_number)
        .where(Evidence.unit_id == line.unit_id, Evidence.criterion_id == line.criterion_id,
               Evidence.campaign_id == line.campaign_id).order_by(Evidence.id)).all()
    return {"self_score": line.self_score, "explanation": line.explanation,
            "evidence": [[e.id, e.original_name or e.doc_number] for e in evidence]}


def evidence_count(line: ScoreLine) -> int:
    return db.session.scalar(
        db.select(func.count(Evidence.id)).where(Evidence.unit_id == line.unit_id,
                                                 Evidence.criterion_id == line.criterion_id,
                                                 Evidence.campaign_id == line.campaign_id))


def needs_evidence(criterion: Criterion, score: Decimal | None) -> bool:
    """Scored items marked so always need evidence; a bonus or deduction only when claimed."""
    if not criterion.evidence_required:
        return False
    return criterion.kind is CriterionKind.ITEM or bool(score)


def not_ready_reasons(line: ScoreLine, evidence: int) -> list[str]:
    """Why a line cannot be submitted yet (empty when it can)."""
    reasons = []
    if line.self_score is None:
        reasons.append(_("no self-score yet"))
    elif line.self_score > 0 and not line.explanation.strip():
        reasons.append(_("no explanation"))
    if needs_evidence(line.criterion, line.self_score) and evidence == 0:
        reasons.append(_("evidence is required"))
    return reasons


def submit_score_line(line: ScoreLine, user: User, today: date, version: int | None = None) -> None:
    ensure(user, Action.EDIT, line)
    campaign = db.session.get(Campaign, line.campaign_id)
    check_score_editable(line, campaign, today)
    _check_version(line, version)
    reasons = not_ready_reasons(line, evidence_count(line))
    if reasons:
        raise WorkflowError(_("Criterion %(code)s cannot be submitted: %(reasons)s.",
                              code=line.criterion.code, reasons="; ".join(reasons)), status=422)
    line.submitted_at = utcnow()
    workflow.apply(line, "submit", user, after=submission_snapshot(line))
    flush_or_conflict()


@dataclass
class BulkResult:
    submitted: list[ScoreLine] = field(default_factory=list)
    skipped: list[tuple[ScoreLine, list[str]]] = field(default_factory=list)


def submit_ready_lines(unit: Unit, campaign: Campaign, user: User, today: date) -> BulkResult:
    """Submit every editable line that has a score and is ready; report the others with reasons."""
    ensure(user, Action.EDIT, unit)
    ensure_workspace(unit, campaign)
    card = build_scorecard(unit, campaign)
    result = BulkResult()
    for row in card.rows:
        line = row.line
        if not line.is_editable or line.self_score is None:
            continue
        if row.reasons:
            result.skipped.append((line, row.reasons))
            continue
        check_score_editable(line, campaign, today)
        line.submitted_at = utcnow()
        workflow.apply(line, "submit", user, after=submission_snapshot(line))
        result.submitted.append(line)
    flush_or_conflict()
    return result


# --- the scorecard: everything the dashboard and scoring page show, in a fixed number of queries ---

_UNSET = object()


@dataclass
class ItemRow:
    criterion: Criterion
    line: ScoreLine
    commitment: Commitment | None
    evidence: int
    reasons: list[str]
    typed_score: object = _UNSET  # a score being typed, not saved (live total)

    @property
    def self_score(self) -> Decimal | None:
        return self.line.self_score if self.typed_score is _UNSET else self.typed_score


@dataclass
class GroupRow:
    criterion: Criterion
    rows: list[ItemRow]

    @property
    def self_total(self) -> Decimal:
        return sum((r.self_score or 0 for r in self.rows), Decimal(0))

    @property
    def capped_self_total(self) -> Decimal:
        return min(self.self_total, self.criterion.max_points)

    @property
    def approved_total(self) -> Decimal:
        """Only approved lines: in a chain of several levels an earlier level's figure is not yet approved."""
        return min(sum((r.line.approved_score or 0 for r in self.rows if r.line.state is ScoreState.APPROVED),
                       Decimal(0)), self.criterion.max_points)

    def count(self, *states: ScoreState) -> int:
        return sum(1 for r in self.rows if r.line.state in states)

    @property
    def missing_evidence(self) -> int:
        return sum(1 for r in self.rows if r.evidence == 0 and needs_evidence(r.criterion, r.self_score))

    @property
    def needing_action(self) -> int:
        """Lines waiting for the officer: returned ones, and drafts still missing a score, an
        explanation or evidence (the self-scoring page opens the groups that have any). A bonus or
        deduction line left empty is not waiting for anyone: claiming is optional."""
        optional = self.criterion.kind is not CriterionKind.GROUP
        return sum(1 for r in self.rows if r.line.state is ScoreState.RETURNED
                   or (r.line.state is ScoreState.DRAFT and r.reasons
                       and not (optional and r.line.self_score is None)))

    @property
    def sent(self) -> int:
        """Lines submitted or approved: the officer's part is done."""
        return self.count(ScoreState.SUBMITTED, ScoreState.APPROVED)


@dataclass
class Scorecard:
    campaign: Campaign
    unit: Unit
    registration: Registration
    groups: list[GroupRow]
    incomplete: bool = False

    @property
    def rows(self) -> list[ItemRow]:
        return [row for group in self.groups for row in group.rows]

    def _of(self, kind: CriterionKind) -> list[GroupRow]:
        return [g for g in self.groups if g.criterion.kind is kind]

    @property
    def task_groups(self) -> list[GroupRow]:
        return self._of(CriterionKind.GROUP)

    @property
    def provisional_total(self) -> Decimal:
        """Σ self-scores of items + bonus (capped) − deductions (capped); never the official total."""
        items = sum((g.self_total for g in self._of(CriterionKind.GROUP)), Decimal(0))
        bonus = sum((g.capped_self_total for g in self._of(CriterionKind.BONUS_GROUP)), Decimal(0))
        deductions = sum((g.capped_self_total for g in self._of(CriterionKind.DEDUCTION_GROUP)), Decimal(0))
        return items + bonus - deductions

    @property
    def approved_total(self) -> Decimal:
        items = sum((g.approved_total for g in self._of(CriterionKind.GROUP)), Decimal(0))
        bonus = sum((g.approved_total for g in self._of(CriterionKind.BONUS_GROUP)), Decimal(0))
        deductions = sum((g.approved_total for g in self._of(CriterionKind.DEDUCTION_GROUP)), Decimal(0))
        return items + bonus - deductions

    def count(self, *states: ScoreState) -> int:
        return sum(group.count(*states) for group in self.groups)

    @property
    def returned(self) -> list[ItemRow]:
        return [r for r in self.rows if r.line.state is ScoreState.RETURNED]

    @property
    def missing_evidence(self) -> int:
        return sum(g.missing_evidence for g in self.groups)

    @property
    def pledges_filled(self) -> int:
        return sum(1 for r in self.rows if r.commitment is not None and r.commitment.is_filled)

    @property
    def pledges_total(self) -> int:
        return sum(1 for r in self.rows if r.commitment is not None)

    def with_typed_score(self, line_id: int, score: Decimal | None) -> "Scorecard":
        """The same card with one line's score as typed but not saved (the live total while typing)."""
        for row in self.rows:
            if row.line.id == line_id:
                row.typed_score = score
        return self


def build_scorecard(unit: Unit, campaign: Campaign) -> Scorecard | None:
    """The unit's card, read only; None while the unit has no workspace in ``campaign`` yet.
    A criterion added after the workspace was set up has no line yet: it is left out and the
    card says it is incomplete (the officer's set-up button creates the rest)."""
    registration = registration_of(unit, campaign)
    if registration is None:
        return None
    criteria = db.session.execute(
        db.select(Criterion).where(Criterion.campaign_id == campaign.id).order_by(Criterion.position)
    ).scalars().all()
    lines = {line.criterion_id: line for line in db.session.execute(
        db.select(ScoreLine).where(ScoreLine.campaign_id == campaign.id, ScoreLine.unit_id == unit.id)).scalars()}
    commitments = {c.criterion_id: c for c in db.session.execute(
        db.select(Commitment).where(Commitment.registration_id == registration.id)).scalars()}
    evidence = dict(db.session.execute(
        db.select(Evidence.criterion_id, func.count(Evidence.id))
        .where(Evidence.campaign_id == campaign.id, Evidence.unit_id == unit.id)
        .group_by(Evidence.criterion_id)).all())
    groups = {c.id: GroupRow(c, []) for c in criteria if c.kind.is_group}
    incomplete = False
    for criterion in criteria:
        if criterion.kind.is_group or criterion.parent_id not in groups:
            continue
        line = lines.get(criterion.id)
        if line is None or (criterion.kind is CriterionKind.ITEM and criterion.id not in commitments):
            incomplete = True
            if line is None:
                continue
        count = evidence.get(criterion.id, 0)
        groups[criterion.parent_id].rows.append(
            ItemRow(criterion, line, commitments.get(criterion.id), count, not_ready_reasons(line, count)))
    return Scorecard(campaign, unit, registration, list(groups.values()), incomplete)
