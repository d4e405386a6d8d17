"""Demo nominations in every state, with generated dossier files: one vote that passed (and was
decided), one that failed, one still open."""
from __future__ import annotations

import io
from datetime import date, timedelta

from flask import current_app

from portal import workflow
from portal.demo.workspace import demo_pdf
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
ACHIEVEMENTS = ("Tham mưu hoàn thành xuất sắc công tác chuẩn bị và tổ chức đại hội đảng bộ các cấp; chủ động đề xuất "
                "sắp xếp, tinh gọn tổ chức bộ máy; thực hiện tốt công tác cán bộ, bảo vệ chính trị nội bộ.")


def seed_nominations(campaign: Campaign, today: date) -> None:
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
        nomination = services.create_nomination(unit, award, officer,
                                                services.NomineeValues(name or "", position, years, ACHIEVEMENTS))
        for document in award.required_documents:
            file_name = f"{document} - {unit.short_name}.pdf"
            services.add_documents(nomination, officer, document,
                                   [Upload(io.BytesIO(demo_pdf(f"{document} {unit.code}")), file_name)],
                                   store, 10**7)
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
            services.record_decision(nomination, admin, "125-QĐ/BTCTU", today - timedelta(days=2),
                                     "Trưởng Ban Tổ chức Tỉnh ủy")
    db.session.commit()
