"""The review chain (issue #12): an item passes each level in order; only the last item or
scorecard level's approval reaches the official total; any level returns to the unit or sends
back a level; only the people of a level act at it; a scorecard level signs off a unit's lines
as a whole. Table-driven over chains of two and three levels."""
import re
from decimal import Decimal

import pytest

from portal.access import Denied
from portal.extensions import db
from portal.models import (
    AuditEvent,
    Criterion,
    CriterionKind,
    FinalResult,
    LevelScope,
    Notification,
    QueueItem,
    RegistrationState,
    ReviewLevel,
    ReviewStep,
    Role,
    Scorecard,
    ScorecardState,
    ScoreLine,
    ScoreState,
)
from portal.audit.wording import event_sentence
from portal import chain
from portal.review import services
from portal.review.queries import QueueFilters, open_count, queue_page
from portal.scoreboard.ranking import compute_standings
from portal.workflow import Conflict, WorkflowError
from portal.workspace.services import submit_registration
from tests import factories
from tests.helpers import HX, commitment_of, fresh, line_of, submit

ITEM, SCORECARD, RANKING = LevelScope.ITEM, LevelScope.SCORECARD, LevelScope.RANKING
S = ScoreState


def make_chain(campaign, scopes):
    """Levels of the given scopes, each with its own member (a reviewer; the council for ranking)."""
    people = []
    for position, scope in enumerate(scopes, start=1):
        person = factories.gen_user(role=Role.COUNCIL if scope is RANKING else Role.REVIEWER,
                                    full_name=f"Người cấp {position}")
        db.session.add(ReviewLevel(campaign_id=campaign.id, position=position, name=f"Cấp {position}",
                                   scope=scope, members=[person]))
        people.append(person)
    db.session.commit()
    chain.forget()
    return people


def standing_of(campaign, unit):
    return next(s for s in compute_standings(campaign).units if s.unit.id == unit.id)


def row_of(obj, kind="score_line"):
    return db.session.execute(db.select(QueueItem).where(
        QueueItem.subject_type == kind, QueueItem.subject_id == obj.id)).scalar_one_or_none()


def state(line):
    line = fresh(line)
    return line.state, line.level, line.approved_score


def bring_to(line, level, people):
    """Approve ``line`` level by level until it waits at ``level``."""
    while fresh(line).level < level:
        services.approve_score(fresh(line), people[fresh(line).level - 1])
        db.session.commit()
    return fresh(line)


def act(action, line, user):
    line = fresh(line)
    if action == "approve":
        services.approve_score(line, user, line.version)
    elif action == "adjust":
        services.adjust_score(line, user, "2", "Minh chứng chưa đủ", line.version)
    elif action == "return":
        services.return_item(line, user, "Bổ sung minh chứng", line.version)
    elif action == "send_back":
        services.send_back(line, user, "Xem lại minh chứng", line.version)
    db.session.commit()


# (scopes, the level the line waits at, action) → (state, level after, approved figure); None: refused.
TABLE = [
    ((ITEM, ITEM), 1, "approve", (S.SUBMITTED, 2, Decimal(3))),
    ((ITEM, ITEM), 1, "adjust", (S.SUBMITTED, 2, Decimal(2))),
    ((ITEM, ITEM), 1, "return", (S.RETURNED, 1, None)),
    ((ITEM, ITEM), 1, "send_back", None),
    ((ITEM, ITEM), 2, "approve", (S.APPROVED, 2, Decimal(3))),
    ((ITEM, ITEM), 2, "adjust", (S.APPROVED, 2, Decimal(2))),
    ((ITEM, ITEM), 2, "return", (S.RETURNED, 2, None)),
    ((ITEM, ITEM), 2, "send_back", (S.SUBMITTED, 1, Decimal(3))),
    ((ITEM, ITEM, ITEM), 1, "approve", (S.SUBMITTED, 2, Decimal(3))),
    ((ITEM, ITEM, ITEM), 2, "adjust", (S.SUBMITTED, 3, Decimal(2))),
    ((ITEM, ITEM, ITEM), 2, "send_back", (S.SUBMITTED, 1, Decimal(3))),
    ((ITEM, ITEM, ITEM), 3, "approve", (S.APPROVED, 3, Decimal(3))),
    ((ITEM, ITEM, ITEM), 3, "adjust", (S.APPROVED, 3, Decimal(2))),
    ((ITEM, ITEM, ITEM), 3, "return", (S.RETURNED, 3, None)),
    ((ITEM, ITEM, ITEM), 3, "send_back", (S.SUBMITTED, 2, Decimal(3))),
    ((ITEM, ITEM, RANKING), 2, "approve", (S.APPROVED, 2, Decimal(3))),
    ((ITEM, SCORECARD, RANKING), 1, "approve", (S.SUBMITTED, 2, Decimal(3))),
    ((ITEM, SCORECARD, RANKING), 2, "approve", None),  # signed off with the scorecard, not alone
    ((ITEM, SCORECARD, RANKING), 2, "adjust", (S.SUBMITTED, 2, Decimal(2))),  # kept for the sign-off
    ((ITEM, SCORECARD, RANKING), 2, "send_back", (S.SUBMITTED, 1, Decimal(3))),
    ((ITEM, SCORECARD, RANKING), 2, "return", (S.RETURNED, 2, None)),
]


