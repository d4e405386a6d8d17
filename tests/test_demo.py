import io
import os
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func

from portal import clock
from portal.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
from portal.extensions import db
from portal.models import Campaign, CampaignState, Evidence, Nomination, ProgressNote, Role, Unit, User
from portal.scoreboard.services import standings_rows
from portal.uploads.detect import detect_type


def _pdf_text(path) -> str:
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_seed_demo_loads_this_years_campaign_with_the_2025_criteria_and_accounts(runner, app):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    campaign = db.session.execute(db.select(Campaign)).scalar_one()
    year = clock.today().year
    assert campaign.year == year and campaign.is_current and campaign.state is CampaignState.OPEN
    assert str(year) in campaign.name
    assert year == 2025 or campaign.name.endswith("(bộ tiêu chí 2025)")  # it says whose criteria it uses
    assert "Nghị quyết 18" in campaign.theme
    assert db.session.scalar(db.select(func.count()).select_from(Unit)) == 16
    roles = set(db.session.execute(db.select(User.role)).scalars())
    assert roles == set(Role)
    officer = db.session.execute(db.select(User).where(User.username == "bienhoa")).scalar_one()
    assert officer.unit.code == "BH" and officer.check_password(DEMO_PASSWORD)


def _next(month: int, day: int) -> date:
    """The next such day from the real today: the services check deadlines against the real clock, so
    the demo can be loaded "on" a later day, not an earlier one."""
    real = clock.today()
    candidate = date(real.year, month, day)
    return candidate if candidate >= real else date(real.year + 1, month, day)


@pytest.mark.parametrize("month_day", [(12, 10), (1, 8), (6, 15)])  # late in the year, early, the middle
def test_the_demo_campaign_takes_the_year_its_dates_fall_in(app, month_day):
    today = _next(*month_day)
    campaign = seed_demo(today)
    assert campaign.year == today.year
    assert campaign.registration_deadline >= today and campaign.registration_deadline.year == campaign.year
    # the year's results are reported and celebrated within it or early the next year
    assert campaign.reporting_deadline > campaign.registration_deadline
    assert campaign.ceremony_date <= date(campaign.year + 1, 3, 31)
    history = [*db.session.execute(db.select(ProgressNote.note_date)).scalars(),
               *db.session.execute(db.select(Evidence.doc_date).where(Evidence.doc_date.is_not(None))).scalars()]
    assert history and all(day.year == campaign.year and day <= today for day in history)


def test_every_reviewed_unit_has_its_own_total_in_every_task_group(runner, app):
    runner.invoke(args=["seed-demo"])
    campaign = db.session.execute(db.select(Campaign)).scalar_one()
    reviewed = [row for row in standings_rows(campaign) if row["complete"]]
    assert len(reviewed) >= 7  # three more wait for the board leadership's sign-off
    for position in range(len(reviewed[0]["groups"])):
        totals = [row["groups"][position]["approved"] for row in reviewed]
        assert len(set(totals)) == len(totals), totals
    assert len({row["total"] for row in reviewed}) == len(reviewed)
    classes = [row["classification"] for row in reviewed]
    # a plausible year: a few excellent, most good, one or two only completed
    assert 1 <= classes.count("excellent") <= 4 and classes.count("good") > len(classes) / 2
    assert 1 <= classes.count("completed") <= 2


def test_seed_demo_if_empty_does_nothing_the_second_time(runner, app):
    runner.invoke(args=["seed-demo", "--if-empty"])
    before = db.session.scalar(db.select(func.count()).select_from(User))
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert db.session.scalar(db.select(func.count()).select_from(User)) == before >= len(DEMO_ACCOUNTS)


def test_each_demo_account_signs_in(runner, client, app):
    runner.invoke(args=["seed-demo"])
    for username, _name, _role, _unit in DEMO_ACCOUNTS:
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 303, username
        assert client.get("/", follow_redirects=True).status_code == 200
        client.post("/logout")


