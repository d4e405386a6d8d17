"""Error pages in the user's language; htmx callers get a short fragment instead of a page.

Server errors (5xx) render without touching the database — no user, no navigation badges — so they
still render when the database is what failed; the language comes from the session cookie.
"""
from __future__ import annotations

import logging

from flask import Flask, g, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from portal import htmx
from portal.access import Denied, unauthenticated
from portal.extensions import db, login_manager
from portal.workflow import Conflict, WorkflowError

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and try again.")),
    403: (_l("Forbidden"), _l("You do not have permission to do this.")),
    404: (_l("Not found"), _l("The page or item you asked for does not exist or is not available to you.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    409: (_l("Changed meanwhile"), _l("This item was changed by someone else in the meantime. Reload the page.")),
    422: (_l("Cannot be saved"), _l("Check what you entered and try again.")),
    413: (_l("Too large"), _l("The files are larger than the allowed size. Send smaller files or fewer at once.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (_l("Server error"), _l("Something went wrong on our side. The error has been logged.")),
    503: (_l("Temporarily unavailable"),
          _l("The portal cannot reach its database at the moment. Nothing was saved; try again in a few minutes.")),
}

# A form post without files that is too large is a text too long, not an upload.
TEXT_TOO_LONG = _l("The text is too long to be saved. Shorten it and try again.")

# Posts that need no signed-in session; a bad token there is a real CSRF failure.
SESSIONLESS_POSTS = {"auth.login", "home.set_language"}
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)


def render_error(status: int, message=None):
    title, default_message = MESSAGES.get(status, MESSAGES[500])
    template = "errors/_error.html" if htmx.is_htmx() else "errors/error.html"
    context = dict(status=status, title=title, message=message or default_message)
    if status < 500:
        try:  # the full page, with the user's navigation
            return render_template(template, **context), status
        except SQLAlchemyError:
            log.exception("error page fell back to the page without navigation")
            _rollback_quietly()
    if "_login_user" not in g:  # Flask-Login's context processor would load the user: not here
        g._login_user = login_manager.anonymous_user()
    return render_template(template, bare=True, **context), status


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.exception("rollback failed")


def _has_live_session() -> bool:
    return bool(session.get("_user_id")) and current_user.is_authenticated


def init_error_handlers(app: Flask) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, lambda e, s=status: render_error(s))

    @app.errorhandler(413)
    def too_large(_e):
        return render_error(413, None if request.mimetype == "multipart/form-data" else TEXT_TOO_LONG)

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        """A post from a session that expired or was ended is not a forgery: say the session ended
        (and come back after signing in) instead of "the form has expired"."""
        if request.endpoint not in SESSIONLESS_POSTS and not _has_live_session():
            return unauthenticated()
        return render_error(400, _l("Your form has expired or was not sent from this portal. Reload the page and try again."))

    @app.errorhandler(Denied)
    def denied(e: Denied):
        db.session.rollback()  # a refusal changes nothing, wherever it surfaced
        return render_error(e.status, getattr(e, "message", None))

    @app.errorhandler(WorkflowError)
    def refused(e: WorkflowError):
        """A refusal that reached no view helper still gets its message, never a 500."""
        db.session.rollback()
        return render_error(e.status, e.message)

    @app.errorhandler(StaleDataError)
    def stale(_e):
        """A row changed by someone else, surfacing wherever it surfaced: the conflict answer."""
        db.session.rollback()
        return render_error(409, Conflict().message)

    for exc in DATABASE_DOWN:
        @app.errorhandler(exc)
        def database_down(e):
            """The database is unreachable (or refused the connection): 503, page rendered without it."""
            log.error("database unavailable: %s", e)
            _rollback_quietly()
            return render_error(503)
