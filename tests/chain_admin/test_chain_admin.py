"""The review chain editor: each rule of a chain (refused with its message, nothing changed), the lock
once scoring has started or the campaign is closed, the sample chain, copying a year, the audit
sentences, and who may reach the pages."""

import pytest
import sqlalchemy as sa

from portal.audit.subjects import describe_subjects
from portal.audit.wording import event_sentence
from portal.campaign.services import copy_campaign
from portal.chain_admin import services
from portal.chain_admin.services import Invalid, LevelValues
from portal.extensions import db
from portal.models import (
    AuditEvent,
    CampaignState,
    LevelScope,
    QueueItem,
    Registration,
    RegistrationState,
    ReviewLevel,
    Role,
    ScoreLine,
    ScoreState,
    review_level_member,
)
from portal.workflow import Conflict, WorkflowError
from tests import factories
from tests.criteria.test_criteria import refused  # a service run the way a view runs it
from tests.helpers import HX, fresh

ITEM, SCORECARD, RANKING = LevelScope.ITEM, LevelScope.SCORECARD, LevelScope.RANKING


@pytest.fixture
def people(app):
    """Two reviewers, an administrator, a council member, a unit officer and a disabled reviewer."""
    made = {
        "reviewer": factories.gen_user(role=Role.REVIEWER, full_name="Nguyễn Văn An"),
        "reviewer2": factories.gen_user(role=Role.REVIEWER, full_name="Trần Thị Bình"),
        "admin": factories.gen_user(role=Role.ADMIN, full_name="Lê Văn Cường"),
        "council": factories.gen_user(role=Role.COUNCIL, full_name="Phạm Thị Dung"),
        "officer": factories.gen_user(role=Role.UNIT_OFFICER, full_name="Hoàng Văn Em"),
        "disabled": factories.gen_user(role=Role.REVIEWER, full_name="Đỗ Văn Gia", active=False),
    }
    db.session.commit()
    return made


def state_of_db():
    """Everything a refused change must leave as it was."""
    db.session.expire_all()
    return (
        [(lv.id, lv.campaign_id, lv.position, lv.name, lv.scope) for lv in
         db.session.execute(sa.select(ReviewLevel).order_by(ReviewLevel.id)).scalars()],
        sorted(db.session.execute(sa.select(review_level_member)).all()),
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
    )


def add(campaign, name, scope, *members, admin):
    level = services.add_level(campaign, LevelValues(name, scope, [m.id for m in members]), admin)
    db.session.commit()
    return level


def chain(campaign):
    db.session.expire_all()
    return [(lv.position, lv.name, lv.scope) for lv in services.levels_of(campaign)]


@pytest.fixture
def three(campaign, people):
    """The three-level chain, built one level at a time."""
    admin = people["admin"]
    add(campaign, "Chuyên viên thẩm định", ITEM, people["reviewer"], people["reviewer2"], admin=admin)
    add(campaign, "Lãnh đạo Ban", SCORECARD, admin, admin=admin)
    add(campaign, "Hội đồng thi đua, khen thưởng", RANKING, people["council"], admin, admin=admin)
    return services.levels_of(campaign)


# --- building a chain -----------------------------------------------------------------------------

def test_a_chain_is_built_in_order_with_its_members(campaign, people, three):
    assert chain(campaign) == [(1, "Chuyên viên thẩm định", ITEM), (2, "Lãnh đạo Ban", SCORECARD),
                               (3, "Hội đồng thi đua, khen thưởng", RANKING)]
    assert [u.full_name for u in three[2].members] == ["Lê Văn Cường", "Phạm Thị Dung"]
    assert services.summary(three) == "3 cấp: Chuyên viên thẩm định → Lãnh đạo Ban → Hội đồng thi đua, khen thưởng"


