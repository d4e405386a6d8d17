"""Demo workspaces: several units with pledges, progress notes, evidence files and self-scores in
every state, so a new user sees a lived-in portal. Deterministic (seeded) so screenshots repeat."""
from __future__ import annotations

import io
import random
import struct
import zlib
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app

from portal import workflow
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
ISSUERS = ["Ban Tổ chức Thành ủy", "Ban Thường vụ Huyện ủy", "Ban Tổ chức Tỉnh ủy"]

# unit code → how far its year has gone
PLANS = {
    "BH": {"registration": RegistrationState.ACCEPTED, "scored": 0.9, "submitted": 0.8, "approved": 0.5, "returned": 2},
    "LK": {"registration": RegistrationState.ACCEPTED, "scored": 0.8, "submitted": 0.6, "approved": 0.3, "returned": 1},
    "LT": {"registration": RegistrationState.SUBMITTED, "scored": 0.6, "submitted": 0.3, "approved": 0.0, "returned": 0},
    "XL": {"registration": RegistrationState.RETURNED, "scored": 0.3, "submitted": 0.0, "approved": 0.0, "returned": 0},
    "DU-CA": {"registration": RegistrationState.DRAFT, "scored": 0.15, "submitted": 0.0, "approved": 0.0, "returned": 0},
}


def demo_pdf(title: str) -> bytes:
    """A one-page PDF whose text is the (ASCII-folded) title."""
    text = title.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 60 780 Td ({text[:80]}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_png(seed: int) -> bytes:
    """A small photo-like PNG (colour bands), different per seed."""
    rng = random.Random(seed)
    width, height = 48, 32
    colours = [tuple(rng.randrange(256) for _ in range(3)) for _ in range(4)]
    rows = b"".join(b"\x00" + b"".join(bytes(colours[(x // 12) % 4]) for x in range(width)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


DEMO_PASSWORD = "thidua2025"  # the README's demo password, for the extra officers too


def seed_scored_units(campaign: Campaign, today: date) -> None:
    """Every other ranked unit gets a reviewed scorecard, so the demo scoreboard is full; two units
    end up with exactly the same scores, so it shows a tie."""
    reviewer = db.session.execute(db.select(User).where(User.role == Role.REVIEWER).order_by(User.id)).scalars().first()
    units = db.session.execute(db.select(Unit).where(Unit.cluster_id.is_not(None), Unit.code.not_in(list(PLANS)))
                               .order_by(Unit.code)).scalars().all()
    for index, unit in enumerate(units):
        officer = db.session.execute(db.select(User).where(User.unit_id == unit.id)).scalars().first()
        actor = officer or create_user(f"demo-{unit.code.lower()}", f"Cán bộ {unit.short_name}", Role.UNIT_OFFICER,
                                       DEMO_PASSWORD, unit.code)
        rng = random.Random("tie" if index in (1, 2) else unit.code)  # units 1 and 2 tie
        ensure_workspace(unit, campaign)
        card = build_scorecard(unit, campaign)
        if any(row.line.state is not ScoreState.DRAFT for row in card.rows):
            continue  # already seeded
        for row in card.rows:
            line, criterion = row.line, row.criterion
            if criterion.kind is CriterionKind.ITEM:
                fraction = rng.choice([1, 1, 0.875, 0.75, 0.5])
                line.self_score = (criterion.max_points * Decimal(str(fraction)) * 4).to_integral_value() / 4
            else:
                line.self_score = Decimal(rng.choice([0, 0, 1])) if criterion.max_points >= 1 else Decimal(0)
            line.explanation = "Kết quả theo báo cáo tổng kết năm của đơn vị." if line.self_score else ""
            if line.self_score and criterion.evidence_required:
                db.session.add(Evidence(campaign_id=campaign.id, unit_id=unit.id, criterion_id=criterion.id,
                                        doc_number=f"{rng.randint(10, 300)}-BC/BTC", doc_date=today - timedelta(days=30),
                                        doc_issuer=f"Ban Tổ chức {unit.short_name}", title="Báo cáo kết quả thực hiện",
                                        uploaded_by_id=actor.id))
            db.session.flush()
            line.submitted_at = utcnow() - timedelta(days=20)
            workflow.apply(line, "submit", actor, after=submission_snapshot(line), now=line.submitted_at)
            review.approve_score(line, reviewer)
    db.session.commit()


def seed_workspaces(campaign: Campaign, today: date) -> None:
    reviewer = db.session.execute(db.select(User).where(User.role == Role.REVIEWER).order_by(User.id)).scalars().first()
    store = FileStore(current_app.config["UPLOAD_DIR"])
    for code, plan in PLANS.items():
        unit = db.session.execute(db.select(Unit).where(Unit.code == code)).scalar_one_or_none()
        officer = db.session.execute(
            db.select(User).where(User.unit_id == (unit.id if unit else None))).scalars().first()
        if unit is None or officer is None:
            continue
        _seed_unit(unit, officer, reviewer, campaign, plan, store, today, random.Random(code))
    db.session.commit()


def _seed_unit(unit, officer, reviewer, campaign, plan, store, today, rng) -> None:
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
            db.session.add(ProgressNote(commitment=commitment, unit_id=unit.id, note_date=today - timedelta(days=days),
                                        text=note, author_id=officer.id))
    _advance_registration(registration, plan["registration"], officer, reviewer)
    db.session.flush()

    card = build_scorecard(unit, campaign)
    rows = [r for r in card.rows if r.criterion.kind is not CriterionKind.DEDUCTION]
    scored = rows[: round(len(rows) * plan["scored"])]
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
            _attach(line, officer, store, today, rng, index)
    db.session.flush()
    _advance_lines(scored, plan, officer, reviewer, rng)


def _attach(line: ScoreLine, officer, store, today, rng, index) -> None:
    criterion = line.criterion
    number = f"{rng.randint(10, 480)}-{rng.choice(['KH', 'BC', 'QĐ', 'CTr'])}/BTC"
    uploads = [Upload(io.BytesIO(demo_pdf(f"{number} {criterion.code} Bao cao ket qua")), f"{number.replace('/', '-')} Báo cáo kết quả {criterion.code}.pdf")]
    if index % 4 == 0:
        uploads.append(Upload(io.BytesIO(demo_png(index)), f"Ảnh hội nghị {criterion.code}.png"))
    add_files(line, officer, uploads, store, 10**7, today)
    if index % 3 == 0:
        db.session.add(Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                                doc_number=number, doc_date=today - timedelta(days=rng.randint(20, 200)),
                                doc_issuer=rng.choice(ISSUERS), title=f"Văn bản về {criterion.title[:80].lower()}",
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
