"""The criteria tree editor: each rule of the tree, the refusals that protect units' data (each lists
what it would break and changes nothing), notifications to exactly the affected units, conflicts,
the closing lock and who may reach the pages."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.campaign.services import copy_campaign, open_campaign, shift_years
from portal import criteria_rules as rules
from portal.criteria import services
from portal.criteria.services import CriterionValues, Invalid, WouldBreak
from portal.extensions import db
from portal.models import (
    AuditEvent,
    CampaignState,
    Commitment,
    Criterion,
    CriterionKind,
    Evidence,
    Notification,
    Role,
    ScoreLine,
    ScoreState,
    User,
)
from portal.notifications.services import message
from portal.workflow import Conflict, WorkflowError
from portal.workspace.services import ensure_workspace
from tests import factories
from tests.conftest import make_test_app
from tests.helpers import HX, commitment_of, fresh, line_of


def crit(code) -> Criterion:
    return db.session.execute(sa.select(Criterion).where(Criterion.code == code)).scalar_one()


def values_of(criterion: Criterion, **changes) -> CriterionValues:
    base = dict(code=criterion.code, kind=criterion.kind, parent_id=criterion.parent_id, title=criterion.title,
                guidance=criterion.guidance, max_points=criterion.max_points,
                evidence_required=criterion.evidence_required, deadline=criterion.deadline)
    return CriterionValues(**{**base, **changes})


def state_of_db():
    """Everything a refused change must leave as it was."""
    db.session.expire_all()
    return (
        [(c.id, c.code, c.kind, c.parent_id, c.title, c.guidance, c.max_points, c.evidence_required, c.deadline,
          c.position, c.version) for c in db.session.execute(sa.select(Criterion).order_by(Criterion.id)).scalars()],
        db.session.scalar(sa.select(sa.func.count()).select_from(ScoreLine)),
        db.session.scalar(sa.select(sa.func.count()).select_from(Commitment)),
        db.session.scalar(sa.select(sa.func.count()).select_from(Notification)),
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
    )


def refused(call, *args):
    """Run a service the way a view does: a refusal rolls everything back."""
    try:
        call(*args)
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        return exc
    raise AssertionError("the change was not refused")


@pytest.fixture
def admin(app):
    user = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    return user


def give_score(unit, code, score, state=ScoreState.SUBMITTED):
    line = line_of(unit, code)
    line.self_score, line.state, line.explanation = Decimal(score), state, "Đã làm"
    db.session.commit()
    return line


# --- the rules ------------------------------------------------------------------------------------

def N(code, kind, points, parent=None):
    return rules.Node(code, CriterionKind(kind), Decimal(points), parent)


def test_rules_report_every_broken_sum_on_its_node(app):
    nodes = [N("1", "group", 10), N("1.1", "item", 6, "1"), N("1.2", "item", 3, "1"),
             N("2", "group", 85), N("B", "bonus_group", 2), N("B.1", "bonus", 3, "B"),
             N("D", "deduction_group", 5)]
    problems = rules.check_sums(nodes, Decimal(100))
    assert [(p.code, p.column, p.rule) for p in problems] == [
        ("1", "max_points", "sum"), ("2", "code", "empty"), ("B.1", "max_points", "cap"), ("D", "code", "empty"),
        ("2", "max_points", "scale")]
    assert "9" in problems[0].message and "10" in problems[0].message


def test_a_tree_that_adds_up_has_no_problems(app):
    nodes = [N("1", "group", 100), N("1.1", "item", 60.5, "1"), N("1.2", "item", 39.5, "1")]
    assert rules.check_sums(nodes, Decimal(100)) == []
    assert rules.valid_points(Decimal("2.75")) and not rules.valid_points(Decimal("2.3"))
    assert not rules.valid_points(Decimal(-1)) and not rules.valid_points(Decimal(10000))


def test_the_tree_page_model_shows_sums_and_warnings(campaign):
    tree = services.tree(campaign)
    assert tree.ok and tree.scored_total == Decimal(100)
    assert [g.node.code for g in tree.groups] == ["1", "2", "3", "4", "5", "6", "B", "D"]
    item = crit("1.1")
    item.max_points = Decimal(9)
    db.session.flush()
    tree = services.tree(campaign)
    assert not tree.ok
    assert tree.problems["1"][0].rule == "sum"
    assert tree.groups[0].total == Decimal(21)


# --- creating -------------------------------------------------------------------------------------

def test_a_new_item_gets_rows_in_every_existing_workspace_and_the_units_are_told(campaign, units, officers, admin):
    bh, lk = units
    other_officer = factories.gen_user(role=Role.UNIT_OFFICER)  # its unit got a workspace too (current campaign)
    db.session.commit()
    group = crit("1")
    item = services.create_criterion(campaign, CriterionValues(
        code="1.3", kind=CriterionKind.ITEM, parent_id=group.id, title="Mục mới", max_points=Decimal(2),
        evidence_required=True, deadline=campaign.reporting_deadline - timedelta(days=10)), admin)
    db.session.commit()
    lines = db.session.execute(sa.select(ScoreLine).where(ScoreLine.criterion_id == item.id)).scalars().all()
    assert {line.unit_id for line in lines} == {bh.id, lk.id, other_officer.unit_id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Commitment)
                             .where(Commitment.criterion_id == item.id)) == 3
    assert item.position > crit("1.2").position and item.parent_id == group.id
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "criterion_created")).scalar_one()
    assert event.subject_id == item.id and event.after["code"] == "1.3"
    told = db.session.execute(sa.select(Notification)).scalars().all()
    assert {n.user_id for n in told} == {officers[0].id, officers[1].id, other_officer.id}
    assert "1.3" in message(told[0]) and "Mục mới" in message(told[0])


@pytest.mark.parametrize("changes,field", [
    (dict(code="1.1"), "code"),
    (dict(code="1 3"), "code"),
    (dict(max_points=Decimal("2.3")), "max_points"),
    (dict(max_points=Decimal(-1)), "max_points"),
    (dict(parent_id=None), "parent_id"),
    (dict(parent_group="B"), "parent_id"),
    (dict(kind=CriterionKind.BONUS), "parent_id"),
    (dict(deadline_after_review=True), "deadline"),
    (dict(title="  "), "title"),
])
def test_a_new_item_that_breaks_a_rule_is_refused_and_nothing_changes(campaign, units, admin, changes, field):
    changes = dict(changes)
    base = dict(code="1.3", kind=CriterionKind.ITEM, parent_id=crit("1").id, title="Mục mới", max_points=Decimal(2))
    if changes.pop("parent_group", None):
        base["parent_id"] = crit("B").id
    if changes.pop("deadline_after_review", None):
        base["deadline"] = campaign.review_end + timedelta(days=1)
    before = state_of_db()
    exc = refused(services.create_criterion, campaign, CriterionValues(**{**base, **changes}), admin)
    assert isinstance(exc, Invalid) and field in exc.errors, exc.message
    assert state_of_db() == before


def test_a_group_has_no_parent_and_no_deadline(campaign, admin):
    before = state_of_db()
    exc = refused(services.create_criterion, campaign, CriterionValues(
        code="7", kind=CriterionKind.GROUP, parent_id=crit("1").id, title="Nhóm", max_points=Decimal(0),
        deadline=campaign.reporting_deadline), admin)
    assert set(exc.errors) == {"parent_id", "deadline"}
    assert state_of_db() == before


# --- editing --------------------------------------------------------------------------------------

def test_a_later_deadline_is_saved_audited_and_told_to_exactly_the_units_working_on_it(campaign, units, officers, admin):
    bh, lk = units
    give_score(bh, "1.1", 6)
    factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    item = crit("1.1")
    version, old_guidance = item.version, item.guidance
    new_day = campaign.reporting_deadline + timedelta(days=5)
    services.update_criterion(item, values_of(item, deadline=new_day, guidance="Hướng dẫn mới"), item.version, admin)
    db.session.commit()
    item = fresh(item)
    assert item.deadline == new_day and item.guidance == "Hướng dẫn mới" and item.version == version + 1
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "criterion_edited")).scalar_one()
    assert event.before == {"deadline": None, "guidance": old_guidance}
    assert event.after == {"deadline": new_day.isoformat(), "guidance": "Hướng dẫn mới"}
    told = db.session.execute(sa.select(Notification)).scalars().all()
    assert sorted(n.user_id for n in told) == sorted([officers[0].id, officers[1].id])
    text = message(told[0])
    assert "1.1" in text and f"{new_day:%d/%m/%Y}" in text
    assert {n.subject_type for n in told} == {"score_line"}


def test_a_change_in_next_years_campaign_reaches_only_the_units_working_in_it(campaign, units, officers, admin):
    bh, lk = units
    next_year = copy_campaign(campaign, 2026, admin)
    db.session.flush()
    ensure_workspace(bh, next_year)  # only Biên Hòa has its 2026 workspace so far
    db.session.commit()
    item = db.session.execute(sa.select(Criterion).where(Criterion.campaign_id == next_year.id,
                                                         Criterion.code == "2.1")).scalar_one()
    services.update_criterion(item, values_of(item, evidence_required=False), item.version, admin)
    db.session.commit()
    told = db.session.execute(sa.select(Notification)).scalars().all()
    assert [n.user_id for n in told] == [officers[0].id]
    assert "không còn bắt buộc" in message(told[0]) or "no longer required" in message(told[0])


def test_nothing_changed_means_no_audit_and_no_notification(campaign, units, officers, admin):
    item = crit("1.1")
    before = state_of_db()
    services.update_criterion(item, values_of(item, max_points=Decimal("8")), item.version, admin)  # 8 == 8.00
    db.session.commit()
    assert state_of_db() == before


def test_lowering_a_maximum_below_a_given_score_is_refused_with_the_units_and_scores(campaign, units, admin):
    bh, lk = units
    give_score(bh, "1.1", "7,5".replace(",", "."))
    line = line_of(lk, "1.1")
    line.self_score = line.approved_score = Decimal(6)
    line.state = ScoreState.APPROVED
    db.session.commit()
    item = crit("1.1")
    before = state_of_db()
    exc = refused(services.update_criterion, item, values_of(item, max_points=Decimal(5)), item.version, admin)
    assert isinstance(exc, WouldBreak)
    assert any(bh.name in b and "7,5" in b for b in exc.breaks), exc.breaks
    assert any(lk.name in b and "6" in b for b in exc.breaks), exc.breaks
    assert state_of_db() == before
    # to 7,5 exactly is fine: no score is above it
    services.update_criterion(item, values_of(item, max_points=Decimal("7.5")), item.version, admin)
    db.session.commit()
    assert fresh(item).max_points == Decimal("7.5")


@pytest.mark.parametrize("change", ["kind", "parent"])
def test_changing_kind_or_group_of_an_item_with_data_is_refused(campaign, units, admin, change):
    bh, _lk = units
    commitment = commitment_of(bh, "1.1")
    commitment.target_text = "Hoàn thành 100%"
    db.session.commit()
    item = crit("1.1")
    values = (values_of(item, kind=CriterionKind.BONUS, parent_id=crit("B").id) if change == "kind"
              else values_of(item, parent_id=crit("2").id))
    before = state_of_db()
    exc = refused(services.update_criterion, item, values, item.version, admin)
    assert isinstance(exc, WouldBreak) and any(bh.name in b and "đăng ký" in b.lower() or bh.name in b
                                               for b in exc.breaks)
    assert len(exc.breaks) == 1
    assert state_of_db() == before


def test_an_item_without_data_can_move_and_its_rows_follow_its_kind(campaign, units, admin):
    bh, lk = units
    item = crit("1.2")
    services.update_criterion(item, values_of(item, kind=CriterionKind.BONUS, parent_id=crit("B").id,
                                              max_points=Decimal(1)), item.version, admin)
    db.session.commit()
    item = fresh(item)
    assert item.parent.code == "B" and item.kind is CriterionKind.BONUS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Commitment)
                             .where(Commitment.criterion_id == item.id)) == 0  # bonus items have no pledge
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScoreLine)
                             .where(ScoreLine.criterion_id == item.id)) == 2


def test_a_group_keeps_the_kind_its_items_need(campaign, admin):
    group = crit("B")
    before = state_of_db()
    exc = refused(services.update_criterion, group, values_of(group, kind=CriterionKind.GROUP), group.version, admin)
    assert "kind" in exc.errors
    assert state_of_db() == before


def test_a_stale_version_is_a_conflict_and_changes_nothing(campaign, admin):
    item = crit("1.1")
    services.update_criterion(item, values_of(item, title="Tiêu đề A"), item.version, admin)
    db.session.commit()
    before = state_of_db()
    exc = refused(services.update_criterion, item, values_of(item, title="Tiêu đề B"), 1, admin)
    assert isinstance(exc, Conflict)
    assert state_of_db() == before


# --- removing -------------------------------------------------------------------------------------

def test_removing_an_item_with_data_is_refused_with_the_units(campaign, units, officers, admin):
    bh, lk = units
    give_score(bh, "2.3", 4)
    db.session.add(Evidence(campaign_id=campaign.id, unit_id=lk.id, criterion_id=crit("2.3").id, doc_number="1/BC",
                            title="Báo cáo", uploaded_by_id=officers[1].id))
    db.session.commit()
    item = crit("2.3")
    before = state_of_db()
    exc = refused(services.remove_criterion, item, item.version, admin)
    assert isinstance(exc, WouldBreak)
    assert len(exc.breaks) == 2
    assert any(bh.name in b and "4" in b for b in exc.breaks) and any(lk.name in b for b in exc.breaks)
    assert state_of_db() == before


def test_removing_an_item_without_data_takes_its_empty_rows(campaign, units, admin):
    item = crit("2.3")
    item_id = item.id
    services.remove_criterion(item, item.version, admin)
    db.session.commit()
    assert db.session.get(Criterion, item_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScoreLine).where(ScoreLine.criterion_id == item_id)) == 0
    assert db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "criterion_removed")).scalar_one().before["code"] == "2.3"
    assert not services.tree(campaign).ok  # group 2 now adds up to 15 of 20: shown as a warning


def test_an_item_added_by_mistake_goes_with_its_notifications(campaign, units, officers, admin):
    item = services.create_criterion(campaign, CriterionValues(
        code="6.4", kind=CriterionKind.ITEM, parent_id=crit("6").id, title="Nhầm", max_points=Decimal(1)), admin)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 2
    services.remove_criterion(item, item.version, admin)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScoreLine)
                             .where(ScoreLine.criterion_id == item.id)) == 0


def test_a_copied_year_keeps_each_item_deadline_a_year_later(campaign, admin):
    item = crit("1.1")
    services.update_criterion(item, values_of(item, deadline=campaign.reporting_deadline - timedelta(days=7)),
                              item.version, admin)
    db.session.commit()
    next_year = copy_campaign(campaign, campaign.year + 1, admin)
    db.session.commit()
    copied = db.session.execute(sa.select(Criterion).where(Criterion.campaign_id == next_year.id,
                                                           Criterion.code == "1.1")).scalar_one()
    assert copied.deadline == shift_years(fresh(item).deadline, 1)
    assert copied.deadline <= next_year.review_end


def test_a_group_with_items_cannot_be_removed(campaign, admin):
    group = crit("5")
    before = state_of_db()
    exc = refused(services.remove_criterion, group, group.version, admin)
    assert [b.split()[0] for b in exc.breaks] == ["5.1", "5.2", "5.3"]
    assert state_of_db() == before


# --- reordering -----------------------------------------------------------------------------------

def test_moving_swaps_with_the_neighbour_and_keeps_the_version(campaign, admin):
    item = crit("3.2")
    version = item.version
    services.move_criterion(item, -1, admin)
    db.session.commit()
    assert [c.code for c in sorted(crit("3").children, key=lambda c: c.position)][:3] == ["3.2", "3.1", "3.3"]
    assert fresh(crit("3.2")).version == version
    services.move_criterion(crit("3.2"), -1, admin)  # already first: stays
    services.move_criterion(crit("B"), 1, admin)
    db.session.commit()
    assert [g.node.code for g in services.tree(campaign).groups][-2:] == ["D", "B"]


# --- the closing lock -----------------------------------------------------------------------------

def test_a_closed_campaign_changes_nowhere(campaign, units, admin):
    campaign.state = CampaignState.CLOSED
    db.session.commit()
    item = crit("1.1")
    before = state_of_db()
    for call, args in [
        (services.update_criterion, (item, values_of(item, title="Mới"), item.version, admin)),
        (services.remove_criterion, (crit("2.3"), crit("2.3").version, admin)),
        (services.move_criterion, (item, 1, admin)),
        (services.create_criterion, (campaign, CriterionValues(code="9", kind=CriterionKind.GROUP, parent_id=None,
                                                               title="Nhóm", max_points=Decimal(0)), admin)),
    ]:
        exc = refused(call, *args)
        assert "kết thúc" in exc.message or "ended" in exc.message
        assert state_of_db() == before


# --- the pages ------------------------------------------------------------------------------------

def urls(campaign):
    item = crit("1.1")
    return [("get", f"/admin/campaigns/{campaign.id}/criteria"), ("get", f"/admin/campaigns/{campaign.id}/criteria/new"),
            ("post", f"/admin/campaigns/{campaign.id}/criteria/new"), ("get", f"/admin/campaigns/criteria/{item.id}/edit"),
            ("post", f"/admin/campaigns/criteria/{item.id}/edit"), ("post", f"/admin/campaigns/criteria/{item.id}/remove"),
            ("post", f"/admin/campaigns/criteria/{item.id}/move/up"),
            ("post", f"/admin/campaigns/criteria/{item.id}/move/down")]


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_every_criteria_route_refuses_every_other_role(client, login_as, campaign, units, role):
    login_as(role, unit=units[0] if role is Role.UNIT_OFFICER else None)
    before = state_of_db()
    form = {"code": "1.9", "kind": "item", "parent_id": crit("1").id, "title": "X", "max_points": "1", "version": "1"}
    for method, url in urls(campaign):
        response = getattr(client, method)(url, data=form)
        assert response.status_code == 403, (method, url)
        assert getattr(client, method)(url, data=form, headers=HX).status_code == 403
    assert state_of_db() == before


def form_of(item, **changes):
    data = {"code": item.code, "kind": item.kind.value, "parent_id": str(item.parent_id or 0), "title": item.title,
            "guidance": item.guidance, "max_points": str(item.max_points).replace(".", ","),
            "deadline": item.deadline.isoformat() if item.deadline else "", "version": str(item.version)}
    if item.evidence_required:
        data["evidence_required"] = "y"
    data.update(changes)
    return data


def test_the_tree_page_shows_the_sums_and_the_warnings(client, login_as, campaign):
    login_as(Role.ADMIN)
    page = client.get(f"/admin/campaigns/{campaign.id}/criteria").get_data(as_text=True)
    assert 'id="criteria-tree"' in page and "100 / 100" in page and "sum-warning" not in page.split("<table")[1]
    item = crit("1.1")
    client.post(f"/admin/campaigns/criteria/{item.id}/edit", data=form_of(item, max_points="9"))
    page = client.get(f"/admin/campaigns/{campaign.id}/criteria").get_data(as_text=True)
    row = page.split(f'id="criterion-{crit("1").id}"')[1].split("</tr>")[0]
    assert "sum-warning" in row and "21" in row


def test_saving_the_edit_form_saves_and_a_bad_input_keeps_what_was_typed(client, login_as, campaign, units):
    login_as(Role.ADMIN)
    item = crit("1.1")
    before = state_of_db()
    late = (campaign.review_end + timedelta(days=1)).isoformat()
    response = client.post(f"/admin/campaigns/criteria/{item.id}/edit",
                           data=form_of(item, title="Tiêu đề đã gõ", max_points="8,3", deadline=late))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tiêu đề đã gõ" in page and 'value="8,3"' in page and late in page
    assert page.count('class="field field--error"') == 2
    assert state_of_db() == before
    day = (campaign.reporting_deadline - timedelta(days=3)).isoformat()
    response = client.post(f"/admin/campaigns/criteria/{item.id}/edit", data=form_of(item, deadline=day))
    assert response.status_code == 303
    assert fresh(item).deadline.isoformat() == day


def test_the_second_of_two_admins_gets_the_conflict_message(client, login_as, campaign):
    login_as(Role.ADMIN)
    item = crit("1.1")
    first = form_of(item, title="Của người thứ nhất")
    second = form_of(item, title="Của người thứ hai")
    assert client.post(f"/admin/campaigns/criteria/{item.id}/edit", data=first).status_code == 303
    before = state_of_db()
    response = client.post(f"/admin/campaigns/criteria/{item.id}/edit", data=second)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Của người thứ hai" in page and 'id="refusal"' in page
    assert state_of_db() == before and fresh(item).title == "Của người thứ nhất"


def test_a_refused_removal_lists_what_it_would_break_on_the_page(client, login_as, campaign, units):
    give_score(units[0], "2.3", 4)
    login_as(Role.ADMIN)
    item = crit("2.3")
    before = state_of_db()
    response = client.post(f"/admin/campaigns/criteria/{item.id}/remove", data={"version": item.version})
    assert response.status_code == 409
    refusal = response.get_data(as_text=True).split('id="refusal"')[1].split("</div>")[0]
    assert units[0].name in refusal and "4" in refusal
    assert state_of_db() == before


def test_moving_with_htmx_answers_the_tree_alone(client, login_as, campaign):
    login_as(Role.ADMIN)
    item = crit("1.2")
    response = client.post(f"/admin/campaigns/criteria/{item.id}/move/up",
                           headers={**HX, "HX-Target": "criteria-tree"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.lstrip().startswith("{#") is False
    assert "<html" not in page and 'id="criteria-tree"' in page
    assert page.index(f'id="criterion-{item.id}"') < page.index(f'id="criterion-{crit("1.1").id}"')
    plain = client.post(f"/admin/campaigns/criteria/{item.id}/move/down")
    assert plain.status_code == 303


def test_a_closed_campaign_shows_the_tree_without_changes(client, login_as, campaign):
    campaign.state = CampaignState.CLOSED
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/campaigns/{campaign.id}/criteria").get_data(as_text=True)
    assert "/move/up" not in page and "criteria/new" not in page
    item = crit("1.1")
    before = state_of_db()
    response = client.post(f"/admin/campaigns/criteria/{item.id}/edit", data=form_of(item, title="Mới"))
    assert response.status_code == 409 and state_of_db() == before


def test_the_campaign_pages_link_to_the_criteria(client, login_as, campaign):
    login_as(Role.ADMIN)
    target = f"/admin/campaigns/{campaign.id}/criteria"
    assert target in client.get("/admin/campaigns/").get_data(as_text=True)
    assert target in client.get(f"/admin/campaigns/{campaign.id}/edit").get_data(as_text=True)


def test_a_new_item_from_the_group_row_is_preset_to_that_group(client, login_as, campaign, units):
    login_as(Role.ADMIN)
    group = crit("B")
    page = client.get(f"/admin/campaigns/{campaign.id}/criteria/new?parent={group.id}").get_data(as_text=True)
    assert f'<option selected value="{group.id}">' in page and '<option selected value="bonus">' in page
    response = client.post(f"/admin/campaigns/{campaign.id}/criteria/new", data={
        "code": "B.3", "kind": "bonus", "parent_id": str(group.id), "title": "Thưởng mới", "max_points": "1,5"})
    assert response.status_code == 303
    assert crit("B.3").max_points == Decimal("1.5")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScoreLine)
                             .where(ScoreLine.criterion_id == crit("B.3").id)) == 2


def test_a_campaign_opens_only_once_its_criteria_add_up(campaign, admin):
    next_year = copy_campaign(campaign, 2026, admin)
    db.session.commit()
    item = db.session.execute(sa.select(Criterion).where(Criterion.campaign_id == next_year.id,
                                                         Criterion.code == "2.1")).scalar_one()
    services.update_criterion(item, values_of(item, max_points=Decimal(11)), item.version, admin)
    db.session.commit()
    before = state_of_db()
    exc = refused(open_campaign, next_year, admin)
    assert "'2'" in exc.message and "21" in exc.message
    assert fresh(next_year).state is CampaignState.DRAFT and state_of_db() == before
    services.update_criterion(item, values_of(item, max_points=Decimal(10)), item.version, admin)
    open_campaign(next_year, admin)
    db.session.commit()
    assert fresh(next_year).state is CampaignState.OPEN


def test_criteria_changes_need_the_csrf_token(database_url, tmp_path, campaign, admin):
    guarded = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True).test_client()
    login_page = guarded.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', login_page).group(1)
    assert guarded.post("/login", data={"username": admin.username, "password": factories.PASSWORD,
                                        "csrf_token": token}).status_code == 303
    item = crit("1.2")
    before = state_of_db()
    for url in (f"/admin/campaigns/criteria/{item.id}/move/up", f"/admin/campaigns/criteria/{item.id}/remove",
                f"/admin/campaigns/criteria/{item.id}/edit"):
        assert guarded.post(url, data=form_of(item, title="Không có mã")).status_code == 400, url
    assert state_of_db() == before
    page = guarded.get(f"/admin/campaigns/{campaign.id}/criteria").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert guarded.post(f"/admin/campaigns/criteria/{item.id}/move/up", data={"csrf_token": token}).status_code == 303