def test_demo_workspaces_are_lived_in(runner, app):
    from portal.models import Registration, RegistrationState, ScoreLine, ScoreState

    runner.invoke(args=["seed-demo"])
    states = set(db.session.execute(db.select(ScoreLine.state).where(ScoreLine.self_score.is_not(None))).scalars())
    assert states == {ScoreState.DRAFT, ScoreState.SUBMITTED, ScoreState.APPROVED, ScoreState.RETURNED}
    registrations = set(db.session.execute(db.select(Registration.state)).scalars())
    assert registrations == set(RegistrationState)
    files = db.session.execute(db.select(Evidence).where(Evidence.stored_name.is_not(None))).scalars().all()
    assert {e.content_type for e in files} == {"application/pdf", "image/png"}
    assert all(os.path.exists(os.path.join(app.config["UPLOAD_DIR"], e.stored_name)) for e in files)
    assert db.session.scalar(db.select(func.count()).select_from(ProgressNote)) > 10
    returned = db.session.execute(db.select(ScoreLine).where(ScoreLine.state == ScoreState.RETURNED)).scalars().all()
    assert all(line.review_comment for line in returned)


def test_demo_has_earlier_years_classifications_where_the_units_existed(runner, app):
    from portal.models import PastClassification

    runner.invoke(args=["seed-demo"])
    campaign = db.session.execute(db.select(Campaign)).scalar_one()
    past = db.session.execute(db.select(PastClassification)).scalars().all()
    assert past and all(row.year < campaign.year for row in past)
    assert all(db.session.get(Unit, row.unit_id).valid_from.year <= row.year for row in past)
    if campaign.year > 2025:  # the units data starts in 2025
        assert {row.year for row in past} >= {campaign.year - 1}


def test_demo_evidence_files_are_party_documents_from_the_units_data(runner, app):
    runner.invoke(args=["seed-demo"])
    files = db.session.execute(db.select(Evidence).where(Evidence.content_type == "application/pdf")).scalars().all()
    assert len(files) > 20
    numbers = set()
    for evidence in files:
        path = os.path.join(app.config["UPLOAD_DIR"], evidence.stored_name)
        with open(path, "rb") as f:
            data = f.read()
        detected = detect_type(io.BytesIO(data), evidence.original_name)  # the upload checks take it as a PDF
        assert detected is not None and detected.key == "pdf"
        assert len(data) <= app.config["MAX_FILE_SIZE"] and len(data) < 200_000
        text = _pdf_text(path)
        unit = db.session.get(Unit, evidence.unit_id)
        assert unit.name.upper() in " ".join(text.split())  # the organ's name, from the units data
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
        assert "ngày" in text and f"năm {db.session.get(Campaign, evidence.campaign_id).year}" in text
        assert any(kind in text for kind in ("KẾ HOẠCH", "BÁO CÁO", "CHƯƠNG TRÌNH"))
        number = next(line for line in text.splitlines() if line.startswith("Số "))
        numbers.add(number)
    assert len(numbers) == len(files)  # every document has its own number and symbol
    assert any("-KH/BTCTU" in number for number in numbers) and any("/BTCHU" in number for number in numbers)


def test_demo_nominations_in_every_state_each_with_its_own_achievements(runner, app):
    from portal.models import NominationDocument, NominationState

    runner.invoke(args=["seed-demo"])
    states = set(db.session.execute(db.select(Nomination.state)).scalars())
    assert states == set(NominationState)
    nominations = db.session.execute(db.select(Nomination)).scalars().all()
    achievements = [n.achievements for n in nominations]
    assert len(set(achievements)) == len(achievements)
    for nomination in nominations:
        assert (nomination.nominee_name or nomination.unit.name) in nomination.achievements
    documents = db.session.execute(db.select(NominationDocument)).scalars().all()
    assert documents
    for document in documents:
        text = _pdf_text(os.path.join(app.config["UPLOAD_DIR"], document.stored_name))
        nomination = db.session.get(Nomination, document.nomination_id)
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and nomination.award_type.name in " ".join(text.split())