@pytest.mark.parametrize("scopes,level,action,expected", TABLE,
                         ids=[f"{len(s)}-levels-{'-'.join(x.value for x in s)}-at-{lv}-{a}" for s, lv, a, _e in TABLE])
def test_transition_table(campaign, units, officers, scopes, level, action, expected):
    people = make_chain(campaign, scopes)
    line = bring_to(submit(line_of(units[0], "1.1"), officers[0]), level, people)
    before = state(line)
    steps_before = db.session.scalar(db.select(db.func.count(ReviewStep.id)))
    if expected is None:
        with pytest.raises(WorkflowError):
            act(action, line, people[level - 1])
        db.session.rollback()
        assert state(line) == before
        assert db.session.scalar(db.select(db.func.count(ReviewStep.id))) == steps_before
        return
    act(action, line, people[level - 1])
    assert state(line) == expected
    row = row_of(line)
    at_scorecard = expected[0] is S.SUBMITTED and scopes[expected[1] - 1] is SCORECARD
    assert (row.state, row.level) == ("in_scorecard" if at_scorecard else expected[0].value, expected[1])
    step = db.session.execute(db.select(ReviewStep).order_by(ReviewStep.id.desc()).limit(1)).scalar_one()
    assert (step.level, step.action, step.actor_id) == (level, action, people[level - 1].id)
    if action == "adjust" and level > 1:
        assert (step.previous_score, step.score) == (Decimal(3), Decimal(2))


@pytest.mark.parametrize("level", [1, 2, 3])
def test_only_the_people_of_a_level_act_at_it(campaign, units, officers, level):
    people = make_chain(campaign, (ITEM, ITEM, ITEM))
    admin = factories.gen_user(role=Role.ADMIN)
    other_reviewer = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    line = bring_to(submit(line_of(units[0], "1.1"), officers[0]), level, people)
    before = state(line)
    outsiders = [p for p in people if p is not people[level - 1]] + [admin, other_reviewer, officers[0]]
    for outsider in outsiders:
        for action in ("approve", "adjust", "return", "send_back"):
            with pytest.raises(Denied):
                act(action, line, outsider)
            db.session.rollback()
            assert state(line) == before, (outsider.username, action)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_conflict_at_each_level_changes_nothing(campaign, units, officers, level):
    people = make_chain(campaign, (ITEM, ITEM, ITEM))
    line = bring_to(submit(line_of(units[0], "1.1"), officers[0]), level, people)
    before = state(line)
    stale = fresh(line).version - 1
    for decide in (lambda: services.approve_score(fresh(line), people[level - 1], stale),
                   lambda: services.adjust_score(fresh(line), people[level - 1], "2", "Lý do", stale),
                   lambda: services.return_item(fresh(line), people[level - 1], "Bổ sung", stale)):
        with pytest.raises(Conflict):
            decide()
        db.session.rollback()
        assert state(line) == before


@pytest.mark.parametrize("level", [1, 2])
def test_bulk_approval_at_each_level(campaign, units, officers, level):
    people = make_chain(campaign, (ITEM, ITEM))
    lines = [bring_to(submit(line_of(units[0], code), officers[0]), level, people) for code in ("1.1", "1.2")]
    elsewhere = bring_to(submit(line_of(units[0], "2.1"), officers[0]), 2 if level == 1 else 1, people)
    outcomes = services.bulk_approve([lines[0].id, lines[1].id, elsewhere.id], people[level - 1])
    db.session.commit()
    assert [o.ok for o in outcomes] == [True, True, False]
    expected = (S.SUBMITTED, 2) if level == 1 else (S.APPROVED, 2)
    assert [state(line)[:2] for line in lines] == [expected, expected]
    assert state(elsewhere)[:2] == (S.SUBMITTED, 2 if level == 1 else 1)


