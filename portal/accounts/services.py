"""Creating accounts and setting passwords; used by the command line and the admin pages."""
from __future__ import annotations

import re
import secrets

from flask_babel import gettext as _

from portal.audit.services import append as audit
from portal.auth import sessions
from portal.extensions import db
from portal.models import Role, Unit, User
from portal.workflow import Conflict, WorkflowError
from portal.workspace.services import prepare_officer_workspace

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 8
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
# Passwords guessed first: the usual lists' head plus Vietnamese favourites (compared lower-case).
COMMON_PASSWORDS = frozenset("""
123456 1234567 12345678 123456789 1234567890 0123456789 987654321 11111111 00000000 88888888
66666666 12341234 11223344 123123123 147258369 123654789 112233445566 999999999 password password1
password123 passw0rd p@ssw0rd qwerty qwerty123 qwertyui qwertyuiop asdfghjk asdfghjkl zxcvbnm1 1q2w3e4r
1qaz2wsx abc12345 abcd1234 abcdefgh iloveyou sunshine princess football baseball welcome welcome1
admin123 administrator admin@123 letmein1 monkey12 dragon12 trustno1 superman batman123 starwars
whatever master123 changeme changeme1 secret12 computer internet 1234qwer a1234567 aa123456 matkhau
matkhau1 matkhau123 matkhau@123 mat_khau anhyeuem anhyeuem1 emyeuanh iloveyou1 yeuemnhieu vietnam1
vietnam123 vietnam@123 hanoi123 saigon123 dongnai123 bienhoa123 thidua123 thidua2024 thidua2025
thidua2026 tochuc123 dangvien123 admin2025 abc@1234 abc123456 123456abc 123456aa 12345678a qwe12345
nguyen123 tran1234 hoang123 password2025 taikhoan123 khongbiet 12345679 20252025 20262026
""".split())


class AccountError(ValueError):
    """A bad value for an account; the message is for the user, ``field`` the input it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_password_strength(password: str, refuse_common: bool = False) -> None:
    """Length always; ``refuse_common`` for a password a user chooses now (the demo accounts keep theirs)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD))
    if len(password) > 256:
        raise AccountError(_("The password is too long."))
    if refuse_common and password.lower() in COMMON_PASSWORDS:
        raise AccountError(_("This password is one of the first that anyone would try. Choose another."))


def create_user(username: str, full_name: str, role: Role, password: str, unit_code: str | None = None,
                refuse_common: bool = False) -> User:
    """``refuse_common`` when a person chooses the password now (the command line), not for generated
    or demo passwords."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError(_("A username has 3–64 characters: lower-case letters, digits, dot, dash, underscore."),
                           "username")
    if db.session.execute(db.select(User.id).where(User.username == username)).first():
        raise AccountError(_("The username '%(name)s' is already taken.", name=username), "username")
    if not full_name.strip():
        raise AccountError(_("A full name is required."), "full_name")
    unit = _unit_for(role, unit_code)
    check_password_strength(password, refuse_common=refuse_common)
    user = User(username=username, full_name=full_name.strip(), role=role, unit=unit)
    user.set_password(password)
    db.session.add(user)
    prepare_officer_workspace(user)
    return user


def _unit_for(role: Role, unit_code: str | None) -> Unit | None:
    """The unit an account of ``role`` belongs to: required for a unit officer, refused otherwise."""
    if role is not Role.UNIT_OFFICER:
        if unit_code:
            raise AccountError(_("Only unit officers belong to a unit."), "unit")
        return None
    if not unit_code:
        raise AccountError(_("A unit officer must belong to a unit."), "unit")
    unit = db.session.execute(db.select(Unit).where(Unit.code == unit_code)).scalar_one_or_none()
    if unit is None:
        raise AccountError(_("There is no unit with code '%(code)s'.", code=unit_code), "unit")
    return unit


def _email(raw: str | None) -> str | None:
    email = (raw or "").strip()
    if not email:
        return None
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise AccountError(_("Enter an e-mail address like ten@donvi.gov.vn, or leave it empty."), "email")
    return email


def _refusal(exc: AccountError) -> WorkflowError:
    return WorkflowError(str(exc), status=422, field=exc.field)


def temporary_password() -> str:
    """A random password for the administrator to hand over; the user must replace it at sign-in."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing that reads as another
    return "".join(secrets.choice(alphabet) for _ in range(12))


