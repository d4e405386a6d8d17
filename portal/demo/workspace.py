"""Demo workspaces: several units with pledges, progress notes, evidence files and self-scores in
every state, so a new user sees a lived-in portal. Deterministic (seeded) so screenshots repeat."""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app

from portal import workflow
from portal.demo.documents import Document, Letterheads, conference_png, evidence_document, render_pdfs
from portal.evidence.services import Upload, add_files
from portal.extensions import db
from portal.models import (
    Campaign,
    Commitment,
    CriterionKind,
    Evidence,
    ProgressNote,
    RegistrationState,
    Role,
    ScoreLine,
    ScoreState,
    Unit,
    User,
    utcnow,
)
from portal.accounts.services import create_user
from portal.uploads import FileStore
from portal import chain
from portal.review import services as review
from portal.workspace.services import build_scorecard, ensure_workspace, submission_snapshot

# (target text, number, unit of measure) for the 2025 criteria; others get a general target.
TARGETS = {
    "1.1": ("Ban hành Chương trình công tác năm 2025 trước ngày 31/01; hoàn thành đúng tiến độ 100% nhiệm vụ", 1, "chương trình"),
    "1.2": ("Tổ chức thành công đại hội đảng bộ cấp mình; 100% đảng bộ cấp dưới đại hội đúng tiến độ", 100, "%"),
    "2.1": ("Hoàn thành đề án sắp xếp tổ chức bộ máy theo chỉ đạo của Trung ương và Tỉnh ủy", 1, "đề án"),
    "2.2": ("Ban hành đầy đủ quy định chức năng, nhiệm vụ, quy chế làm việc sau kiện toàn", 6, "văn bản"),
    "2.3": ("Xây dựng phương án cơ cấu lại đội ngũ cán bộ gắn với vị trí việc làm", 1, "phương án"),
    "3.4": ("Kết nạp đảng viên mới đạt và vượt chỉ tiêu được giao", 320, "đảng viên"),
    "3.6": ("100% chi bộ sử dụng Sổ tay đảng viên điện tử trong sinh hoạt", 100, "%"),
    "4.3": ("Hoàn thành đánh giá, xếp loại cán bộ; rà soát, bổ sung quy hoạch đúng quy định", 1, "đợt"),
    "5.3": ("Thực hiện đúng hạn 100% chế độ thông tin, báo cáo", 100, "%"),
    "6.1": ("Tổ chức phát động và ký kết giao ước thi đua trong quý I", 1, "hội nghị"),
}
NOTES = [
    "Đã ban hành kế hoạch triển khai và phân công cán bộ phụ trách.",
    "Hoàn thành khoảng 60% khối lượng công việc; đang tổng hợp số liệu.",
    "Đã báo cáo kết quả với Ban Thường vụ; tiếp tục theo dõi, đôn đốc cơ sở.",
]
DOCUMENT_KINDS = [("KH", "Kế hoạch"), ("BC", "Báo cáo"), ("CTr", "Chương trình")]

# unit code → how far its year has gone
PLANS = {
    "BH": {"registration": RegistrationState.ACCEPTED, "scored": 0.9, "submitted": 0.8, "approved": 0.5, "returned": 2},
    "LK": {"registration": RegistrationState.ACCEPTED, "scored": 0.8, "submitted": 0.6, "approved": 0.3, "returned": 1},
    "LT": {"registration": RegistrationState.SUBMITTED, "scored": 0.6, "submitted": 0.3, "approved": 0.0, "returned": 0},
    "XL": {"registration": RegistrationState.RETURNED, "scored": 0.3, "submitted": 0.0, "approved": 0.0, "returned": 0},
    "DU-CA": {"registration": RegistrationState.DRAFT, "scored": 0.15, "submitted": 0.0, "approved": 0.0, "returned": 0},
}


DEMO_PASSWORD = "thidua2025"  # the README's demo password, for the extra officers too


# How strong each fully reviewed unit's year was (share of the points): a few excellent, most good,
# one or two only completed, so the ranking and the classifications look like a real year's.
STRENGTHS = [0.96, 0.93, 0.91, 0.87, 0.84, 0.81, 0.78, 0.75, 0.72, 0.66, 0.6]