def test_nothing_reaches_the_official_total_before_the_last_level(campaign, units, officers):
    people = make_chain(campaign, (ITEM, ITEM, ITEM))
    unit = units[0]
    provisional_before = standing_of(campaign, unit).provisional
    line = submit(line_of(unit, "1.1"), officers[0], score="5")
    provisional = standing_of(campaign, unit).provisional
    assert provisional == provisional_before + 5
    for level in (1, 2):
        services.approve_score(fresh(line), people[level - 1])
        db.session.commit()
        standing = standing_of(campaign, unit)
        assert (standing.total, standing.approved_items, standing.provisional) == (0, 0, provisional)
    services.adjust_score(fresh(line), people[2], "4", "Chưa đủ minh chứng")
    db.session.commit()
    standing = standing_of(campaign, unit)
    assert (standing.total, standing.approved_items, standing.provisional) == (4, 1, provisional)


def test_a_returned_item_starts_the_chain_again(campaign, units, officers):
    people = make_chain(campaign, (ITEM, ITEM))
    line = bring_to(submit(line_of(units[0], "1.1"), officers[0]), 2, people)
    act("return", line, people[1])
    assert state(line) == (S.RETURNED, 2, None)
    submit(fresh(line), officers[0], evidence=False)
    assert state(line)[:2] == (S.SUBMITTED, 1)
    assert row_of(line).level == 1


def test_send_back_needs_a_comment(campaign, units, officers):
    people = make_chain(campaign, (ITEM, ITEM))
    line = bring_to(submit(line_of(units[0], "1.1"), officers[0]), 2, people)
    before = state(line)
    with pytest.raises(WorkflowError) as refused:
        services.send_back(fresh(line), people[1], "  ", fresh(line).version)
    db.session.rollback()
    assert refused.value.field == "comment" and state(line) == before


def test_the_history_names_each_level(campaign, units, officers, app):
    people = make_chain(campaign, (ITEM, ITEM))
    line = bring_to(submit(line_of(units[0], "1.1"), officers[0]), 2, people)
    services.adjust_score(fresh(line), people[1], "2", "Thiếu minh chứng")
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        sentences = [event_sentence(e) for e in db.session.execute(db.select(AuditEvent).where(
            AuditEvent.subject_type == "score_line", AuditEvent.subject_id == line.id).order_by(AuditEvent.id)).scalars()]
    assert "Người cấp 1 duyệt 3 điểm ở cấp “Cấp 1”" in sentences
    assert any(s.startswith("Người cấp 2 điều chỉnh thành 2 điểm ở cấp “Cấp 2” (cấp trước 3") for s in sentences), sentences


def test_registrations_pass_the_item_levels(campaign, units, officers):
    people = make_chain(campaign, (ITEM, ITEM, SCORECARD))
    unit = units[0]
    commitment = commitment_of(unit, "1.1")
    commitment.target_text = "Hoàn thành 100% kế hoạch"
    registration = commitment.registration
    for c in registration_commitments(registration):
        c.target_text = c.target_text or "Hoàn thành"
    db.session.flush()
    from portal.clock import today
    submit_registration(registration, officers[0], today())
    db.session.commit()
    with pytest.raises(Denied):
        services.accept_registration(fresh(registration), people[1])
    db.session.rollback()
    services.accept_registration(fresh(registration), people[0])
    db.session.commit()
    assert (fresh(registration).state, fresh(registration).level) == (RegistrationState.SUBMITTED, 2)
    services.accept_registration(fresh(registration), people[1])
    db.session.commit()
    assert fresh(registration).state is RegistrationState.ACCEPTED  # scorecard levels review scores only


def registration_commitments(registration):
    from portal.models import Commitment
    return db.session.execute(db.select(Commitment).where(Commitment.registration_id == registration.id)).scalars().all()


# --- a scorecard level ---------------------------------------------------------------------------

