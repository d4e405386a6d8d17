from sqlalchemy import func

from portal.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.extensions import db
from portal.models import Campaign, CampaignState, Role, Unit, User


def test_seed_demo_loads_the_2025_campaign_and_accounts(runner, app):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    campaign = db.session.execute(db.select(Campaign)).scalar_one()
    assert campaign.year == 2025 and campaign.is_current and campaign.state is CampaignState.OPEN
    assert "Nghị quyết 18" in campaign.theme
    assert db.session.scalar(db.select(func.count()).select_from(Unit)) == 16
    roles = set(db.session.execute(db.select(User.role)).scalars())
    assert roles == set(Role)
    officer = db.session.execute(db.select(User).where(User.username == "bienhoa")).scalar_one()
    assert officer.unit.code == "BH" and officer.check_password(DEMO_PASSWORD)


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
    import os

    from portal.models import Evidence, ProgressNote, Registration, RegistrationState, ScoreLine, ScoreState

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


def test_demo_nominations_in_every_state(runner, app):
    from portal.models import Nomination, NominationState

    runner.invoke(args=["seed-demo"])
    states = set(db.session.execute(db.select(Nomination.state)).scalars())
    assert states == set(NominationState)