def test_a_new_level_goes_after_the_last_level_of_its_scope(campaign, people, three):
    add(campaign, "Phó Trưởng Ban", ITEM, people["admin"], admin=people["admin"])
    add(campaign, "Trưởng Ban", SCORECARD, people["admin"], admin=people["admin"])
    assert chain(campaign) == [(1, "Chuyên viên thẩm định", ITEM), (2, "Phó Trưởng Ban", ITEM),
                               (3, "Lãnh đạo Ban", SCORECARD), (4, "Trưởng Ban", SCORECARD),
                               (5, "Hội đồng thi đua, khen thưởng", RANKING)]


def test_a_person_may_act_at_several_levels(campaign, people, three):
    admin = people["admin"]
    assert admin in three[1].members and admin in three[2].members


def test_rename_rescope_and_change_members(campaign, people, three):
    level = three[1]
    services.update_level(level, LevelValues("  Lãnh đạo   Ban  Thi đua ", ITEM, [people["reviewer"].id]),
                          services.fingerprint(level), people["admin"])
    db.session.commit()
    level = fresh(level)
    assert (level.name, level.scope, [u.full_name for u in level.members]) == (
        "Lãnh đạo Ban Thi đua", ITEM, ["Nguyễn Văn An"])


def test_moving_a_level_within_its_scope(campaign, people, three):
    add(campaign, "Phó Trưởng Ban", ITEM, people["admin"], admin=people["admin"])
    services.move_level(services.levels_of(campaign)[1], -1, people["admin"])
    db.session.commit()
    assert [n for _p, n, _s in chain(campaign)][:2] == ["Phó Trưởng Ban", "Chuyên viên thẩm định"]
    before = state_of_db()
    services.move_level(services.levels_of(campaign)[0], -1, people["admin"])  # already first: nothing
    db.session.commit()
    assert state_of_db() == before


def test_removing_a_level_closes_the_gap_and_an_empty_chain_is_allowed(campaign, people, three):
    admin = people["admin"]
    services.remove_level(three[1], services.fingerprint(three[1]), admin)
    db.session.commit()
    assert chain(campaign) == [(1, "Chuyên viên thẩm định", ITEM), (2, "Hội đồng thi đua, khen thưởng", RANKING)]
    for level in reversed(services.levels_of(campaign)):
        services.remove_level(level, services.fingerprint(level), admin)
        db.session.commit()
    assert chain(campaign) == []
    assert services.summary([]) == "1 cấp: mọi cán bộ thẩm định và quản trị viên"


# --- the rules: each refused, nothing changed -----------------------------------------------------

@pytest.mark.parametrize("name,members,field,message", [
    ("", "reviewer", "name", "Nhập tên cấp xét duyệt."),
    ("   ", "reviewer", "name", "Nhập tên cấp xét duyệt."),
    ("x" * 201, "reviewer", "name", "Tối đa 200 ký tự."),
    ("Cấp mới", None, "members", "Chọn ít nhất một người xét duyệt ở cấp này."),
    ("Cấp mới", "officer", "members", "Chọn thành viên trong số cán bộ thẩm định"),
    ("Cấp mới", "disabled", "members", "Chọn thành viên trong số cán bộ thẩm định"),
])
def test_a_level_needs_a_name_and_a_member(campaign, people, three, name, members, field, message):
    ids = [people[members].id] if members else []
    before = state_of_db()
    exc = refused(services.add_level, campaign, LevelValues(name, ITEM, ids), people["admin"])
    assert isinstance(exc, Invalid) and field in exc.errors and message in exc.errors[field]
    assert state_of_db() == before
    level = services.levels_of(campaign)[0]
    exc = refused(services.update_level, level, LevelValues(name, ITEM, ids), services.fingerprint(level),
                  people["admin"])
    assert field in exc.errors and state_of_db() == before


def test_an_unknown_account_is_refused(campaign, people):
    before = state_of_db()
    exc = refused(services.add_level, campaign, LevelValues("Cấp", ITEM, [999999]), people["admin"])
    assert "members" in exc.errors and state_of_db() == before


