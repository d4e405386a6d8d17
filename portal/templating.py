"""Template globals and filters: labels, Vietnamese dates and numbers, the htmx script tag."""
from __future__ import annotations


from flask import Flask, current_app, url_for
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from portal import clock
from portal.access import read_only_reason
from portal.audit.wording import event_changes, event_sentence
from portal.config import HTMX_CDN_URL, HTMX_INTEGRITY
from portal.formatting import days_until, fmt_date, fmt_filesize, fmt_number, fmt_points, fmt_waited
from portal.labels import (
    chain_break_label,
    classification_label,
    file_kind,
    history_label,
    kind_label,
    label,
    queue_state_label,
    stage_label,
    step_label,
    state_label,
)
from portal.models import RegistrationState, ScoreState


def select_options(pairs, selected) -> Markup:
    """<option> tags for a long list (a thousand units), joined in Python rather than a template loop."""
    return Markup("".join(
        f'<option value="{value}"{" selected" if value == selected else ""}>{escape(text)}</option>'
        for value, text in pairs))


def htmx_script() -> Markup:
    if current_app.config["HTMX_SOURCE"] == "cdn":
        src = HTMX_CDN_URL
    else:
        src = url_for("static", filename="vendor/htmx.min.js")
    return Markup(
        f'<script src="{src}" integrity="{HTMX_INTEGRITY}" crossorigin="anonymous" defer></script>'
    )


class _LazyBadges:
    """Computed on first use, so fragments that never show the navigation run no query for it."""

    def __init__(self):
        self._values = None

    def __getattr__(self, name):
        if self._values is None:
            self._values = nav_badges()
        return self._values.get(name)


def nav_badges() -> dict:
    """Figures the navigation shows: open queue items (reviewers and administrators), unread
    notifications (everyone: officers are reminded and told of changes, reviewers get their digest)."""
    from flask_login import current_user

    from portal import live
    from portal.campaign.services import current_campaign
    from portal.models import Role
    from portal.notifications.services import unread_count
    from portal.review.queries import open_count

    if not current_user.is_authenticated:
        return {}
    badges = {"unread": unread_count(current_user)}
    if current_user.role in (Role.REVIEWER, Role.ADMIN):
        badges["queue"] = {"count": open_count(current_campaign(), current_user), "version": live.current(live.QUEUE)}
    return badges


def waiting_level_name(obj) -> str | None:
    """"đang ở cấp …": the review level a submitted item waits at, in a chain of several levels."""
    from portal import chain

    if getattr(obj, "state", None) is None or obj.state.value != "submitted" or not chain.is_multilevel(obj.campaign_id):
        return None
    return chain.level_at(obj.campaign_id, obj.level).name


def init_templating(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        return {"nav_badges": _LazyBadges()}

    app.jinja_env.filters.update(label=label, date=fmt_date, points=fmt_points, number=fmt_number, filesize=fmt_filesize,
                                 history_label=history_label, state_label=state_label, file_kind=file_kind,
                                 kind_label=kind_label, queue_state_label=queue_state_label, waited=fmt_waited,
                                 event_sentence=event_sentence, event_changes=event_changes, classification_label=classification_label,
                                 stage_label=stage_label, chain_break_label=chain_break_label,
                                 step_label=step_label)
    app.jinja_env.globals.update(
        htmx_script=htmx_script,
        csrf_token_value=generate_csrf,
        current_locale=lambda: str(get_locale()),
        days_until=days_until,
        waiting_level_name=waiting_level_name,
        printed_at=clock.now,  # the moment a page was made, on its printed header
        select_options=select_options,
        read_only_reason=read_only_reason,
        ScoreState=ScoreState,
        RegistrationState=RegistrationState,
    )