def create_account(actor: User, username: str, full_name: str, role: Role, unit_code: str | None,
                   email: str | None) -> tuple[User, str]:
    """The administrator's new account with a temporary password (returned, to be shown once)."""
    password = temporary_password()
    try:
        email = _email(email)
        user = create_user(username, full_name, role, password, unit_code)
    except AccountError as exc:
        raise _refusal(exc) from None
    user.email = email
    user.must_change_password = True
    db.session.flush()
    audit("create_account", "user", user.id, actor, unit_id=user.unit_id,
          after={"username": user.username, "full_name": user.full_name, "role": role.value,
                 "unit": unit_code or None, "email": email})
    return user, password


def _check_not_last_admin(user: User) -> None:
    """Refuse to take away the last active administrator. Called after the change's audit event was
    appended: the append holds the audit chain's lock until the commit, so two administrators demoting
    or disabling each other at once are counted one after the other (on PostgreSQL and SQLite alike)."""
    if user.role is not Role.ADMIN or not user.active:
        return
    others = db.session.execute(db.select(db.func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)).scalar_one()
    if not others:
        raise WorkflowError(_("%(name)s is the last active administrator: make another account administrator first.",
                              name=user.username), status=422, field="role")


def update_account(user: User, actor: User, version: int, full_name: str, email: str | None, role: Role,
                   unit_code: str | None) -> bool:
    """Change an account's name, e-mail, role or unit. A new role or unit ends the account's sessions
    (a session keeps the role it signed in with). Returns whether the sessions were ended."""
    if version != user.version:
        raise Conflict()
    try:
        if not full_name.strip():
            raise AccountError(_("A full name is required."), "full_name")
        email = _email(email)
        unit = _unit_for(role, unit_code)
    except AccountError as exc:
        raise _refusal(exc) from None
    before = {"full_name": user.full_name, "email": user.email, "role": user.role.value,
              "unit": user.unit.code if user.unit else None}
    after = {"full_name": full_name.strip(), "email": email, "role": role.value, "unit": unit.code if unit else None}
    if before == after:
        return False
    moved = before["role"] != after["role"] or before["unit"] != after["unit"]
    changed = [key for key in before if before[key] != after[key]]
    audit("update_account", "user", user.id, actor, unit_id=unit.id if unit else None,
          before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    if role is not Role.ADMIN:
        _check_not_last_admin(user)
    user.full_name, user.email, user.role, user.unit = after["full_name"], email, role, unit
    if moved:
        sessions.end_all(user.id)
        if role is Role.UNIT_OFFICER:
            prepare_officer_workspace(user)
    db.session.flush()
    return moved


def reset_password(user: User, actor: User) -> str:
    """A new temporary password (returned, to be shown once); the account is signed out everywhere."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    sessions.end_all(user.id)
    audit("reset_password", "user", user.id, actor)
    db.session.flush()
    return password


def change_own_password(user: User, new_password: str, keep_token: str | None) -> int:
    """The user's own new password (the current one already checked); ends their other sessions and
    keeps this one. Returns how many other sessions ended."""
    try:
        check_password_strength(new_password, refuse_common=True)
    except AccountError as exc:
        raise WorkflowError(str(exc), status=422, field="new_password") from None
    if user.check_password(new_password):
        raise WorkflowError(_("The new password must differ from the current one."), status=422, field="new_password")
    user.set_password(new_password)
    user.must_change_password = False
    ended = sessions.end_all(user.id, keep_token=keep_token)
    audit("change_own_password", "user", user.id, user, after={"other_sessions_ended": ended})
    db.session.flush()
    return ended


def set_password(username: str, password: str, refuse_common: bool = False) -> User:
    user = db.session.execute(db.select(User).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user is None:
        raise AccountError(_("There is no user '%(name)s'.", name=username))
    check_password_strength(password, refuse_common=refuse_common)
    user.set_password(password)
    sessions.end_all(user.id)  # whoever knew the old password is signed out everywhere
    db.session.flush()
    return user


def end_sessions(user: User, actor: User) -> int:
    """The administrator's "end all sessions": every device signed in to the account is signed out."""
    ended = sessions.end_all(user.id)
    audit("end_sessions", "user", user.id, actor, after={"sessions": ended})
    return ended


def set_active(user: User, active: bool, actor: User) -> None:
    """Disable or enable an account; disabling ends its sessions at once."""
    if user.id == actor.id and not active:
        raise WorkflowError(_("You cannot disable your own account."), status=422)
    if user.active == active:
        return
    audit("enable_account" if active else "disable_account", "user", user.id, actor,
          before={"active": not active}, after={"active": active})
    if not active:
        _check_not_last_admin(user)
    user.active = active
    if not active:
        sessions.end_all(user.id)
    db.session.flush()