def _waiting(strengths: list[float]) -> set[int]:
    """Which reviewed units (by index) have passed the specialists but wait for the board leadership's
    sign-off (their scorecards in the second level's queue), so the ranking is not yet complete: the
    second strongest, a middle one and the weakest, so the signed-off ones keep a real spread."""
    ranked = sorted(range(len(strengths)), key=lambda index: -strengths[index])
    return {ranked[1], ranked[len(ranked) // 2], ranked[-1]} if len(ranked) >= 6 else set()
# The board leadership's adjustment of one line of the first waiting unit, shown against the
# specialist's figure.
LEADER_REASON = "Kết quả chưa đạt chỉ tiêu đăng ký; điều chỉnh theo báo cáo tổng kết của đơn vị."


def _first_reviewer() -> User:
    """The demo's specialist (a member of the first review level; the first reviewer otherwise)."""
    return (db.session.execute(db.select(User).where(User.username == "thamdinh")).scalar_one_or_none()
            or db.session.execute(db.select(User).where(User.role == Role.REVIEWER).order_by(User.id)).scalars().first())


def _member(level: chain.Level, fallback: User) -> User:
    if level.member_ids:
        return db.session.execute(db.select(User).where(User.id.in_(level.member_ids)).order_by(User.id)).scalars().first()
    return fallback


def _quarter(value: Decimal) -> Decimal:
    return (value * 4).to_integral_value() / 4


def _scores_for(rows, strength: float, rng: random.Random, taken: dict) -> dict:
    """Self-scores near ``strength`` for every line, nudged until each task group's total differs from
    every other reviewed unit's total in that group (``taken``: group code → totals already used)."""
    scores = {}
    for row in rows:
        criterion = row.criterion
        if criterion.kind is CriterionKind.ITEM:
            fraction = min(1.0, max(0.3, rng.gauss(strength, 0.08)))
            scores[row.criterion.id] = _quarter(criterion.max_points * Decimal(str(round(fraction, 3))))
        elif criterion.kind is CriterionKind.BONUS:
            scores[row.criterion.id] = Decimal(rng.choice([0, 0.5, 1])) * (1 if strength > 0.8 else 0) if criterion.max_points >= 1 else Decimal(0)
        else:
            scores[row.criterion.id] = Decimal(rng.choice([0, 0, 0, 1])) if criterion.max_points >= 1 and strength < 0.8 else Decimal(0)
    groups: dict = {}
    for row in rows:
        if row.criterion.kind is CriterionKind.ITEM and row.criterion.parent is not None:
            groups.setdefault(row.criterion.parent.code, []).append(row)
    for code, members in groups.items():
        used = taken.setdefault(code, set())
        step = Decimal("-0.25") if strength > 0.5 else Decimal("0.25")
        index = 0
        while sum(scores[r.criterion.id] for r in members) in used and index < 200:
            row = members[index % len(members)]
            candidate = scores[row.criterion.id] + step
            if 0 <= candidate <= row.criterion.max_points:
                scores[row.criterion.id] = candidate
            index += 1
        used.add(sum(scores[r.criterion.id] for r in members))
    return scores


def seed_scored_units(campaign: Campaign, today: date, letterheads: Letterheads) -> None:
    """Every other ranked unit gets a reviewed scorecard, so the demo scoreboard is full; no two of them
    have the same total in any task group."""
    reviewer = _first_reviewer()
    units = db.session.execute(db.select(Unit).where(Unit.cluster_id.is_not(None), Unit.code.not_in(list(PLANS)))
                               .order_by(Unit.code)).scalars().all()
    strengths = STRENGTHS[:]
    random.Random(campaign.year).shuffle(strengths)
    taken: dict = {}
    waiting = _waiting([strengths[index % len(strengths)] for index in range(len(units))])
    adjusted = False
    for index, unit in enumerate(units):
        officer = db.session.execute(db.select(User).where(User.unit_id == unit.id)).scalars().first()
        actor = officer or create_user(f"demo-{unit.code.lower()}", f"Cán bộ {unit.short_name}", Role.UNIT_OFFICER,
                                       DEMO_PASSWORD, unit.code)
        rng = random.Random(unit.code)
        ensure_workspace(unit, campaign)
        card = build_scorecard(unit, campaign)
        if any(row.line.state is not ScoreState.DRAFT for row in card.rows):
            continue  # already seeded
        issuer = letterheads.issuer(unit)
        strength = strengths[index % len(strengths)]
        scores = _scores_for(card.rows, strength, rng, taken)
        with chain.scorecard_sync_held():  # the unit's scorecard is settled once, when every line has passed
            for row in card.rows:
                line, criterion = row.line, row.criterion
                line.self_score = scores[criterion.id]
                line.explanation = _explanation(criterion, rng) if line.self_score else ""
                if line.self_score and criterion.evidence_required:
                    kind, name = rng.choice(DOCUMENT_KINDS)
                    db.session.add(Evidence(campaign_id=campaign.id, unit_id=unit.id, criterion_id=criterion.id,
                                            doc_number=f"{letterheads.numbers.next(issuer)}-{kind}/{issuer.symbol}",
                                            doc_date=_in_year(today - timedelta(days=rng.randint(20, 200)), campaign.year),
                                            doc_issuer=issuer.organ, title=f"{name} về {_lower_first(criterion.title)}"[:200],
                                            uploaded_by_id=actor.id))
                db.session.flush()
                line.submitted_at = utcnow() - timedelta(days=20)
                workflow.apply(line, "submit", actor, after=submission_snapshot(line), now=line.submitted_at)
                review.approve_score(line, reviewer)
        chain.sync_scorecard(campaign.id, unit.id, reviewer, utcnow())
        if index in waiting:
            if not adjusted:
                adjusted = _leader_adjusts(campaign, unit, card.rows, reviewer)
        else:
            _sign_off(campaign, unit, reviewer)
    db.session.commit()


def _sign_off(campaign: Campaign, unit: Unit, fallback: User) -> None:
    """The unit's scorecard signed off at each scorecard level it reaches, up to the official total."""
    scorecard = chain.scorecard_for(campaign.id, unit.id)
    while scorecard is not None and scorecard.state.value == "submitted":
        level = chain.level_at(campaign, scorecard.level)
        if not level.reviews_scorecards:
            return
        review.sign_off_scorecard(scorecard, _member(level, fallback))
        if (scorecard.state.value, scorecard.level) == ("submitted", level.position):
            return  # nothing moved (cannot happen; no endless loop if it did)


def _leader_adjusts(campaign: Campaign, unit: Unit, rows, fallback: User) -> bool:
    """One line of a scorecard waiting at a scorecard level lowered by that level, with a reason."""
    scorecard = chain.scorecard_for(campaign.id, unit.id)
    if scorecard is None or scorecard.state.value != "submitted":
        return False
    level = chain.level_at(campaign, scorecard.level)
    line = next((row.line for row in rows if row.criterion.kind is CriterionKind.ITEM
                 and row.line.approved_score is not None and row.line.approved_score >= 1), None)
    if not level.reviews_scorecards or line is None:
        return False
    review.adjust_score(line, _member(level, fallback), format(line.approved_score - Decimal("0.5"), "f"), LEADER_REASON)
    return True


EXPLANATIONS = [
    "Hoàn thành {share} chỉ tiêu đăng ký; có báo cáo kết quả, số liệu kèm theo.",
    "Đạt {share} khối lượng công việc theo kế hoạch; đúng tiến độ, được cấp ủy đánh giá cao.",
    "Kết quả đạt {share} so với chỉ tiêu; còn một số nội dung chuyển sang quý sau.",
]


def _explanation(criterion, rng: random.Random) -> str:
    return rng.choice(EXPLANATIONS).format(share=f"{rng.randint(82, 100)}%")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _in_year(day: date, year: int) -> date:
    """Document dates stay inside the campaign's year (a demo loaded in January has none from before)."""
    return max(day, date(year, 1, 5))


def seed_workspaces(campaign: Campaign, today: date, letterheads: Letterheads) -> None:
    reviewer = _first_reviewer()
    store = FileStore(current_app.config["UPLOAD_DIR"])
    for code, plan in PLANS.items():
        unit = db.session.execute(db.select(Unit).where(Unit.code == code)).scalar_one_or_none()
        officer = db.session.execute(
            db.select(User).where(User.unit_id == (unit.id if unit else None))).scalars().first()
        if unit is None or officer is None:
            continue
        _seed_unit(unit, officer, reviewer, campaign, plan, store, today, random.Random(code), letterheads)
    db.session.commit()


def _seed_unit(unit, officer, reviewer, campaign, plan, store, today, rng, letterheads) -> None:
    registration = ensure_workspace(unit, campaign)
    if db.session.scalar(db.select(db.func.count(Evidence.id)).where(Evidence.unit_id == unit.id)):
        return  # already seeded
    commitments = db.session.execute(db.select(Commitment).where(Commitment.registration_id == registration.id)).scalars()
    for commitment in commitments:
        text, number, measure = TARGETS.get(commitment.criterion.code, (
            f"Hoàn thành tốt nội dung: {commitment.criterion.title[0].lower()}{commitment.criterion.title[1:]}", None, ""))
        commitment.target_text, commitment.target_value, commitment.target_unit = text, number, measure
        commitment.updated_by_id = officer.id
        for days, note in zip((120, 60, 14), NOTES[: rng.randint(1, 3)]):
            db.session.add(ProgressNote(commitment=commitment, unit_id=unit.id,
                                        note_date=_in_year(today - timedelta(days=days), campaign.year),
                                        text=note, author_id=officer.id))
    _advance_registration(registration, plan["registration"], officer, reviewer)
    db.session.flush()

    card = build_scorecard(unit, campaign)
    rows = [r for r in card.rows if r.criterion.kind is not CriterionKind.DEDUCTION]
    scored = rows[: round(len(rows) * plan["scored"])]
    papers = []
    for index, row in enumerate(scored):
        line, criterion = row.line, row.criterion
        fraction = rng.choice([1, 1, 0.9375, 0.875, 0.75])
        score = (criterion.max_points * Decimal(str(fraction)) * 4).to_integral_value() / 4
        if criterion.kind is CriterionKind.BONUS:
            score = Decimal(rng.choice([0, 1, 2])) if criterion.max_points >= 2 else Decimal(0)
        line.self_score = score
        line.explanation = (f"Đơn vị đã thực hiện: {criterion.title[0].lower()}{criterion.title[1:]}. "
                            f"Kết quả đạt {fraction:.0%} chỉ tiêu đăng ký; minh chứng kèm theo.") if score else ""
        line.updated_by_id = officer.id
        if criterion.evidence_required and (criterion.kind is CriterionKind.ITEM or score):
            papers.append(_paper(line, today, rng, index, unit, letterheads))
    for paper, pdf in zip(papers, render_pdfs([paper.document for paper in papers])):
        _attach(paper, pdf, officer, store, today, rng, unit, letterheads)
    db.session.flush()
    _advance_lines(scored, plan, officer, reviewer, rng)


@dataclass
class _Paper:
    """A generated evidence document waiting for its line (all of a unit's are drawn at once)."""
    line: ScoreLine
    index: int
    file_name: str
    document: Document


def _paper(line: ScoreLine, today, rng, index, unit, letterheads: Letterheads) -> _Paper:
    """A plan, report or programme of the unit about the line's criterion, with its own number."""
    criterion, issuer, year = line.criterion, letterheads.issuer(unit), letterheads.year
    kind, name = rng.choice(DOCUMENT_KINDS)
    number = letterheads.numbers.next(issuer)
    day = _in_year(today - timedelta(days=rng.randint(20, 200)), year)
    document = evidence_document(issuer, letterheads.province_organ, criterion.title, year, kind, number, day, rng)
    return _Paper(line, index, f"{number}-{kind}-{issuer.symbol} {name} {criterion.code}.pdf", document)


def _attach(paper: _Paper, pdf: bytes, officer, store, today, rng, unit, letterheads: Letterheads) -> None:
    """The document's file and, now and then, a photo; every third line also gets a document
    reference without a file."""
    line, index = paper.line, paper.index
    criterion, issuer, year = line.criterion, letterheads.issuer(unit), letterheads.year
    uploads = [Upload(io.BytesIO(pdf), paper.file_name)]
    if index % 4 == 0:
        picture = conference_png(issuer.organ, f"Hội nghị triển khai: {criterion.title}", year, f"{unit.code} {index}")
        uploads.append(Upload(io.BytesIO(picture), f"Ảnh hội nghị {criterion.code}.png"))
    add_files(line, officer, uploads, store, 10**7, today)
    if index % 3 == 0:
        kind, name = rng.choice(DOCUMENT_KINDS)
        db.session.add(Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                                doc_number=f"{letterheads.numbers.next(issuer)}-{kind}/{issuer.symbol}",
                                doc_date=_in_year(today - timedelta(days=rng.randint(20, 200)), year),
                                doc_issuer=issuer.organ, title=f"{name} về {_lower_first(criterion.title)}"[:200],
                                uploaded_by_id=officer.id))


def _advance_registration(registration, target: RegistrationState, officer, reviewer) -> None:
    if target is RegistrationState.DRAFT:
        return
    registration.submitted_at = utcnow()
    workflow.apply(registration, "submit", officer)
    if target is RegistrationState.ACCEPTED:
        review.accept_registration(registration, reviewer)
    elif target is RegistrationState.RETURNED:
        review.return_item(registration, reviewer, "Đề nghị bổ sung chỉ tiêu định lượng cho các tiêu chí 3.4 và 3.6, "
                                                   "thống nhất với Nghị quyết đại hội.")


def _advance_lines(rows, plan, officer, reviewer, rng) -> None:
    submitted = rows[: round(len(rows) * plan["submitted"]) if rows else 0]
    for row in submitted:
        # spread over the last weeks, so waiting times and overdue flags show
        row.line.submitted_at = utcnow() - timedelta(days=rng.randint(0, 18), hours=rng.randint(0, 8))
        workflow.apply(row.line, "submit", officer, after=submission_snapshot(row.line), now=row.line.submitted_at)
    approved_count = round(len(rows) * plan["approved"])
    for row in submitted[:approved_count]:
        line = row.line
        if rng.random() < 0.2 and line.self_score and line.self_score >= 1:
            review.adjust_score(line, reviewer, format(line.self_score - Decimal("0.5"), "f"),
                                "Minh chứng chưa thể hiện đầy đủ kết quả so với chỉ tiêu đăng ký.")
        else:
            review.approve_score(line, reviewer)
    for row in submitted[approved_count: approved_count + plan["returned"]]:
        review.return_item(row.line, reviewer,
                           "Đề nghị bổ sung văn bản minh chứng kết quả thực hiện (báo cáo có số, ký hiệu).")
