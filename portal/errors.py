"""Error pages in the user's language; htmx callers get a short fragment instead of a page."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError

from portal import htmx
from portal.access import Denied
from portal.extensions import db
from portal.workflow import Conflict, WorkflowError

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and try again.")),
    403: (_l("Forbidden"), _l("You do not have permission to do this.")),
    404: (_l("Not found"), _l("The page or item you asked for does not exist or is not available to you.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    409: (_l("Changed meanwhile"), _l("This item was changed by someone else in the meantime. Reload the page.")),
    422: (_l("Cannot be saved"), _l("Check what you entered and try again.")),
    413: (_l("Too large"), _l("The upload is larger than the allowed size.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (_l("Server error"), _l("Something went wrong on our side. The error has been logged.")),
}


def render_error(status: int, message=None):
    title, default_message = MESSAGES.get(status, MESSAGES[500])
    template = "errors/_error.html" if htmx.is_htmx() else "errors/error.html"
    return render_template(template, status=status, title=title, message=message or default_message), status


def init_error_handlers(app: Flask) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, lambda e, s=status: render_error(s))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return render_error(400, _l("Your form has expired or was not sent from this portal. Reload the page and try again."))

    @app.errorhandler(Denied)
    def denied(e: Denied):
        return render_error(e.status)

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