def test_the_demo_campaign_has_the_three_level_review_chain(runner, client, app):
    """Specialists item by item → the board leadership per unit scorecard → the council's chair for
    the ranking; the reviewed units passed the chain, a few wait for the leadership's sign-off."""
    from portal.models import (LevelScope, QueueItem, ReviewLevel, ReviewStep, Scorecard, ScorecardState, ScoreLine,
                               ScoreState)

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    campaign = db.session.execute(db.select(Campaign)).scalar_one()
    levels = db.session.execute(db.select(ReviewLevel).where(ReviewLevel.campaign_id == campaign.id)
                                .order_by(ReviewLevel.position)).scalars().all()
    assert [(level.position, level.name, level.scope) for level in levels] == [
        (1, "Chuyên viên thẩm định", LevelScope.ITEM), (2, "Lãnh đạo Ban", LevelScope.SCORECARD),
        (3, "Hội đồng thi đua, khen thưởng", LevelScope.RANKING)]
    assert [sorted(u.username for u in level.members) for level in levels] == [
        ["thamdinh", "thamdinh2"], ["lanhdao"], ["hoidong"]]
    leader = db.session.execute(db.select(User).where(User.username == "lanhdao")).scalar_one()
    assert leader.role is Role.REVIEWER and leader.check_password(DEMO_PASSWORD)

    # the reviewed units (demo-<code>): every line approved through levels 1 and 2, their scorecard approved
    officers = db.session.execute(db.select(User).where(User.username.like("demo-%"))).scalars().all()
    cards = {card.unit_id: card for card in db.session.execute(db.select(Scorecard)).scalars()}
    reviewed = [o.unit_id for o in officers if cards[o.unit_id].state is ScorecardState.APPROVED]
    waiting = [o.unit_id for o in officers if cards[o.unit_id].state is ScorecardState.SUBMITTED]
    assert len(reviewed) >= 7 and len(waiting) == 3 and len(reviewed) + len(waiting) == len(officers)
    for unit_id in reviewed:
        lines = db.session.execute(db.select(ScoreLine).where(ScoreLine.unit_id == unit_id)).scalars().all()
        assert lines and all(line.state is ScoreState.APPROVED and line.level == 2 for line in lines)
        steps = db.session.execute(db.select(ReviewStep.subject_id, ReviewStep.level).where(
            ReviewStep.unit_id == unit_id, ReviewStep.subject_type == "score_line",
            ReviewStep.action.in_(("approve", "adjust")))).all()
        assert {(line.id, level) for line in lines for level in (1, 2)} <= set(steps)
        assert db.session.execute(db.select(ReviewStep.level).where(
            ReviewStep.subject_type == "scorecard", ReviewStep.subject_id == cards[unit_id].id)).scalars().all() == [2]
    for unit_id in waiting:
        lines = db.session.execute(db.select(ScoreLine).where(ScoreLine.unit_id == unit_id)).scalars().all()
        assert all(line.state is ScoreState.SUBMITTED and line.level == 2 for line in lines)
        assert cards[unit_id].level == 2
    # one waiting line adjusted by the leadership, with its reason, against the specialist's figure
    adjusted = db.session.execute(db.select(ReviewStep).where(ReviewStep.level == 2, ReviewStep.action == "adjust")).scalars().all()
    assert len(adjusted) == 1 and adjusted[0].reason and adjusted[0].previous_score > adjusted[0].score
    assert adjusted[0].actor_id == leader.id

    # the queue rows follow: the waiting scorecards at level 2, the reviewed units' lines decided
    rows = db.session.execute(db.select(QueueItem.subject_id).where(
        QueueItem.subject_type == "scorecard", QueueItem.state == "submitted", QueueItem.level == 2)).scalars().all()
    assert sorted(rows) == sorted(cards[unit_id].id for unit_id in waiting)
    assert not db.session.execute(db.select(QueueItem.id).where(
        QueueItem.unit_id.in_(reviewed), QueueItem.state == "submitted")).first()
    # the lived-in units keep items waiting at level 1, and some that passed it wait at level 2
    bienhoa = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    waiting_levels = set(db.session.execute(db.select(ScoreLine.level).where(
        ScoreLine.unit_id == bienhoa.id, ScoreLine.state == ScoreState.SUBMITTED)).scalars())
    assert waiting_levels == {1, 2}

    # the leadership's queue shows the waiting scorecards; the specialist's first level does not
    client.post("/login", data={"username": "lanhdao", "password": DEMO_PASSWORD})
    page = client.get("/review/?level=2").get_data(as_text=True)
    for unit_id in waiting:
        assert db.session.get(Unit, unit_id).short_name in page
    assert client.get(f"/review/items/scorecard/{cards[waiting[0]].id}").status_code == 200


def test_the_demo_final_result_is_not_approved(runner, app):
    from portal.models import FinalResult

    runner.invoke(args=["seed-demo"])
    assert db.session.execute(db.select(FinalResult)).first() is None
