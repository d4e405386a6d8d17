"""Demo data: the 2025 campaign with the real units and criteria, and one account per role."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from portal import clock
from portal.accounts.services import create_user
from portal.demo.nominations import seed_nominations
from portal.demo.workspace import DEMO_PASSWORD, seed_scored_units, seed_workspaces
from portal.extensions import db
from portal.models import Campaign, CampaignState, Role, User
from portal.reference.importer import import_directory

DATA_2025 = Path(__file__).resolve().parent.parent / "reference" / "data" / "2025"

CAMPAIGN_NAME = "Phong trào thi đua Ngành Tổ chức xây dựng Đảng năm 2025"
THEME = (
    "Toàn Ngành Tổ chức XDĐ tiếp tục đoàn kết, chung sức, đồng lòng, vượt qua mọi khó khăn, thách thức, "
    "thực hiện tốt các nhiệm vụ chính trị được giao góp phần thực hiện thắng lợi nhiệm vụ Tổng kết "
    "Nghị quyết 18 và tổ chức thành công đại hội đảng bộ các cấp tiến tới Đại hội Đảng bộ tỉnh Đồng Nai "
    "lần thứ XII và Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"
)

# (username, full name, role, unit code)
DEMO_ACCOUNTS = [
    ("admin", "Nguyễn Văn Quản", Role.ADMIN, None),
    ("thamdinh", "Trần Thị Thẩm", Role.REVIEWER, None),
    ("thamdinh2", "Lê Minh Định", Role.REVIEWER, None),
    ("hoidong", "Phạm Văn Hội", Role.COUNCIL, None),
    ("hoidong2", "Võ Thị Đồng", Role.COUNCIL, None),
    ("hoidong3", "Đặng Quốc Khánh", Role.COUNCIL, None),
    ("bienhoa", "Hoàng Thị Biên", Role.UNIT_OFFICER, "BH"),
    ("longkhanh", "Ngô Văn Khánh", Role.UNIT_OFFICER, "LK"),
    ("longthanh", "Bùi Thị Thành", Role.UNIT_OFFICER, "LT"),
    ("xuanloc", "Huỳnh Văn Lộc", Role.UNIT_OFFICER, "XL"),
    ("congan", "Đỗ Minh Công", Role.UNIT_OFFICER, "DU-CA"),
]


def database_is_empty() -> bool:
    return db.session.execute(db.select(User.id).limit(1)).first() is None


def seed_demo(today: date | None = None) -> Campaign:
    """Load the demo; deadlines are set from ``today`` so the demo campaign is always open."""
    today = today or clock.today()
    import_directory(DATA_2025, 2025)
    campaign = db.session.execute(db.select(Campaign).where(Campaign.year == 2025)).scalar_one()
    for other in db.session.execute(db.select(Campaign).where(Campaign.id != campaign.id)).scalars():
        other.is_current = False
    campaign.name = CAMPAIGN_NAME
    campaign.theme = THEME
    campaign.state = CampaignState.OPEN
    campaign.is_current = True
    campaign.registration_deadline = today + timedelta(days=21)
    campaign.reporting_deadline = today + timedelta(days=60)
    campaign.review_end = today + timedelta(days=75)
    campaign.ceremony_date = today + timedelta(days=90)
    existing = set(db.session.execute(db.select(User.username)).scalars())
    for username, full_name, role, unit_code in DEMO_ACCOUNTS:
        if username not in existing:
            create_user(username, full_name, role, DEMO_PASSWORD, unit_code)
    db.session.commit()
    seed_workspaces(campaign, today)
    seed_scored_units(campaign, today)
    seed_nominations(campaign, today)
    return campaign
