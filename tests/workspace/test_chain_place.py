"""The officer sees where each submitted item is in a chain of several review levels ("đang ở cấp
Lãnh đạo Ban") and, on the item's page, each level's decision; a chain of one level shows nothing
more than before; another unit's item shows nothing of it."""
import pytest

from portal.extensions import db
from portal.models import LevelScope, ReviewLevel, ReviewStep, Role, ScoreState
from portal import chain
from portal.review import services as review
from tests import factories
from tests.helpers import fresh, line_of, submit


def _three_levels(campaign):
    specialist = factories.gen_user(Role.REVIEWER, full_name="Trần Thị Thẩm")
    leader = factories.gen_user(Role.REVIEWER, full_name="Hoàng Văn Lãnh")
    chair = factories.gen_user(Role.COUNCIL, full_name="Phạm Văn Hội")
    for position, (name, scope, member) in enumerate([
            ("Chuyên viên thẩm định", LevelScope.ITEM, specialist), ("Lãnh đạo Ban", LevelScope.SCORECARD, leader),
            ("Hội đồng thi đua, khen thưởng", LevelScope.RANKING, chair)], start=1):
        db.session.add(ReviewLevel(campaign_id=campaign.id, position=position, name=name, scope=scope, members=[member]))
    db.session.commit()
    chain.forget()
    return specialist, leader


@pytest.fixture
def chained(campaign, units):
    return _three_levels(campaign)


def test_the_officer_sees_the_level_an_item_waits_at_and_each_levels_decision(chained, units, client, login_as):
    specialist, leader = chained
    officer = login_as(Role.UNIT_OFFICER, unit=units[0])
    line = submit(line_of(units[0], "1.1"), officer, score="3")
    page = client.get(f"/unit/score-lines/{line.id}").get_data(as_text=True)
    assert "đang ở cấp Chuyên viên thẩm định" in page
    assert "Ý kiến từng cấp xét duyệt" not in page  # no decision yet

    review.approve_score(fresh(line), specialist)
    db.session.commit()
    line = fresh(line)
    assert line.state is ScoreState.SUBMITTED and line.level == 2
    page = client.get(f"/unit/score-lines/{line.id}").get_data(as_text=True)
    assert "đang ở cấp Lãnh đạo Ban" in page and "đang ở cấp Chuyên viên thẩm định" not in page
    steps = page[page.index("Ý kiến từng cấp xét duyệt"):]
    assert "Chuyên viên thẩm định" in steps and "Trần Thị Thẩm" in steps and "3" in steps
    for url in ("/unit/", "/unit/scores"):
        assert "đang ở cấp Lãnh đạo Ban" in client.get(url).get_data(as_text=True), url
    # the registration is not submitted: it waits at no level
    assert "đang ở cấp" not in client.get("/unit/pledges").get_data(as_text=True)


def test_the_registration_shows_its_level(chained, campaign, units, client, login_as):
    from portal import workflow
    from portal.workspace.services import ensure_workspace

    officer = login_as(Role.UNIT_OFFICER, unit=units[0])
    registration = ensure_workspace(units[0], campaign)
    workflow.apply(registration, "submit", officer)
    db.session.commit()
    for url in ("/unit/pledges", "/unit/"):
        assert "đang ở cấp Chuyên viên thẩm định" in client.get(url).get_data(as_text=True), url


def test_a_chain_of_one_level_shows_no_level(campaign, units, client, login_as):
    officer = login_as(Role.UNIT_OFFICER, unit=units[0])
    reviewer = factories.gen_user(Role.REVIEWER)
    line = submit(line_of(units[0], "1.1"), officer, score="3")
    page = client.get(f"/unit/score-lines/{line.id}").get_data(as_text=True)
    assert "đang ở cấp" not in page and "Ý kiến từng cấp xét duyệt" not in page
    review.approve_score(fresh(line), reviewer)
    db.session.commit()
    page = client.get(f"/unit/score-lines/{line.id}").get_data(as_text=True)
    assert fresh(line).state is ScoreState.APPROVED
    assert "đang ở cấp" not in page and "Ý kiến từng cấp xét duyệt" not in page


def test_another_units_item_is_not_found_and_shows_no_steps(chained, units, client, login_as):
    specialist, _leader = chained
    other = factories.gen_user(Role.UNIT_OFFICER, unit=units[1])
    line = submit(line_of(units[1], "1.1"), other, score="3")
    review.approve_score(fresh(line), specialist)
    db.session.commit()
    steps_before = db.session.scalar(db.select(db.func.count(ReviewStep.id)))
    login_as(Role.UNIT_OFFICER, unit=units[0])
    response = client.get(f"/unit/score-lines/{line.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Trần Thị Thẩm" not in page and "đang ở cấp" not in page and "Ý kiến từng cấp xét duyệt" not in page
    assert db.session.scalar(db.select(db.func.count(ReviewStep.id))) == steps_before
    assert fresh(line).level == 2 and fresh(line).state is ScoreState.SUBMITTED
