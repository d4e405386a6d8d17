"""The year switch: every role can look at an earlier campaign, read only; an earlier year is
never changed (pages hide the forms, the services refuse); the scoreboard's cached tables of two
years never mix."""
from __future__ import annotations

import gzip
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import clock, live
from portal.campaign.services import campaign_for, campaigns_for, copy_campaign, set_current
from portal.comments.services import add_comment
from portal.extensions import db
from portal.models import (AwardType, CampaignState, Comment, Evidence, Nomination, NominationState,
                           RenderedScoreboard, Role, ScoreLine, ScoreState)
from portal.nominations import services as nomination_services
from portal.workflow import WorkflowError, ensure_campaign_open_for_changes, is_earlier_year
from portal.workspace import services as workspace_services
from tests import factories
from tests.helpers import HX, fresh
from tests.history.conftest import approve_year, earlier_year, exist_since

OFFICER, REVIEWER, ADMIN, COUNCIL = Role.UNIT_OFFICER, Role.REVIEWER, Role.ADMIN, Role.COUNCIL


def _line(unit, campaign) -> ScoreLine:
    return db.session.execute(sa.select(ScoreLine).where(
        ScoreLine.unit_id == unit.id, ScoreLine.campaign_id == campaign.id).order_by(ScoreLine.id)).scalars().first()


# --- which campaign a user may switch to ---------------------------------------------------------

def test_campaign_for_a_year_hides_drafts_from_officers_only(app, campaign, units, year_2024):
    draft = copy_campaign(campaign, 2026, factories.gen_user(role=ADMIN))
    officer, reviewer = factories.gen_user(role=OFFICER, unit=units[0]), factories.gen_user(role=REVIEWER)
    assert campaign_for(officer, 2024).id == year_2024.id
    assert campaign_for(officer, 2026) is None and campaign_for(reviewer, 2026).id == draft.id
    assert campaign_for(officer, 1999) is None
    assert [c.year for c in campaigns_for(officer)] == [2025, 2024]
    assert [c.year for c in campaigns_for(reviewer)] == [2026, 2025, 2024]


@pytest.mark.parametrize("role", [OFFICER, REVIEWER, ADMIN, COUNCIL])
def test_every_role_switches_the_scoreboard_to_an_earlier_year(client, login_as, campaign, units, year_2024, role):
    login_as(role, unit=units[0] if role is OFFICER else None)
    now = client.get("/scoreboard/").get_data(as_text=True)
    before = client.get("/scoreboard/?year=2024")
    assert before.status_code == 200
    html = before.get_data(as_text=True)
    assert 'name="year"' in html and 'value="2024" selected' in html  # the switch, on 2024
    assert "year-switch__notice" in html and "year-switch__notice" not in now
    assert "year=2024" in html[html.index('id="scoreboard-live"'):]  # the poll stays on 2024
    assert client.get("/scoreboard/export.xlsx?year=2024").status_code == 200


