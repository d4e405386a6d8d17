"""Everyone's own account: changing the password (forced after a temporary one) and recent sign-ins."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import services
from portal.accounts.forms import PasswordChangeForm
from portal.actions import perform
from portal.auth import sessions
from urllib.parse import urlsplit

from portal.htmx import client_redirect, current_page_url, is_htmx

bp = Blueprint("accounts", __name__)

MUST_CHANGE = "must_change_password"  # set in the session at sign-in while the password is a temporary one
_OPEN_WHILE_FORCED = {"accounts.password", "auth.logout", "auth.login", "static"}


@bp.before_app_request
def require_own_password():
    """Until a temporary password is replaced, every page, partial and poll leads to the change page.
    Read from the session cookie, so idle polls need no database."""
    if not session.get(MUST_CHANGE) or request.endpoint in _OPEN_WHILE_FORCED:
        return None
    target = url_for("accounts.password")
    if is_htmx():
        if urlsplit(current_page_url() or "").path == target:
            return "", 204  # a poll of the change page itself: nothing to swap, the form is not reloaded
        return client_redirect(target)
    return redirect(target, code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    forced = bool(session.get(MUST_CHANGE))
    status = 200
    error = None
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            error, status = _change(form)
            if error is None:
                session.pop(MUST_CHANGE, None)
                flash(_("Your password is changed; your other sessions have ended."), "success")
                return redirect(url_for("home.index"), code=303)
    recent = sessions.recent(current_user.id)
    return render_template("accounts/password.html", form=form, forced=forced, error=error, recent=recent,
                           current_token=current_user.session_token), status


def _change(form: PasswordChangeForm) -> tuple[str | None, int]:
    """Check the current password through the sign-in throttle, then change it; (message, status)."""
    throttle = current_app.extensions["login_throttle"]
    address = request.remote_addr or "unknown"
    wait = throttle.attempt(current_user.username, address)  # counted and committed before the check
    if wait:
        return _("Too many failed sign-in attempts. Try again in %(minutes)d minute(s).",
                 minutes=max(1, (wait + 59) // 60)), 429
    if not current_user.check_password(form.current_password.data):
        form.current_password.errors = [*form.current_password.errors, _("The current password is wrong.")]
        return "", 401
    throttle.succeeded(current_user.username, address)
    outcome = perform(services.change_own_password, current_user, form.new_password.data,
                      current_user.session_token)
    if not outcome.ok:
        field = getattr(form, outcome.refusal.field or "", None)
        if field is not None:
            field.errors = [*field.errors, outcome.message]
            return "", outcome.status
        return outcome.message, outcome.status
    return None, 200
