"""Demo data: a campaign with the real 2025 units, criteria and award types, and one account per role.

Its deadlines follow the day the demo is loaded (so every feature can be tried), so it takes that
day's year, and its name says that it uses the 2025 criteria set."""
from __future__ import annotations

from datetime import date, timedelta
import random
from pathlib import Path

from portal import clock
from portal.accounts.services import create_user
from portal.demo.documents import Letterheads
from portal.demo.nominations import seed_nominations
from portal.demo.workspace import DEMO_PASSWORD, seed_scored_units, seed_workspaces
from portal.extensions import db
from portal.models import (Campaign, CampaignState, Classification, LevelScope, PastClassification, ReviewLevel, Role,
                           Unit, User)
from portal import chain
from portal.reference.importer import parse_directory, write_reference

DATA_2025 = Path(__file__).resolve().parent.parent / "reference" / "data" / "2025"

CRITERIA_YEAR = 2025  # the year of the criteria set in DATA_2025


def campaign_name(year: int) -> str:
    """The demo campaign's name; it says so when the year's criteria are those of another year."""
    name = f"Phong trào thi đua Ngành Tổ chức xây dựng Đảng năm {year}"
    return name if year == CRITERIA_YEAR else f"{name} (bộ tiêu chí {CRITERIA_YEAR})"
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
    ("lanhdao", "Hoàng Văn Lãnh", Role.REVIEWER, None),
    ("hoidong", "Phạm Văn Hội", Role.COUNCIL, None),
    ("hoidong2", "Võ Thị Đồng", Role.COUNCIL, None),
    ("hoidong3", "Đặng Quốc Khánh", Role.COUNCIL, None),
    ("bienhoa", "Hoàng Thị Biên", Role.UNIT_OFFICER, "BH"),
    ("longkhanh", "Ngô Văn Khánh", Role.UNIT_OFFICER, "LK"),
    ("longthanh", "Bùi Thị Thành", Role.UNIT_OFFICER, "LT"),
    ("xuanloc", "Huỳnh Văn Lộc", Role.UNIT_OFFICER, "XL"),
    ("congan", "Đỗ Minh Công", Role.UNIT_OFFICER, "DU-CA"),
]


# The demo campaign's review chain, as the 2025 scoring system has it: (level name, scope, members).
# The specialists review item by item, the board's leadership signs off each unit's scorecard, and the
# council (its chair) approves the whole ranking.
DEMO_CHAIN = [
    ("Chuyên viên thẩm định", LevelScope.ITEM, ("thamdinh", "thamdinh2")),
    ("Lãnh đạo Ban", LevelScope.SCORECARD, ("lanhdao",)),
    ("Hội đồng thi đua, khen thưởng", LevelScope.RANKING, ("hoidong",)),
]


def seed_review_chain(campaign: Campaign) -> None:
    """The demo campaign's three review levels (left as they are when the campaign already has a chain)."""
    if db.session.execute(db.select(ReviewLevel.id).where(ReviewLevel.campaign_id == campaign.id)).first():
        return
    users = {user.username: user for user in db.session.execute(db.select(User)).scalars()}
    for position, (name, scope, members) in enumerate(DEMO_CHAIN, start=1):
        db.session.add(ReviewLevel(campaign_id=campaign.id, position=position, name=name, scope=scope,
                                   members=[users[username] for username in members if username in users]))
    db.session.flush()
    chain.forget(campaign.id)


def database_is_empty() -> bool:
    return db.session.execute(db.select(User.id).limit(1)).first() is None


def seed_demo(today: date | None = None) -> Campaign:
    """Load the demo; deadlines are set from ``today`` so the demo campaign is always open, and the
    campaign is ``today``'s year: registration and reporting close within it or early the next year,
    as a year's results are reported and celebrated."""
    today = today or clock.today()
    year = today.year
    write_reference(parse_directory(DATA_2025, CRITERIA_YEAR), year)
    campaign = db.session.execute(db.select(Campaign).where(Campaign.year == year)).scalar_one()
    for other in db.session.execute(db.select(Campaign).where(Campaign.id != campaign.id)).scalars():
        other.is_current = False
    campaign.name = campaign_name(year)
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
    seed_review_chain(campaign)
    db.session.commit()
    letterheads = Letterheads(db.session.execute(db.select(Unit)).scalars().all(), campaign)
    seed_workspaces(campaign, today, letterheads)
    seed_scored_units(campaign, today, letterheads)
    seed_past_classifications(campaign.year)
    seed_nominations(campaign, today, letterheads)
    return campaign


# Earlier years' classifications, as the board would import them (``flask import-classifications``):
# the history pages and the award rules that look back ("two consecutive years excellent") have
# something to show. Mostly good, some excellent, now and then only completed.
PAST_YEARS = 3
PAST_CHOICES = [Classification.EXCELLENT] * 3 + [Classification.GOOD] * 5 + [Classification.COMPLETED]


def seed_past_classifications(year: int) -> None:
    units = db.session.execute(db.select(Unit).where(Unit.cluster_id.is_not(None)).order_by(Unit.code)).scalars()
    for unit in units:
        rng = random.Random(f"past {unit.code}")
        for past in range(year - PAST_YEARS, year):
            if unit.valid_from and unit.valid_from.year > past:
                continue  # the unit did not exist yet
            exists = db.session.execute(db.select(PastClassification.id).where(
                PastClassification.unit_id == unit.id, PastClassification.year == past)).first()
            if not exists:
                db.session.add(PastClassification(unit_id=unit.id, year=past, classification=rng.choice(PAST_CHOICES)))
    db.session.commit()