def test_a_second_ranking_level_is_refused(campaign, people, three):
    before = state_of_db()
    exc = refused(services.add_level, campaign, LevelValues("Thường trực", RANKING, [people["admin"].id]),
                  people["admin"])
    assert exc.message.startswith("Chuỗi chỉ có tối đa một cấp phê duyệt cả bảng xếp hạng")
    assert exc.field == "scope" and state_of_db() == before


def test_a_chain_needs_an_item_by_item_level(campaign, people, three):
    # on an empty chain
    other = factories.gen_campaign(year=2026)
    db.session.commit()
    before = state_of_db()
    exc = refused(services.add_level, other, LevelValues("Lãnh đạo Ban", SCORECARD, [people["admin"].id]),
                  people["admin"])
    assert "ít nhất một cấp xét duyệt từng mục" in exc.message and state_of_db() == before
    # removing the only item-by-item level of a chain
    level = services.levels_of(campaign)[0]
    before = state_of_db()
    exc = refused(services.remove_level, level, services.fingerprint(level), people["admin"])
    assert "ít nhất một cấp xét duyệt từng mục" in exc.message and state_of_db() == before
    # turning it into a scorecard level
    exc = refused(services.update_level, level, LevelValues(level.name, SCORECARD, [people["reviewer"].id]),
                  services.fingerprint(level), people["admin"])
    assert state_of_db() == before


def test_scopes_stay_in_chain_order(campaign, people, three):
    before = state_of_db()
    first, second, last = services.levels_of(campaign)
    message = "Các cấp phải theo thứ tự"
    exc = refused(services.move_level, second, -1, people["admin"])
    assert exc.message.startswith(message) and state_of_db() == before
    exc = refused(services.move_level, last, -1, people["admin"])
    assert exc.message.startswith(message) and state_of_db() == before
    exc = refused(services.update_level, first, LevelValues(first.name, RANKING, [people["reviewer"].id]),
                  services.fingerprint(first), people["admin"])
    assert state_of_db() == before
    add(campaign, "Phó Trưởng Ban", ITEM, people["admin"], admin=people["admin"])
    before = state_of_db()
    item = services.levels_of(campaign)[1]
    exc = refused(services.update_level, item, LevelValues(item.name, RANKING, [people["admin"].id]),
                  services.fingerprint(item), people["admin"])
    assert state_of_db() == before


def test_check_order_table():
    ok = [[], [ITEM], [ITEM, ITEM], [ITEM, SCORECARD], [ITEM, RANKING], [ITEM, SCORECARD, SCORECARD, RANKING]]
    bad = [[SCORECARD], [RANKING], [SCORECARD, ITEM], [ITEM, RANKING, SCORECARD], [ITEM, RANKING, RANKING],
           [RANKING, ITEM]]
    for scopes in ok:
        services.check_order(scopes)
    for scopes in bad:
        with pytest.raises(WorkflowError):
            services.check_order(scopes)


def test_a_stale_form_is_a_conflict(campaign, people, three):
    level = three[0]
    stale = services.fingerprint(level)
    services.update_level(level, LevelValues("Chuyên viên", ITEM, [people["reviewer"].id]), stale, people["admin"])
    db.session.commit()
    before = state_of_db()
    exc = refused(services.update_level, fresh(level), LevelValues("Khác", ITEM, [people["reviewer"].id]), stale,
                  people["admin"])
    assert isinstance(exc, Conflict) and state_of_db() == before
    exc = refused(services.remove_level, fresh(level), stale, people["admin"])
    assert isinstance(exc, Conflict) and state_of_db() == before


# --- the lock -------------------------------------------------------------------------------------

def every_change(campaign, people):
    """Each change the editor offers, on the campaign's chain (which may be empty)."""
    admin = people["admin"]
    levels = services.levels_of(campaign)
    calls = [(services.add_level, campaign, LevelValues("Mới", ITEM, [admin.id]), admin),
             (services.use_sample_chain, campaign, admin)]
    if levels:
        level = levels[-1]
        calls += [(services.update_level, level, LevelValues("Đổi", level.scope, [admin.id]),
                   services.fingerprint(level), admin),
                  (services.remove_level, level, services.fingerprint(level), admin),
                  (services.move_level, level, -1, admin)]
    return calls


