import pytest

from portal.config import DefaultConfig
from portal.extensions import db
from portal.models import Role, User
from tests import factories


def get_user(username):
    return db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()


def test_create_officer_with_password_from_stdin(runner, app):
    app.config["PASSWORD_HASH_METHOD"] = DefaultConfig.PASSWORD_HASH_METHOD  # the product's default, not the suite's cheap one
    unit = factories.gen_unit(code="BH")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "bienhoa2", "--full-name", "Lê Thị Hoa",
                                 "--role", "unit_officer", "--unit", "BH", "--password-stdin"],
                           input="mật khẩu dài đủ\n")
    assert result.exit_code == 0, result.output
    user = get_user("bienhoa2")
    assert user.unit_id == unit.id and user.role is Role.UNIT_OFFICER
    assert user.password_hash.startswith("scrypt:") and user.check_password("mật khẩu dài đủ")


def test_create_with_prompt_asks_twice(runner, app):
    result = runner.invoke(args=["users", "create", "thamdinh9", "--full-name", "Trần Văn Chín", "--role", "reviewer"],
                           input="abcdefgh1\nabcdefgh1\n")
    assert result.exit_code == 0, result.output
    assert get_user("thamdinh9").check_password("abcdefgh1")


def test_password_is_never_an_option(runner, app):
    result = runner.invoke(args=["users", "create", "x1234", "--full-name", "X", "--role", "admin",
                                 "--password", "secret123"])
    assert result.exit_code != 0
    assert get_user("x1234") is None


@pytest.mark.parametrize("args,stdin,message", [
    (["officer1", "--role", "unit_officer"], "longenough\n", "phải thuộc một đơn vị"),
    (["officer1", "--role", "unit_officer", "--unit", "NOPE"], "longenough\n", "NOPE"),
    (["reviewer1", "--role", "reviewer", "--unit", "BH"], "longenough\n", "Chỉ cán bộ đơn vị"),
    (["reviewer1", "--role", "reviewer"], "short\n", "ít nhất 8"),
    (["Bad Name!", "--role", "reviewer"], "longenough\n", "Tên đăng nhập"),
])
def test_create_refuses_bad_values_and_creates_nothing(runner, app, args, stdin, message):
    factories.gen_unit(code="BH")
    db.session.commit()
    before = db.session.scalar(db.select(db.func.count()).select_from(User))
    result = runner.invoke(args=["users", "create", *args[:1], "--full-name", "Người Thử", *args[1:],
                                 "--password-stdin"], input=stdin)
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == before


def test_duplicate_username_is_refused(runner, app):
    factories.gen_user(username="trung")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "trung", "--full-name", "A", "--role", "admin",
                                 "--password-stdin"], input="longenough\n")
    assert result.exit_code == 1 and "đã được sử dụng" in result.output


def test_set_password_from_the_command_line_ends_every_session(runner, app):
    from portal.auth import sessions

    user = factories.gen_user(username="doimk")
    tokens = [sessions.start(user, "10.0.0.1"), sessions.start(user, "10.0.0.2")]
    db.session.commit()
    result = runner.invoke(args=["users", "set-password", "doimk", "--password-stdin"], input="new password 1\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert get_user("doimk").check_password("new password 1")
    assert [sessions.load(token) for token in tokens] == [None, None]


def test_set_password_refuses_short_and_unknown(runner, app):
    user = factories.gen_user(username="doimk2")
    db.session.commit()
    old_hash = user.password_hash
    result = runner.invoke(args=["users", "set-password", "doimk2", "--password-stdin"], input="short\n")
    assert result.exit_code == 1
    db.session.expire_all()
    assert get_user("doimk2").password_hash == old_hash
    result = runner.invoke(args=["users", "set-password", "nobody", "--password-stdin"], input="long enough 1\n")
    assert result.exit_code == 1 and "nobody" in result.output


@pytest.mark.parametrize("password", ["matkhau123", "Password123", "thidua2025"])
def test_create_refuses_a_common_password_like_the_own_password_page(runner, app, password):
    before = db.session.scalar(db.select(db.func.count()).select_from(User))
    result = runner.invoke(args=["users", "create", "thamdinh8", "--full-name", "Trần Văn Tám", "--role", "reviewer",
                                 "--password-stdin"], input=f"{password}\n")
    assert result.exit_code == 1
    assert "Hãy chọn mật khẩu khác" in result.output
    assert get_user("thamdinh8") is None
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == before


def test_set_password_refuses_a_common_password(runner, app):
    user = factories.gen_user(username="doimk3")
    db.session.commit()
    old_hash = user.password_hash
    result = runner.invoke(args=["users", "set-password", "doimk3", "--password-stdin"], input="qwerty123\n")
    assert result.exit_code == 1 and "Hãy chọn mật khẩu khác" in result.output
    db.session.expire_all()
    assert get_user("doimk3").password_hash == old_hash
