"""A unit's history: the figures across the years, the page and its chart, and the eligibility
rule "rated excellent N years in a row" reading the same record."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale
import sqlalchemy as sa

from portal.campaign.services import copy_campaign, set_current
from portal.extensions import db
from portal.history.services import final_classifications, unit_history
from portal.models import (AwardType, CampaignState, Classification, Nomination, NominationState, PastClassification,
                           Role, ScoreboardState)
from portal.nominations import eligibility
from tests import factories
from tests.history.conftest import approve_year, earlier_year, exist_since


def test_history_gives_each_year_its_own_figures(app, campaign, units, year_2024):
    bh, lk = units
    db.session.add(PastClassification(unit_id=bh.id, year=2023, classification=Classification.GOOD))
    approve_year(bh, campaign, Decimal("0.5"))
    db.session.commit()
    history = {r.year: r for r in unit_history(bh)}
    assert sorted(history) == [2023, 2024, 2025]
    assert (history[2023].classification, history[2023].source, history[2023].total) == (Classification.GOOD, "imported", None)
    assert history[2024].total == Decimal(100) and history[2024].rank == 1 and history[2024].final
    assert history[2024].classification is Classification.EXCELLENT
    assert history[2025].total == Decimal(50) and not history[2025].final  # 2025 is not closed: provisional
    lk_2024 = next(r for r in unit_history(lk) if r.year == 2024)
    assert (lk_2024.total, lk_2024.rank, lk_2024.classification) == (Decimal(75), 2, Classification.GOOD)
    assert lk_2024.cluster_rank == 2 if lk.cluster_id == bh.cluster_id else lk_2024.cluster_rank == 1


def test_a_closed_years_result_comes_before_an_imported_one(app, campaign, units, year_2024):
    db.session.add(PastClassification(unit_id=units[0].id, year=2024, classification=Classification.COMPLETED))
    db.session.commit()
    assert final_classifications(units[0], [2024]) == {2024: Classification.EXCELLENT}


def test_awards_of_a_year_are_in_its_record(app, campaign, units, year_2024):
    award = db.session.execute(sa.select(AwardType).where(AwardType.campaign_id == year_2024.id)).scalars().first()
    db.session.add(Nomination(campaign_id=year_2024.id, unit_id=units[0].id, award_type_id=award.id,
                              state=NominationState.AWARDED, created_by_id=factories.gen_user().id))
    db.session.commit()
    record = next(r for r in unit_history(units[0]) if r.year == 2024)
    assert record.awards == [award.name]
    assert next(r for r in unit_history(units[1]) if r.year == 2024).awards == []


def test_history_page_shows_the_figures_in_a_table_and_a_chart(client, login_as, campaign, units, year_2024):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    page = client.get("/history/units/BH")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<svg viewBox' in html and 'role="img"' in html and "history-chart__bar--excellent" in html
    row = html[html.index('data-year="2024"'):html.index("</tr>", html.index('data-year="2024"'))]
    assert "100" in row and "1/2" in row and "/history/units/BH/2024" in row
    assert "<script" not in html[html.index("history-chart"):html.index("</figure>")]


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMIN, Role.COUNCIL])
def test_every_other_role_sees_any_units_history(client, login_as, campaign, units, year_2024, role):
    login_as(role)
    assert client.get("/history/units/LK").status_code == 200
    assert client.get("/history/units/LK/2024").status_code == 200
    assert "Long Khánh" in client.get("/history/").get_data(as_text=True)


def test_an_officer_sees_only_their_own_units_history(client, login_as, campaign, units, year_2024):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    assert client.get("/history/units/LK").status_code == 404
    assert client.get("/history/units/NOPE").status_code == 404
    response = client.get("/history/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/history/units/BH")


def test_a_successor_reads_the_history_of_the_unit_it_took_over(client, login_as, campaign, units, year_2024):
    bh, lk = units
    lk.valid_to, lk.successor_id = campaign.registration_deadline, bh.id  # Long Khánh merged into Biên Hòa
    db.session.commit()
    login_as(Role.UNIT_OFFICER, unit=bh)
    assert client.get("/history/units/LK").status_code == 200
    assert client.get("/history/units/LK/2024").status_code == 200
    login_as(Role.UNIT_OFFICER, unit=lk)  # never the other way round
    assert client.get("/history/units/BH").status_code == 404
    assert client.get("/history/units/BH/2024").status_code == 404


def test_ranks_of_an_unpublished_year_are_not_shown_to_an_officer(client, login_as, campaign, units, year_2024):
    db.session.execute(sa.update(ScoreboardState).where(ScoreboardState.campaign_id == year_2024.id)
                       .values(published=False))
    db.session.commit()
    login_as(Role.UNIT_OFFICER, unit=units[1])
    html = client.get("/history/units/LK").get_data(as_text=True)
    row = html[html.index('data-year="2024"'):html.index("</tr>", html.index('data-year="2024"'))]
    assert "2/2" not in row and "75" in row


# --- "rated excellent N years in a row" reads the same history -----------------------------------

@pytest.fixture
def year_2026(app, campaign, units):
    """2024 and 2025 closed, 2026 current; Biên Hòa imported excellent for 2023."""
    exist_since(*units)
    admin = factories.gen_user(role=Role.ADMIN)
    c2024 = earlier_year(campaign, 2024)
    approve_year(units[0], c2024)
    approve_year(units[0], campaign)
    campaign.state = CampaignState.CLOSED
    c2026 = copy_campaign(campaign, 2026, admin)
    c2026.state = CampaignState.OPEN
    set_current(c2026, admin)
    db.session.add(PastClassification(unit_id=units[0].id, year=2023, classification=Classification.EXCELLENT))
    db.session.commit()
    return c2026


def _nomination(c2026, unit, n):
    award = db.session.execute(sa.select(AwardType).where(AwardType.campaign_id == c2026.id,
                                                          AwardType.code == "BK-BTVTU-TT")).scalar_one()
    award.rule_consecutive_excellent_years = n
    nomination = Nomination(campaign_id=c2026.id, unit_id=unit.id, award_type=award,
                            created_by_id=factories.gen_user().id)
    db.session.add(nomination)
    db.session.flush()
    return next(r for r in eligibility.check(nomination) if r.rule == "excellent_years")


def test_excellent_2023_2024_2025_passes_three_years(app, units, year_2026):
    result = _nomination(year_2026, units[0], 3)
    assert result.outcome == "met"
    assert "2023" in result.actual and "2025" in result.actual
    # the page shows the very classifications the rule counted
    counted = final_classifications(units[0], [2023, 2024, 2025])
    assert counted == {y: Classification.EXCELLENT for y in (2023, 2024, 2025)}


def test_a_year_below_excellent_breaks_the_run(app, campaign, units, year_2026):
    approve_year(units[0], campaign, Decimal("0.75"))  # 2025 becomes good (test data: the lock is a service rule)
    db.session.commit()
    assert _nomination(year_2026, units[0], 3).outcome == "not_met"


def test_a_missing_year_does_not_pass(app, units, year_2026):
    db.session.execute(sa.delete(PastClassification))
    db.session.commit()
    missing = _nomination(year_2026, units[0], 3)
    assert missing.outcome == "unknown"  # 2023 unknown: warns, never "met"
    with force_locale("vi"):
        assert "2023: chưa có kết quả chính thức" in str(missing.actual)  # said in words, never a bare "?"
    assert _nomination(year_2026, units[0], 2).outcome == "met"       # 2024 and 2025 only


def test_the_chart_draws_a_bar_per_year_with_figures_in_proportion(app, campaign, units, year_2024):
    from portal.history.chart import total_chart

    db.session.add(PastClassification(unit_id=units[1].id, year=2023, classification=Classification.GOOD))
    approve_year(units[1], campaign, Decimal("0.5"))
    db.session.commit()
    chart = total_chart(unit_history(units[1]))
    bars = {b.year: b for b in chart.bars}
    assert sorted(bars) == [2023, 2024, 2025]
    assert bars[2023].total is None and bars[2023].height == 0
    assert bars[2024].height == pytest.approx(bars[2025].height * 1.5, abs=0.2)  # 75 against 50
    assert (bars[2024].classification, bars[2025].classification) == ("good", "completed")
    assert total_chart([]) is None