def test_submitted_score_lines_lock_the_chain_with_their_count(campaign, units, people, three):
    assert services.chain_locked_reason(campaign) is None
    lines = db.session.execute(sa.select(ScoreLine).where(ScoreLine.unit_id == units[0].id).limit(3)).scalars().all()
    for line in lines:
        line.state = ScoreState.SUBMITTED
    lines[2].state = ScoreState.RETURNED
    db.session.commit()
    reason = services.chain_locked_reason(campaign)
    assert reason == "Đã có 3 mục được gửi thẩm định; chuỗi xét duyệt không thể thay đổi nữa."
    before = state_of_db()
    for call, *args in every_change(campaign, people):
        exc = refused(call, *args)
        assert exc.message.startswith(reason) and "Không có gì thay đổi." in exc.message, call
    assert state_of_db() == before


def test_a_submitted_registration_locks_the_chain(campaign, units, people):
    registration = db.session.execute(sa.select(Registration).where(Registration.unit_id == units[0].id)).scalar_one()
    registration.state = RegistrationState.SUBMITTED
    db.session.commit()
    assert services.chain_locked_reason(campaign).startswith("Đã có 1 mục được gửi thẩm định")
    before = state_of_db()
    for call, *args in every_change(campaign, people):
        refused(call, *args)
    assert state_of_db() == before


def test_a_queue_entry_locks_the_chain(campaign, units, people):
    line = db.session.execute(sa.select(ScoreLine).where(ScoreLine.unit_id == units[0].id).limit(1)).scalar_one()
    db.session.add(QueueItem(subject_type="score_line", subject_id=line.id, campaign_id=campaign.id,
                             unit_id=units[0].id, state="submitted"))
    db.session.commit()
    assert services.chain_locked_reason(campaign).startswith("Đã có 1 mục")


def test_draft_work_does_not_lock_the_chain(campaign, units, people):
    line = db.session.execute(sa.select(ScoreLine).where(ScoreLine.unit_id == units[0].id).limit(1)).scalar_one()
    line.self_score, line.explanation = 3, "Nháp"
    db.session.commit()
    assert services.chain_locked_reason(campaign) is None


def test_a_closed_campaign_and_an_earlier_year_lock_the_chain(campaign, people, three):
    campaign.state = CampaignState.CLOSED
    db.session.commit()
    assert services.chain_locked_reason(campaign) == "Phong trào đã kết thúc: chuỗi xét duyệt không thể thay đổi nữa."
    before = state_of_db()
    for call, *args in every_change(campaign, people):
        refused(call, *args)
    assert state_of_db() == before
    campaign.state = CampaignState.SCORING
    later = factories.gen_campaign(year=2026)
    later.is_current, campaign.is_current = True, False
    db.session.commit()
    assert services.chain_locked_reason(campaign) == "Phong trào năm 2025 là năm trước: chuỗi xét duyệt chỉ được xem."
    for call, *args in every_change(campaign, people):
        refused(call, *args)
    assert state_of_db() == before


# --- the sample chain -----------------------------------------------------------------------------

def test_the_sample_chain_fills_an_empty_chain_by_role(campaign, people):
    services.use_sample_chain(campaign, people["admin"])
    db.session.commit()
    assert chain(campaign) == [(1, "Chuyên viên thẩm định", ITEM), (2, "Lãnh đạo Ban", SCORECARD),
                               (3, "Hội đồng thi đua, khen thưởng", RANKING)]
    levels = services.levels_of(campaign)
    assert [u.full_name for u in levels[0].members] == ["Nguyễn Văn An", "Trần Thị Bình"]  # not the disabled one
    assert [u.full_name for u in levels[1].members] == ["Lê Văn Cường"]
    assert [u.full_name for u in levels[2].members] == ["Phạm Thị Dung"]
    before = state_of_db()
    exc = refused(services.use_sample_chain, campaign, people["admin"])
    assert "khi chuỗi còn trống" in exc.message and state_of_db() == before


