"""The access policy, table-driven: who may do what to whose objects (DESIGN.md §6)."""
import pytest

from portal.access import Action, Denied, decide, ensure
from portal.extensions import db
from portal.models import Role, User
from tests import factories

# (role, action, on own unit?, expected: None = allowed, else HTTP status)
TABLE = [
    (Role.UNIT_OFFICER, Action.VIEW, True, None),
    (Role.UNIT_OFFICER, Action.EDIT, True, None),
    (Role.UNIT_OFFICER, Action.REVIEW, True, 403),
    (Role.UNIT_OFFICER, Action.VOTE, True, 403),
    (Role.UNIT_OFFICER, Action.ADMINISTER, True, 403),
    (Role.UNIT_OFFICER, Action.VIEW, False, 404),
    (Role.UNIT_OFFICER, Action.EDIT, False, 404),
    (Role.UNIT_OFFICER, Action.REVIEW, False, 404),
    (Role.REVIEWER, Action.VIEW, False, None),
    (Role.REVIEWER, Action.EDIT, False, 403),
    (Role.REVIEWER, Action.REVIEW, False, None),
    (Role.REVIEWER, Action.VOTE, False, 403),
    (Role.REVIEWER, Action.ADMINISTER, False, 403),
    (Role.COUNCIL, Action.VIEW, False, 403),
    (Role.COUNCIL, Action.EDIT, False, 403),
    (Role.COUNCIL, Action.REVIEW, False, 403),
    (Role.COUNCIL, Action.VOTE, False, None),
    (Role.ADMIN, Action.VIEW, False, None),
    (Role.ADMIN, Action.EDIT, False, 403),
    (Role.ADMIN, Action.REVIEW, False, None),
    (Role.ADMIN, Action.ADMINISTER, False, None),
]


class UnitObject:
    """Any object that belongs to a unit (commitment, evidence, score line …)."""

    def __init__(self, unit_id):
        self.unit_id = unit_id


@pytest.mark.parametrize("role,action,own,expected", TABLE)
def test_unit_object_rules(app, role, action, own, expected):
    own_unit, other_unit = factories.gen_unit(), factories.gen_unit()
    user = factories.gen_user(role=role, unit=own_unit)
    obj = UnitObject(own_unit.id if own else other_unit.id)
    assert decide(user, action, obj) == expected
    if expected is None:
        ensure(user, action, obj)
    else:
        with pytest.raises(Denied) as raised:
            ensure(user, action, obj)
        assert raised.value.status == expected


@pytest.mark.parametrize("role,allowed", [
    (Role.UNIT_OFFICER, {Action.VIEW, Action.EDIT}),
    (Role.REVIEWER, {Action.VIEW, Action.REVIEW}),
    (Role.COUNCIL, {Action.VIEW, Action.VOTE}),
    (Role.ADMIN, {Action.VIEW, Action.REVIEW, Action.ADMINISTER}),
])
def test_portal_wide_rules(app, role, allowed):
    user = factories.gen_user(role=role)
    for action in Action:
        assert (decide(user, action) is None) == (action in allowed), action


def test_anonymous_and_disabled_users_may_do_nothing(app):
    from flask_login import AnonymousUserMixin

    disabled = factories.gen_user(role=Role.ADMIN, active=False)
    for action in Action:
        assert decide(AnonymousUserMixin(), action) == 404
        assert decide(disabled, action) == 404


def test_unit_is_its_own_owner(app):
    own_unit, other_unit = factories.gen_unit(), factories.gen_unit()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=own_unit)
    assert decide(officer, Action.VIEW, own_unit) is None
    assert decide(officer, Action.VIEW, other_unit) == 404


def test_the_database_binds_officers_to_exactly_one_unit(app):
    import sqlalchemy.exc

    unit = factories.gen_unit()
    db.session.add(User(username="nounit", full_name="X", password_hash="x", role=Role.UNIT_OFFICER))
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(User(username="withunit", full_name="X", password_hash="x", role=Role.REVIEWER, unit_id=unit.id))
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("role,status", [
    (Role.UNIT_OFFICER, 403), (Role.REVIEWER, 403), (Role.COUNCIL, 403), (Role.ADMIN, 200),
])
def test_account_list_is_for_admins_only(client, login_as, role, status):
    login_as(role)
    assert client.get("/admin/users").status_code == status
    htmx = client.get("/admin/users", headers={"HX-Request": "true"})
    assert htmx.status_code == status
    if status == 403:
        assert "<html" not in htmx.get_data(as_text=True)  # a fragment, not a page swapped into a target