def scored_lines(unit):
    return db.session.execute(db.select(ScoreLine).join(Criterion, Criterion.id == ScoreLine.criterion_id).where(
        ScoreLine.unit_id == unit.id, Criterion.kind == CriterionKind.ITEM,
        Criterion.parent_id.in_(db.select(Criterion.id).where(Criterion.kind == CriterionKind.GROUP)))
        .order_by(Criterion.position)).scalars().all()


def submit_everything(unit, officer):
    """Every scored item submitted with its maximum."""
    for line in scored_lines(unit):
        submit(line, officer, score=str(line.criterion.max_points), evidence=line.criterion.evidence_required)
    return scored_lines(unit)


@pytest.fixture
def three_levels(campaign, units, officers):
    people = make_chain(campaign, (ITEM, SCORECARD, RANKING))
    lines = submit_everything(units[0], officers[0])
    return people, lines


def scorecard_of(unit):
    return db.session.execute(db.select(Scorecard).where(Scorecard.unit_id == unit.id)).scalar_one_or_none()


def test_the_scorecard_waits_until_every_line_reaches_its_level(campaign, units, three_levels):
    (specialist, leader, _chair), lines = three_levels
    assert scorecard_of(units[0]) is None
    outcomes = services.bulk_approve([line.id for line in lines[:-1]], specialist)
    db.session.commit()
    assert all(o.ok for o in outcomes)
    assert scorecard_of(units[0]) is None  # one line still at level 1
    services.approve_score(fresh(lines[-1]), specialist)
    db.session.commit()
    card = scorecard_of(units[0])
    assert (card.state, card.level) == (ScorecardState.SUBMITTED, 2)
    assert (row_of(card, "scorecard").state, row_of(card, "scorecard").level) == ("submitted", 2)
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == leader.id, Notification.kind == "scorecard_arrived")) == 1
    assert standing_of(campaign, units[0]).total == 0


def test_the_board_leader_adjusts_a_line_and_signs_the_scorecard_off(campaign, units, three_levels):
    (specialist, leader, chair), lines = three_levels
    services.bulk_approve([line.id for line in lines], specialist)
    db.session.commit()
    full = sum((line.criterion.max_points for line in lines), Decimal(0))
    assert standing_of(campaign, units[0]).total == 0
    adjusted = lines[0]
    services.adjust_score(fresh(adjusted), leader, str(adjusted.criterion.max_points - 1), "Trừ 1 điểm: chậm tiến độ")
    db.session.commit()
    assert state(adjusted) == (S.SUBMITTED, 2, adjusted.criterion.max_points - 1)
    assert standing_of(campaign, units[0]).total == 0  # not before the sign-off
    card = scorecard_of(units[0])
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    for outsider in (specialist, chair, admin):
        with pytest.raises(Denied):
            services.sign_off_scorecard(fresh(card), outsider, fresh(card).version)
        db.session.rollback()
    with pytest.raises(Conflict):
        services.sign_off_scorecard(fresh(card), leader, fresh(card).version - 1)
    db.session.rollback()
    assert standing_of(campaign, units[0]).total == 0
    services.sign_off_scorecard(fresh(card), leader, fresh(card).version)
    db.session.commit()
    assert fresh(card).state is ScorecardState.APPROVED
    assert {fresh(line).state for line in lines} == {S.APPROVED}
    standing = standing_of(campaign, units[0])
    assert standing.total == full - 1 and standing.complete
    assert row_of(card, "scorecard").state == "approved"
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.kind == "scorecard_approved")) >= 1


def test_a_line_sent_back_from_the_scorecard_takes_the_scorecard_out_of_the_queue(campaign, units, three_levels):
    (specialist, leader, _chair), lines = three_levels
    services.bulk_approve([line.id for line in lines], specialist)
    db.session.commit()
    card = scorecard_of(units[0])
    services.send_back(fresh(lines[3]), leader, "Đề nghị xem lại minh chứng", fresh(lines[3]).version)
    db.session.commit()
    assert (fresh(card).state, row_of(card, "scorecard").state) == (ScorecardState.WAITING, "waiting")
    assert state(lines[3])[:2] == (S.SUBMITTED, 1)
    with pytest.raises(WorkflowError):
        services.sign_off_scorecard(fresh(card), leader, fresh(card).version)
    db.session.rollback()
    services.approve_score(fresh(lines[3]), specialist)
    db.session.commit()
    assert (fresh(card).state, fresh(card).level) == (ScorecardState.SUBMITTED, 2)


