from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.auth import sessions
from portal.auth.forms import EmptyForm, LoginForm
from portal.auth.services import authenticate
from portal.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths; anything else could send the user to another site after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _fresh_session() -> None:
    """Drop everything in the session but the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        throttle = current_app.extensions["login_throttle"]
        address = request.remote_addr or "unknown"
        wait = throttle.attempt(form.username.data, address)  # counted and committed before any check
        if wait:
            error = _("Too many failed sign-in attempts. Try again in %(minutes)d minute(s).",
                      minutes=max(1, (wait + 59) // 60))
            status = 429
        else:
            user = authenticate(form.username.data, form.password.data)
            if user is None:
                error = _("Wrong username or password.")
                status = 401
            else:
                throttle.succeeded(form.username.data, address)
                _fresh_session()  # nothing from before sign-in carries over
                sessions.start(user, address)
                db.session.commit()
                login_user(user)  # the cookie names the new server-side session
                session["role"] = user.role.value  # lets idle polls answer without loading the user
                session.permanent = True
                if user.must_change_password:  # a temporary password: nothing else until it is replaced
                    session["must_change_password"] = True
                    return redirect(url_for("accounts.password"), code=303)
                return redirect(_safe_next(request.args.get("next")) or url_for("home.index"), code=303)
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    """Ends the server-side session, so a copy of the cookie is worth nothing afterwards. Open to a
    request whose session already ended: it only tidies the cookie then."""
    form = EmptyForm()
    if form.validate_on_submit():
        sessions.end(session.get("_user_id"))
        db.session.commit()
        logout_user()
        _fresh_session()
        flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"), code=303)