def test_the_sample_chain_needs_a_person_for_each_level(campaign, people):
    people["council"].active = False
    db.session.commit()
    before = state_of_db()
    exc = refused(services.use_sample_chain, campaign, people["admin"])
    assert "Thành viên Hội đồng thi đua" in exc.message and "Hội đồng thi đua, khen thưởng" in exc.message
    assert state_of_db() == before


# --- copying a year, the audit trail --------------------------------------------------------------

def test_copying_a_campaign_copies_its_levels_and_members(campaign, people, three):
    next_year = copy_campaign(campaign, 2026, people["admin"])
    db.session.commit()
    copied = services.levels_of(next_year)
    assert [(lv.position, lv.name, lv.scope) for lv in copied] == [(lv.position, lv.name, lv.scope) for lv in three]
    assert [[u.id for u in lv.members] for lv in copied] == [[u.id for u in lv.members] for lv in three]
    assert {lv.id for lv in copied}.isdisjoint({lv.id for lv in three})
    # the copy is its own: changing it leaves the source as it was
    level = copied[0]
    services.update_level(level, LevelValues("Chuyên viên 2026", ITEM, [people["reviewer"].id]),
                          services.fingerprint(level), people["admin"])
    db.session.commit()
    assert services.levels_of(fresh(campaign))[0].name == "Chuyên viên thẩm định"
    assert len(services.levels_of(fresh(campaign))[0].members) == 2


def test_a_campaign_without_levels_copies_none(campaign, people):
    next_year = copy_campaign(campaign, 2026, people["admin"])
    db.session.commit()
    assert services.levels_of(next_year) == []


def test_every_change_is_audited_as_a_sentence(app, campaign, people, three):
    admin = people["admin"]
    level = three[1]
    services.update_level(level, LevelValues("Lãnh đạo Ban Thi đua", SCORECARD, [admin.id, people["reviewer"].id]),
                          services.fingerprint(level), admin)
    db.session.commit()
    add(campaign, "Phó Trưởng Ban", ITEM, admin, admin=admin)
    services.move_level(services.levels_of(campaign)[1], -1, admin)
    db.session.commit()
    gone = services.levels_of(campaign)[2]
    services.remove_level(gone, services.fingerprint(gone), admin)
    db.session.commit()
    events = db.session.execute(sa.select(AuditEvent).where(AuditEvent.subject_type == "review_level")
                                .order_by(AuditEvent.id)).scalars().all()
    assert [e.action for e in events] == ["review_level_created"] * 3 + [
        "review_level_edited", "review_level_created", "review_level_moved", "review_level_removed"]
    assert all(e.actor_id == admin.id for e in events)
    with app.test_request_context():
        sentences = [event_sentence(e) for e in events]
        subjects = describe_subjects(events)
    assert sentences[0] == "Lê Văn Cường thêm cấp xét duyệt Chuyên viên thẩm định"
    assert sentences[3] == "Lê Văn Cường sửa cấp xét duyệt"
    assert sentences[5] == "Lê Văn Cường chuyển cấp xét duyệt từ vị trí 2 sang vị trí 1"
    assert sentences[6] == "Lê Văn Cường xóa cấp xét duyệt Lãnh đạo Ban Thi đua"
    assert events[3].before == {"name": "Lãnh đạo Ban", "members": ["Lê Văn Cường"]}
    assert events[3].after == {"name": "Lãnh đạo Ban Thi đua", "members": ["Lê Văn Cường", "Nguyễn Văn An"]}
    assert subjects[events[0].id].text == "2. Chuyên viên thẩm định (2025)"
    assert subjects[events[0].id].kind == "Cấp xét duyệt"
    assert subjects[events[6].id].text == "Cấp xét duyệt Lãnh đạo Ban Thi đua (đã xóa)"


# --- the pages ------------------------------------------------------------------------------------