def test_each_level_sees_its_own_queue(app, campaign, units, three_levels):
    (specialist, leader, _chair), lines = three_levels
    services.bulk_approve([line.id for line in lines[:5]], specialist)
    db.session.commit()
    with app.test_request_context():
        first = queue_page(campaign, QueueFilters(level=1), 7)
        assert {row.subject_type for row in first.rows} == {"score_line"}
        assert first.total == len(lines) - 5  # the lines still at level 1
        assert queue_page(campaign, QueueFilters(level=2), 7).total == 0  # no scorecard yet
        assert open_count(campaign, specialist) == len(lines) - 5
        assert open_count(campaign, leader) == 0
    services.bulk_approve([line.id for line in lines[5:]], specialist)
    db.session.commit()
    with app.test_request_context():
        chain.forget()
        second = queue_page(campaign, QueueFilters(level=2), 7)
        assert [(row.subject_type, row.unit_id) for row in second.rows] == [("scorecard", units[0].id)]
        assert open_count(campaign, leader) == 1


def test_the_queue_and_the_scorecard_in_the_browser_routes(client, login_as, campaign, units, three_levels):
    (specialist, leader, _chair), lines = three_levels
    services.bulk_approve([line.id for line in lines], specialist)
    db.session.commit()
    card = scorecard_of(units[0])
    before = [state(line) for line in lines]
    client.post("/login", data={"username": specialist.username, "password": factories.PASSWORD})
    assert client.get(f"/review/items/scorecard/{card.id}").status_code == 200
    response = client.post(f"/review/scorecards/{card.id}/sign-off", data={"version": card.version}, headers=HX)
    assert response.status_code == 403
    assert [state(line) for line in lines] == before
    client.post("/logout")
    client.post("/login", data={"username": leader.username, "password": factories.PASSWORD})
    page = client.get("/review/?level=2").get_data(as_text=True)
    assert units[0].short_name in page
    assert re.search(r'level=2"\s+aria-current="page"', page)
    assert f"/review/items/scorecard/{card.id}" in page
    detail = client.get(f"/review/items/scorecard/{card.id}", headers=HX).get_data(as_text=True)
    assert "Ký duyệt bảng điểm" in detail and lines[0].criterion.code in detail
    response = client.post(f"/review/scorecards/{card.id}/sign-off", data={"version": fresh(card).version}, headers=HX)
    assert response.status_code == 200 and "Đã ký duyệt bảng điểm" in response.get_data(as_text=True)
    assert {state(line)[0] for line in lines} == {S.APPROVED}


def test_an_officer_cannot_reach_the_scorecard(client, login_as, campaign, units, three_levels):
    (specialist, _leader, _chair), lines = three_levels
    services.bulk_approve([line.id for line in lines], specialist)
    db.session.commit()
    card = scorecard_of(units[0])
    for unit in units:
        login_as(Role.UNIT_OFFICER, unit=unit)
        assert client.get(f"/review/items/scorecard/{card.id}").status_code == 403
        assert client.post(f"/review/scorecards/{card.id}/sign-off", data={"version": card.version}).status_code == 403
    assert fresh(card).state is ScorecardState.SUBMITTED


def test_a_locked_final_result_refuses_every_decision(campaign, units, officers):
    people = make_chain(campaign, (ITEM, ITEM))
    line = bring_to(submit(line_of(units[0], "1.1"), officers[0]), 2, people)
    db.session.add(FinalResult(campaign_id=campaign.id, approved_by_id=people[0].id))
    db.session.commit()
    before = state(line)
    for action in ("approve", "adjust", "return", "send_back"):
        with pytest.raises(WorkflowError):
            act(action, line, people[1])
        db.session.rollback()
        assert state(line) == before


def test_a_chain_of_one_level_is_the_single_review_step(campaign, units, officers):
    """No levels configured: every reviewer acts, an approval is final, no step names a level."""
    reviewer = factories.gen_user(role=Role.REVIEWER)
    line = submit(line_of(units[0], "1.1"), officers[0])
    services.approve_score(fresh(line), reviewer)
    db.session.commit()
    assert state(line) == (S.APPROVED, 1, Decimal(3))
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "approve")).scalar_one()
    assert "level" not in event.after
    assert chain.levels(campaign)[0].member_ids is None
