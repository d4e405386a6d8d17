"""The administrator's accounts pages: create, edit, reset a password, the last-administrator rule."""
import re

import pytest

from portal.accounts import services
from portal.auth import sessions
from portal.extensions import db
from portal.models import AuditEvent, Role, User, UserSession
from portal.workflow import WorkflowError
from tests import factories
from tests.helpers import HX


def _user(username):
    db.session.expire_all()
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()


def _audits(action):
    return db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action)).scalars().all()


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_every_admin_account_route_is_refused_to_other_roles(client, login_as, role):
    target = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    login_as(role)
    for method, url in [("get", "/admin/users"), ("get", "/admin/users/new"), ("post", "/admin/users/new"),
                        ("get", f"/admin/users/{target.id}"), ("post", f"/admin/users/{target.id}"),
                        ("post", f"/admin/users/{target.id}/reset-password"),
                        ("post", f"/admin/users/{target.id}/disable"), ("post", f"/admin/users/{target.id}/enable"),
                        ("post", f"/admin/users/{target.id}/end-sessions")]:
        assert getattr(client, method)(url, data={"username": "x", "full_name": "x", "role": "admin"}).status_code == 403, url
    assert _user("x") is None


def test_admin_creates_an_officer_with_a_temporary_password_shown_once(client, login_as, units):
    login_as(Role.ADMIN)
    unit = units[0]
    response = client.post("/admin/users/new", data={"username": "canbo.moi", "full_name": "Lê Văn Mới",
                                                     "email": "moi@donvi.gov.vn", "role": "unit_officer",
                                                     "unit": unit.code})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    user = _user("canbo.moi")
    assert user.must_change_password and user.email == "moi@donvi.gov.vn" and user.unit_id == unit.id
    page = response.get_data(as_text=True)
    password = page.split('data-temporary-password>')[1].split("<")[0]
    assert user.check_password(password)
    assert _audits("create_account")[-1].subject_id == user.id
    assert "canbo.moi" in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"username": "ab", "role": "reviewer"}, "Tên đăng nhập"),
    ({"username": "nguoi.moi", "role": "reviewer", "email": "khong-phai-email"}, "thư điện tử"),
    ({"username": "nguoi.moi", "role": "reviewer", "unit": "BH"}, "Chỉ cán bộ đơn vị"),
    ({"username": "nguoi.moi", "role": "unit_officer"}, "phải thuộc một đơn vị"),
    ({"username": "nguoi.moi", "role": "emperor"}, "Chọn vai trò"),
])
def test_bad_account_input_keeps_what_was_typed_and_creates_nothing(client, login_as, units, data, message):
    login_as(Role.ADMIN)
    before = db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one()
    response = client.post("/admin/users/new", data={"full_name": "Người Gõ Sai", **data})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'value="Người Gõ Sai"' in page
    assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == before


def test_role_change_ends_the_users_sessions_and_is_audited(client, app, login_as):
    other = factories.gen_user(role=Role.REVIEWER)
    sessions.start(other, "10.0.0.1")
    db.session.commit()
    login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{other.id}", data={"full_name": other.full_name, "role": "council",
                                                             "unit": "", "email": "", "version": other.version})
    assert response.status_code == 303
    user = _user(other.username)
    assert user.role is Role.COUNCIL
    live = db.session.execute(db.select(UserSession).where(UserSession.user_id == user.id,
                                                           UserSession.ended_at.is_(None))).all()
    assert live == []
    event = _audits("update_account")[-1]
    assert event.before == {"role": "reviewer"} and event.after == {"role": "council"}


def test_an_officers_edit_form_shows_their_unit_and_saving_it_keeps_it(client, login_as, units):
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=units[0], full_name="Hoàng Thị Biên")
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{units[0].code}">|<option value="{units[0].code}" selected>', page), \
        "the officer's unit is not the chosen option"
    assert 'value="Hoàng Thị Biên"' in page
    form = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', page))
    response = client.post(f"/admin/users/{officer.id}", data={
        "full_name": "Hoàng Thị Biên", "email": "", "role": "unit_officer", "unit": units[0].code,
        "version": form["version"], "csrf_token": form.get("csrf_token", "")})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(officer), officer.id).unit_id == units[0].id


def test_stale_account_form_is_a_conflict_with_input_kept(client, login_as):
    other = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{other.id}", data={"full_name": "Tên Mới Gõ", "role": "reviewer",
                                                             "version": other.version + 1})
    assert response.status_code == 409
    assert 'value="Tên Mới Gõ"' in response.get_data(as_text=True)
    assert _user(other.username).full_name == other.full_name


def test_reset_password_gives_a_temporary_password_and_signs_out(client, login_as):
    other = factories.gen_user(role=Role.COUNCIL)
    sessions.start(other, "10.0.0.2")
    db.session.commit()
    login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{other.id}/reset-password")
    assert response.status_code == 200
    password = response.get_data(as_text=True).split('data-temporary-password>')[1].split("<")[0]
    user = _user(other.username)
    assert user.must_change_password and user.check_password(password)
    assert sessions.live_counts().get(user.id) is None
    assert _audits("reset_password")[-1].subject_id == user.id


def test_last_active_administrator_cannot_be_disabled_or_demoted(app):
    admin = factories.gen_user(role=Role.ADMIN)
    actor = factories.gen_user(role=Role.ADMIN, active=False)
    db.session.commit()
    with pytest.raises(WorkflowError):
        services.set_active(admin, False, actor)
    with pytest.raises(WorkflowError):
        services.update_account(admin, actor, admin.version, admin.full_name, None, Role.REVIEWER, None)
    db.session.rollback()
    assert _user(admin.username).role is Role.ADMIN and _user(admin.username).active
    # with a second active administrator, either may go
    actor = _user(actor.username)
    actor.active = True
    db.session.commit()
    services.update_account(_user(admin.username), actor, _user(admin.username).version, admin.full_name, None,
                            Role.REVIEWER, None)
    db.session.commit()
    assert _user(admin.username).role is Role.REVIEWER


def test_last_administrator_demotion_refused_through_the_page(client, login_as):
    admin = login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}", data={"full_name": admin.full_name, "role": "reviewer",
                                                             "version": admin.version})
    assert response.status_code == 422
    assert "quản trị viên cuối cùng" in response.get_data(as_text=True)
    assert _user(admin.username).role is Role.ADMIN


def test_accounts_list_shows_the_last_sign_in(client, login_as):
    admin = login_as(Role.ADMIN)
    page = client.get("/admin/users").get_data(as_text=True)
    row = page.split(f'id="account-{admin.id}"')[1].split("</tr>")[0]
    assert "/20" in row  # a date, dd/mm/yyyy


def test_two_administrators_demoting_each_other_at_once_leave_one(app):
    from tests.review.parallel import at_once, signed_in_client

    first = factories.gen_user(role=Role.ADMIN)
    second = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    clients = [signed_in_client(app, first), signed_in_client(app, second)]

    def demote(client, target):
        return lambda: client.post(f"/admin/users/{target.id}", data={
            "full_name": target.full_name, "role": "reviewer", "version": target.version}).status_code

    statuses = at_once(demote(clients[0], second), demote(clients[1], first))
    assert sorted(statuses) == [303, 422]
    db.session.expire_all()
    admins = db.session.execute(db.select(User).where(User.role == Role.ADMIN, User.active.is_(True))).scalars().all()
    assert len(admins) == 1