def urls(campaign, level):
    return [("get", f"/admin/campaigns/{campaign.id}/levels"), ("post", f"/admin/campaigns/{campaign.id}/levels"),
            ("post", f"/admin/campaigns/{campaign.id}/levels/sample"),
            ("get", f"/admin/campaigns/levels/{level.id}/edit"), ("post", f"/admin/campaigns/levels/{level.id}/edit"),
            ("post", f"/admin/campaigns/levels/{level.id}/remove"),
            ("post", f"/admin/campaigns/levels/{level.id}/move/up"),
            ("post", f"/admin/campaigns/levels/{level.id}/move/down")]


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_every_chain_route_refuses_every_other_role(client, login_as, campaign, units, people, three, role):
    login_as(role, unit=units[0] if role is Role.UNIT_OFFICER else None)
    level = three[1]
    form = {"name": "Khác", "scope": "item", "members": [str(people["reviewer"].id)],
            "version": services.fingerprint(level)}
    before = state_of_db()
    for method, url in urls(campaign, level):
        assert getattr(client, method)(url, data=form).status_code == 403, (method, url)
        assert getattr(client, method)(url, data=form, headers=HX).status_code == 403, (method, url)
    assert state_of_db() == before


def test_a_missing_campaign_or_level_is_not_found(client, login_as, campaign, people, three):
    login_as(Role.ADMIN)
    assert client.get("/admin/campaigns/999999/levels").status_code == 404
    assert client.post("/admin/campaigns/levels/999999/remove").status_code == 404
    assert client.post(f"/admin/campaigns/levels/{three[0].id}/move/sideways").status_code == 404


def test_an_empty_chain_page_says_what_it_means_and_offers_the_sample(client, login_as, campaign, people):
    login_as(Role.ADMIN)
    page = client.get(f"/admin/campaigns/{campaign.id}/levels").get_data(as_text=True)
    assert "chuỗi có một cấp, tại đó mọi cán bộ thẩm định và quản trị viên đều xét duyệt" in page
    assert "Dùng chuỗi mẫu 3 cấp" in page and 'id="chain-locked"' not in page
    assert "Nguyễn Văn An" in page and "Đỗ Văn Gia" not in page and "Hoàng Văn Em" not in page
    response = client.post(f"/admin/campaigns/{campaign.id}/levels/sample")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 cấp" in page and "Lãnh đạo Ban" in page and "Dùng chuỗi mẫu 3 cấp" not in page


