"""Demo nominations in every state, with generated dossier files: one vote that passed (and was
decided), one that failed, one still open."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta

from flask import current_app

from portal import workflow
from portal.demo.documents import Letterheads, dossier_document, render_pdfs
from portal.evidence.services import Upload
from portal.extensions import db
from portal.models import AwardType, Campaign, Nomination, NominationState, Role, Unit, User, VoteChoice, utcnow
from portal.nominations import services
from portal.review import services as review
from portal.uploads import FileStore

# unit code, award code, nominee (None: the unit), position, years, final state, council votes
PLAN = [
    ("TN", "GK-BTCTU-TT", None, "", None, NominationState.AWARDED, ["agree", "agree", "agree"]),
    ("TP", "BK-BTVTU-CN", "Phạm Thị Lan", "Phó Trưởng ban Tổ chức Huyện ủy", 14, NominationState.REJECTED,
     ["agree", "disagree", "abstain"]),
    ("TB", "GK-BTCTU-CN", "Nguyễn Hữu Phước", "Chuyên viên Ban Tổ chức Huyện ủy", 8, NominationState.APPROVED,
     ["agree", "agree", "disagree"]),
    ("NT", "GK-BTCTU-TT", None, "", None, NominationState.FORWARDED, ["agree"]),
    ("LK", "GK-BTCTU-CN", "Trịnh Văn Sơn", "Trưởng phòng Tổ chức cơ sở đảng", 11, NominationState.SUBMITTED, []),
    ("LT", "GK-BTCTU-CN", "Đỗ Thị Hạnh", "Chuyên viên", 6, NominationState.RETURNED, []),
    ("BH", "GK-BTCTU-CN", "Hoàng Minh Tuấn", "Phó Trưởng ban", 12, NominationState.DRAFT, []),
]
# Achievements are written from these pieces with each nominee's own figures, so no two read alike.
UNIT_FACTS = [
    "tham mưu {organ_superior} ban hành {documents} văn bản về công tác tổ chức xây dựng Đảng, đúng tiến độ",
    "hướng dẫn {bases}/{bases} tổ chức cơ sở đảng tổ chức thành công đại hội nhiệm kỳ 2025 - 2030",
    "kết nạp {admitted} đảng viên mới, đạt {share}% chỉ tiêu được giao",
    "hoàn thành sắp xếp {merged} đầu mối tổ chức bộ máy, giảm {reduced} phòng, ban trực thuộc",
    "thẩm định, xác minh tiêu chuẩn chính trị {checked} trường hợp nhân sự, không để xảy ra sai sót",
    "100% chi bộ sử dụng Sổ tay đảng viên điện tử; {regular}% chi bộ xếp loại sinh hoạt tốt trở lên",
]
PERSON_FACTS = [
    "trực tiếp chủ trì soạn thảo {documents} đề án, tờ trình trình Ban Thường vụ",
    "phụ trách địa bàn {bases} tổ chức cơ sở đảng, theo dõi sát tiến độ đại hội cơ sở",
    "tham gia {checked} đoàn thẩm tra, xác minh tiêu chuẩn chính trị",
    "có {articles} bài viết về công tác tổ chức xây dựng Đảng đăng trên báo, tạp chí của tỉnh",
    "đề xuất mô hình \"{model}\" được Ban Thường vụ đánh giá cao, nhân rộng ra {spread} cơ sở",
    "{excellent} năm liên tục hoàn thành xuất sắc nhiệm vụ, đạt danh hiệu Chiến sĩ thi đua cơ sở",
]
MODELS = ["Chi bộ 4 tốt", "Ngày đảng viên số", "Sinh hoạt chi bộ chuyên đề hằng quý", "Tổ tư vấn phát triển đảng viên"]


def achievements_for(unit, superior: str, name: str, position: str, years: int | None, rng: random.Random) -> str:
    """Two or three sentences about this unit or person, with figures of their own."""
    figures = dict(organ_superior=superior or "cấp ủy", documents=rng.randint(6, 24), bases=rng.randint(24, 96),
                   admitted=rng.randint(90, 420), share=rng.randint(102, 131), merged=rng.randint(3, 11),
                   reduced=rng.randint(1, 5), checked=rng.randint(18, 140), regular=rng.randint(82, 97),
                   articles=rng.randint(2, 9), model=rng.choice(MODELS), spread=rng.randint(5, 30),
                   excellent=rng.randint(2, 4))
    if name:
        facts = rng.sample(PERSON_FACTS, 3)
        opening = f"Đồng chí {name}, {position}"
        opening += f", {years} năm công tác trong Ngành Tổ chức xây dựng Đảng" if years else ""
        text = f"{opening}: " + "; ".join(fact.format(**figures) for fact in facts) + "."
    else:
        facts = rng.sample(UNIT_FACTS, 3)
        text = f"{unit.name}: " + "; ".join(fact.format(**figures) for fact in facts) + "."
    return text


def seed_nominations(campaign: Campaign, today: date, letterheads: Letterheads) -> None:
    if db.session.scalar(db.select(db.func.count(Nomination.id))):
        return
    reviewer = db.session.execute(db.select(User).where(User.role == Role.REVIEWER).order_by(User.id)).scalars().first()
    admin = db.session.execute(db.select(User).where(User.role == Role.ADMIN).order_by(User.id)).scalars().first()
    members = db.session.execute(db.select(User).where(User.role == Role.COUNCIL).order_by(User.id)).scalars().all()
    store = FileStore(current_app.config["UPLOAD_DIR"])
    for code, award_code, name, position, years, target, votes in PLAN:
        unit = db.session.execute(db.select(Unit).where(Unit.code == code)).scalar_one_or_none()
        award = db.session.execute(db.select(AwardType).where(
            AwardType.campaign_id == campaign.id, AwardType.code == award_code)).scalar_one_or_none()
        officer = db.session.execute(db.select(User).where(User.unit_id == (unit.id if unit else None))).scalars().first()
        if unit is None or award is None or officer is None:
            continue
        rng = random.Random(f"{code} {name}")
        issuer = letterheads.issuer(unit)
        achievements = achievements_for(unit, issuer.superior, name or "", position, years, rng)
        nomination = services.create_nomination(unit, award, officer,
                                                services.NomineeValues(name or "", position, years, achievements))
        papers = [dossier_document(issuer, letterheads.province_organ, document, award.name, name or unit.name,
                                   achievements, campaign.year, letterheads.numbers.next(issuer),
                                   today - timedelta(days=rng.randint(14, 30)), rng)
                  for document in award.required_documents]
        for document, pdf in zip(award.required_documents, render_pdfs(papers)):
            services.add_documents(nomination, officer, document,
                                   [Upload(io.BytesIO(pdf), f"{document} - {name or unit.short_name}.pdf")], store, 10**7)
        if target is NominationState.DRAFT:
            continue
        nomination.submitted_at = utcnow() - timedelta(days=12)
        workflow.apply(nomination, "submit", officer)
        if target is NominationState.SUBMITTED:
            continue
        if target is NominationState.RETURNED:
            review.return_item(nomination, reviewer, "Đề nghị bổ sung báo cáo thành tích có xác nhận của cấp ủy.")
            continue
        services.forward(nomination, reviewer)
        for member, choice in zip(members, votes):
            services.cast_vote(nomination, member, VoteChoice(choice))
        if target is NominationState.FORWARDED:
            continue
        services.close_vote(nomination, admin)
        if target is NominationState.AWARDED and nomination.state is NominationState.APPROVED:
            board = letterheads.issuer_of_board()
            services.record_decision(nomination, admin, f"{letterheads.numbers.next(board)}-QĐ/{board.symbol}",
                                     today - timedelta(days=2), f"Trưởng {board.organ}")
    db.session.commit()