@pytest.mark.parametrize("role", [OFFICER, REVIEWER, ADMIN, COUNCIL])
def test_nominations_of_an_earlier_year_for_every_role(client, login_as, campaign, units, year_2024, role):
    login_as(role, unit=units[0] if role is OFFICER else None)
    response = client.get("/nominations/?year=2024", follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "year-switch__notice" in html and 'method="post"' not in html.split("</header>")[-1].split("<footer")[0]


def test_a_year_without_campaign_or_a_malformed_year_is_not_found(client, login_as, campaign, units):
    login_as(REVIEWER)
    for year in ("1999", "abc", "-1", "2024"):
        assert client.get(f"/scoreboard/?year={year}").status_code == 404


def test_an_officer_cannot_switch_to_a_draft_year(client, login_as, campaign, units):
    copy_campaign(campaign, 2026, factories.gen_user(role=ADMIN))
    db.session.commit()
    login_as(OFFICER, unit=units[0])
    assert client.get("/scoreboard/?year=2026").status_code == 404
    assert client.get("/history/units/BH/2026").status_code == 404
    assert client.get("/scoreboard/table?year=2026&v=0").status_code == 404


# --- an earlier year is read only --------------------------------------------------------------

def test_an_earlier_year_not_closed_is_read_only_a_later_draft_is_not(app, campaign, units):
    exist_since(*units)
    c2024 = earlier_year(campaign, 2024, state=CampaignState.SCORING)
    c2026 = copy_campaign(campaign, 2026, factories.gen_user(role=ADMIN))
    assert is_earlier_year(c2024) and not is_earlier_year(campaign) and not is_earlier_year(c2026)
    with pytest.raises(WorkflowError, match="2024"):
        ensure_campaign_open_for_changes(c2024)
    ensure_campaign_open_for_changes(c2026)  # next year being prepared
    set_current(c2024, factories.gen_user(role=ADMIN))  # made current again: it may change again
    ensure_campaign_open_for_changes(c2024)
    ensure_campaign_open_for_changes(campaign)  # 2025 is later than the current 2024, not history


@pytest.fixture
def scoring_2024(campaign, units):
    """2024 left in scoring (never closed) when 2025 became current; Biên Hòa has a draft line there."""
    exist_since(*units)
    c2024 = earlier_year(campaign, 2024, state=CampaignState.SCORING)
    workspace_services.ensure_workspace(units[0], c2024)
    line = _line(units[0], c2024)
    line.self_score, line.explanation = Decimal(1), "Báo cáo năm 2024"
    db.session.commit()
    return c2024


def test_services_refuse_every_change_to_an_earlier_year(app, campaign, units, scoring_2024):
    officer = factories.gen_user(role=OFFICER, unit=units[0])
    db.session.commit()
    line = _line(units[0], scoring_2024)
    with pytest.raises(WorkflowError, match="2024"):
        workspace_services.save_score_line(line, officer, "2", "Sửa lại", line.version, clock.today())
    db.session.rollback()
    with pytest.raises(WorkflowError):
        add_comment(fresh(line), officer, "Một bình luận")
    db.session.rollback()
    award = db.session.execute(sa.select(AwardType).where(AwardType.campaign_id == scoring_2024.id)).scalars().first()
    nomination = Nomination(campaign_id=scoring_2024.id, unit_id=units[0].id, award_type_id=award.id,
                            created_by_id=officer.id, state=NominationState.DRAFT)
    db.session.add(nomination)
    db.session.commit()
    with pytest.raises(WorkflowError):
        nomination_services.submit_nomination(nomination, officer, nomination.version)
    db.session.rollback()
    line = fresh(line)
    assert (line.self_score, line.explanation, line.state) == (Decimal(1), "Báo cáo năm 2024", ScoreState.DRAFT)
    assert fresh(nomination).state is NominationState.DRAFT
    assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 0


def test_a_post_against_an_earlier_years_line_changes_nothing(client, login_as, campaign, units, scoring_2024):
    login_as(OFFICER, unit=units[0])
    line = _line(units[0], scoring_2024)
    before = (line.self_score, line.explanation, line.state, line.version)
    posts = [(f"/unit/score-lines/{line.id}", {"self_score": "3", "explanation": "x", "version": line.version}),
             (f"/unit/score-lines/{line.id}/submit", {"version": line.version}),
             (f"/unit/score-lines/{line.id}/documents", {"doc_number": "1-BC", "doc_date": "2024-05-01",
                                                          "doc_issuer": "Ban", "title": "Báo cáo"}),
             (f"/unit/score-lines/{line.id}/comments", {"body": "Xin ý kiến"})]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 404, url
        assert client.post(url, data=data, headers=HX).status_code == 404, url
    line = fresh(line)
    assert (line.self_score, line.explanation, line.state, line.version) == before
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 0


def test_an_earlier_years_nomination_page_has_no_form_and_refuses_posts(client, login_as, campaign, units,
                                                                       scoring_2024):
    scoring_2024.state = CampaignState.OPEN  # even a year left open: earlier is read only
    award = db.session.execute(sa.select(AwardType).where(AwardType.campaign_id == scoring_2024.id)).scalars().first()
    officer = login_as(OFFICER, unit=units[0])
    nomination = Nomination(campaign_id=scoring_2024.id, unit_id=units[0].id, award_type_id=award.id,
                            created_by_id=officer.id, state=NominationState.DRAFT, achievements="Thành tích 2024")
    db.session.add(nomination)
    db.session.commit()
    html = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    main = html.split("</nav>", 2)[-1]
    assert 'method="post"' not in main.split("<footer")[0] and "2024" in main
    response = client.post(f"/nominations/{nomination.id}", data={
        "version": nomination.version, "achievements": "Đổi", "nominee_name": "", "nominee_position": ""})
    assert response.status_code == 409 and "2024" in response.get_data(as_text=True)
    response = client.post(f"/nominations/{nomination.id}/submit", data={"version": nomination.version})
    assert fresh(nomination).state is NominationState.DRAFT
    assert fresh(nomination).achievements == "Thành tích 2024"


# --- reading an earlier year's scorecard --------------------------------------------------------

def test_an_officer_reads_their_own_earlier_scorecard_not_another_units(client, login_as, campaign, units, year_2024):
    bh, lk = units
    officer = login_as(OFFICER, unit=bh)
    lk_line = _line(lk, year_2024)
    db.session.add(Evidence(campaign_id=year_2024.id, unit_id=lk.id, criterion_id=lk_line.criterion_id,
                            doc_number="9-BC/LK", doc_date=clock.today(), doc_issuer="Long Khánh",
                            title="Báo cáo Long Khánh 2024", uploaded_by_id=officer.id))
    db.session.commit()
    own = client.get("/history/units/BH/2024")
    assert own.status_code == 200
    html = own.get_data(as_text=True)
    assert 'method="post"' not in html.split("</header>")[-1].split("<footer")[0]
    assert "year-switch" not in html or "2024" in html
    assert client.get("/history/units/LK/2024").status_code == 404
    evidence = db.session.execute(sa.select(Evidence)).scalar_one()
    assert client.get(f"/evidence/{evidence.id}/preview").status_code == 404
    # the workspace's editing pages never open an earlier year's line
    assert client.get(f"/unit/score-lines/{_line(bh, year_2024).id}").status_code == 404
    assert client.get(f"/unit/score-lines/{lk_line.id}").status_code == 404


def test_the_earlier_scorecard_shows_that_years_figures(client, login_as, campaign, units, year_2024):
    approve_year(units[1], campaign, Decimal("0.5"))
    db.session.commit()
    login_as(REVIEWER)
    html_2024 = client.get("/history/units/LK/2024").get_data(as_text=True)
    html_2025 = client.get("/history/units/LK/2025").get_data(as_text=True)
    assert "75" in html_2024 and 'aria-current="page">2024' in html_2024
    assert "50" in html_2025 and 'aria-current="page">2025' in html_2025


# --- the scoreboard cache: two years never show each other's bytes -------------------------------

def test_two_years_never_share_cached_bytes(client, login_as, campaign, units, year_2024):
    approve_year(units[0], campaign, Decimal("0.5"))  # 2025: Biên Hòa 50; 2024: Biên Hòa 100
    db.session.commit()
    login_as(REVIEWER)
    version = live.current(live.SCOREBOARD)
    page_2025 = client.get("/scoreboard/").get_data(as_text=True)
    page_2024 = client.get("/scoreboard/?year=2024").get_data(as_text=True)
    rows = db.session.execute(sa.select(RenderedScoreboard).where(RenderedScoreboard.version == version)).scalars().all()
    assert {r.campaign_id for r in rows} == {campaign.id, year_2024.id}
    assert len({r.variant for r in rows}) == 1  # same language, view and audience: only the campaign differs
    html = {r.campaign_id: r.html for r in rows}
    assert html[campaign.id] != html[year_2024.id]
    assert html[campaign.id] in page_2025 and html[year_2024.id] in page_2024
    assert "year=2024" in html[year_2024.id] and "year=2025" in html[campaign.id]
    # after a change the poll of each page gets its own year's table, compressed or not
    live.bump(live.SCOREBOARD)
    db.session.commit()
    poll_2024 = client.get(f"/scoreboard/table?view=overall&v={version}&year=2024").get_data(as_text=True)
    poll_2025 = client.get(f"/scoreboard/table?view=overall&v={version}&year=2025").get_data(as_text=True)
    zipped = client.get(f"/scoreboard/table?view=overall&v={version}&year=2024",
                        headers={"Accept-Encoding": "gzip"}).data
    assert "year=2024" in poll_2024 and "year=2025" not in poll_2024
    assert "year=2025" in poll_2025 and "year=2024" not in poll_2025
    assert gzip.decompress(zipped).decode() == poll_2024
    assert _total_of(poll_2024, units[0].id) == "100" and _total_of(poll_2025, units[0].id) == "50"


def _total_of(html: str, unit_id: int) -> str:
    row = html[html.index(f'data-unit="{unit_id}"'):]
    cell = row[row.index('total-cell">') + len('total-cell">'):]
    return cell[:cell.index("<")].strip()


def test_review_vote_and_evidence_posts_against_an_earlier_year_change_nothing(client, login_as, campaign, units,
                                                                               scoring_2024):
    bh = units[0]
    officer = factories.gen_user(role=OFFICER, unit=bh)
    line = _line(bh, scoring_2024)
    line.state, line.self_score = ScoreState.SUBMITTED, Decimal(2)
    evidence = Evidence(campaign_id=scoring_2024.id, unit_id=bh.id, criterion_id=line.criterion_id,
                        doc_number="3-BC/BH", doc_date=clock.today(), doc_issuer="Biên Hòa", title="Báo cáo 2024",
                        uploaded_by_id=officer.id)
    award = db.session.execute(sa.select(AwardType).where(AwardType.campaign_id == scoring_2024.id)).scalars().first()
    nomination = Nomination(campaign_id=scoring_2024.id, unit_id=bh.id, award_type_id=award.id,
                            created_by_id=officer.id, state=NominationState.FORWARDED)
    db.session.add_all([evidence, nomination])
    db.session.commit()
    version = line.version

    login_as(REVIEWER)
    client.post(f"/review/score-lines/{line.id}/approve", data={"version": version})
    client.post(f"/review/score-lines/{line.id}/approve", data={"version": version}, headers=HX)
    client.post(f"/review/score-lines/{line.id}/adjust", data={"version": version, "score": "1", "reason": "Giảm"})
    client.post(f"/review/nominations/{nomination.id}/forward", data={"version": nomination.version})
    login_as(COUNCIL)
    client.post(f"/nominations/{nomination.id}/vote", data={"version": nomination.version, "choice": "agree"})
    login_as(ADMIN)
    client.post(f"/nominations/{nomination.id}/close", data={"version": nomination.version})
    login_as(OFFICER, unit=bh)
    client.post(f"/unit/evidence/{evidence.id}/delete")

    line = fresh(line)
    assert (line.state, line.approved_score, line.version) == (ScoreState.SUBMITTED, None, version)
    nomination = fresh(nomination)
    assert (nomination.state, nomination.votes, nomination.vote_closed_at) == (NominationState.FORWARDED, [], None)
    assert fresh(evidence) is not None


def test_an_earlier_years_item_opened_by_a_reviewer_offers_no_decision(client, login_as, campaign, units,
                                                                        scoring_2024):
    line = _line(units[0], scoring_2024)
    line.state = ScoreState.SUBMITTED
    current = _line(units[0], campaign)
    current.state, current.self_score = ScoreState.SUBMITTED, Decimal(1)
    db.session.commit()
    login_as(REVIEWER)
    earlier = client.get(f"/review/items/score_line/{line.id}").get_data(as_text=True)
    now = client.get(f"/review/items/score_line/{current.id}").get_data(as_text=True)
    assert f"/review/score-lines/{current.id}/approve" in now
    assert f"/review/score-lines/{line.id}/approve" not in earlier and "/return" not in earlier