def test_adding_through_the_form_and_a_bad_input_keeps_what_was_typed(client, login_as, campaign, people):
    login_as(Role.ADMIN)
    url = f"/admin/campaigns/{campaign.id}/levels"
    before = state_of_db()
    response = client.post(url, data={"name": "Chuyên viên đã gõ", "scope": "item"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Chuyên viên đã gõ"' in page and "Chọn ít nhất một người xét duyệt ở cấp này." in page
    assert state_of_db() == before
    response = client.post(url, data={"name": "Tên\x1bcó ký tự điều khiển", "scope": "item",
                                      "members": [str(people["reviewer"].id)]})
    assert response.status_code == 422 and "ký tự điều khiển" in response.get_data(as_text=True)
    assert state_of_db() == before
    response = client.post(url, data={"name": "Lãnh đạo Ban", "scope": "scorecard",
                                      "members": [str(people["admin"].id)]})
    assert response.status_code == 409 or response.status_code == 422
    assert "ít nhất một cấp xét duyệt từng mục" in response.get_data(as_text=True) and state_of_db() == before
    response = client.post(url, data={"name": "Chuyên viên", "scope": "item",
                                      "members": [str(people["reviewer"].id), str(people["council"].id)]})
    assert response.status_code == 303
    assert [(lv.name, len(lv.members)) for lv in services.levels_of(campaign)] == [("Chuyên viên", 2)]


def test_editing_and_removing_through_the_pages(client, login_as, campaign, people, three):
    login_as(Role.ADMIN)
    level = three[1]
    page = client.get(f"/admin/campaigns/levels/{level.id}/edit").get_data(as_text=True)
    version = services.fingerprint(level)
    assert f'value="{version}"' in page and 'value="Lãnh đạo Ban"' in page
    form = {"name": "Trưởng Ban", "scope": "scorecard", "members": [str(people["admin"].id)], "version": version}
    assert client.post(f"/admin/campaigns/levels/{level.id}/edit", data=form).status_code == 303
    assert fresh(level).name == "Trưởng Ban"
    before = state_of_db()
    response = client.post(f"/admin/campaigns/levels/{level.id}/edit", data={**form, "name": "Người thứ hai"})
    assert response.status_code == 409 and "người khác" in response.get_data(as_text=True)
    assert 'value="Người thứ hai"' in response.get_data(as_text=True) and state_of_db() == before
    response = client.post(f"/admin/campaigns/levels/{level.id}/edit", data={**form, "scope": "ranking",
                                                                            "version": services.fingerprint(fresh(level))})
    assert response.status_code == 422 and "tối đa một cấp" in response.get_data(as_text=True)
    assert state_of_db() == before
    response = client.post(f"/admin/campaigns/levels/{level.id}/remove",
                           data={"version": services.fingerprint(fresh(level))})
    assert response.status_code == 303
    assert [n for _p, n, _s in chain(campaign)] == ["Chuyên viên thẩm định", "Hội đồng thi đua, khen thưởng"]


def test_moving_with_htmx_answers_the_levels_alone(client, login_as, campaign, people, three):
    login_as(Role.ADMIN)
    add(campaign, "Phó Trưởng Ban", ITEM, people["admin"], admin=people["admin"])
    second = services.levels_of(campaign)[1]
    response = client.post(f"/admin/campaigns/levels/{second.id}/move/up",
                           headers={**HX, "HX-Target": "chain-levels"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page and page.lstrip().startswith('<div id="chain-levels">')
    assert page.index(f'id="level-{second.id}"') < page.index(f'id="level-{three[0].id}"')
    before = state_of_db()
    scorecard = services.levels_of(campaign)[2]
    response = client.post(f"/admin/campaigns/levels/{scorecard.id}/move/up",
                           headers={**HX, "HX-Target": "chain-levels"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="refusal"' in page and "<html" not in page
    assert state_of_db() == before
    assert client.post(f"/admin/campaigns/levels/{second.id}/move/down").status_code == 303


def test_the_locked_page_says_why_and_disables_the_forms(client, login_as, campaign, units, people, three):
    line = db.session.execute(sa.select(ScoreLine).where(ScoreLine.unit_id == units[0].id).limit(1)).scalar_one()
    line.state = ScoreState.SUBMITTED
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/campaigns/{campaign.id}/levels").get_data(as_text=True)
    locked = page.split('id="chain-locked"')[1].split("</p>")[0]
    assert "Đã có 1 mục được gửi thẩm định; chuỗi xét duyệt không thể thay đổi nữa." in locked
    assert "/move/up" not in page and "fieldset class=\"plain-fieldset\" disabled" in page
    page = client.get(f"/admin/campaigns/levels/{three[0].id}/edit").get_data(as_text=True)
    assert 'id="chain-locked"' in page and " disabled>" in page and "/remove" not in page
    before = state_of_db()
    response = client.post(f"/admin/campaigns/{campaign.id}/levels",
                           data={"name": "Mới", "scope": "item", "members": [str(people["admin"].id)]})
    assert response.status_code == 409 and "Không có gì thay đổi." in response.get_data(as_text=True)
    assert state_of_db() == before


def test_the_campaign_pages_link_to_the_chain_with_its_summary(client, login_as, campaign, people, three):
    login_as(Role.ADMIN)
    target = f"/admin/campaigns/{campaign.id}/levels"
    summary = "3 cấp: Chuyên viên thẩm định → Lãnh đạo Ban → Hội đồng thi đua, khen thưởng"
    for url in ("/admin/campaigns/", f"/admin/campaigns/{campaign.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert target in page and summary in page, url
    page = client.get(target).get_data(as_text=True)
    assert 'aria-current="page">Quản trị' in page
