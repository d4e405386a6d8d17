"""The provincial board's approval queue: list with filters, item detail in place, decisions,
bulk approval, comments; live rows and a navigation badge that cost one integer read when idle."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import contains_eager

from portal import htmx, live
from portal.access import Action, authorize, roles_required, unauthenticated
from portal.actions import perform
from portal.campaign.services import current_campaign, current_campaign_or_404
from portal.collation import vi_sorted
from portal.comments.services import add_comment, comments_for
from portal.comments.views import comments_response
from portal.evidence.services import evidence_for, same_file_elsewhere
from portal.extensions import db
from portal.models import (AuditEvent, Campaign, Cluster, Commitment, Criterion, Nomination, Registration, Role, Scorecard,
                           ScoreLine, ScoreState, Unit)
from portal.nominations import eligibility
from portal.nominations.services import forward as forward_nomination
from portal import chain
from portal.review import queries, services
from portal.review.diff import submission_diff
from portal.workflow import allowed_actions, is_earlier_year, parse_version, subject_type

bp = Blueprint("review", __name__)
reviewers_only = roles_required(Role.REVIEWER, Role.ADMIN)
REVIEWER_ROLES = {Role.REVIEWER.value, Role.ADMIN.value}
SUBJECTS = {"score_line": ScoreLine, "registration": Registration, "nomination": Nomination, "scorecard": Scorecard}


def _page(campaign, filters):
    return queries.queue_page(campaign, filters, current_app.config["REVIEW_OVERDUE_DAYS"])


def _filter_choices(campaign):
    return {
        # (id, short name) pairs only: a province may have a thousand units; in Vietnamese order
        "units": vi_sorted(db.session.execute(db.select(Unit.id, Unit.short_name)
                                              .where(Unit.cluster_id.is_not(None))).all(), key=lambda u: u.short_name),
        "clusters": Cluster.in_order(db.session.execute(db.select(Cluster)).scalars().all()),
        "groups": db.session.execute(db.select(Criterion).where(
            Criterion.campaign_id == campaign.id, Criterion.parent_id.is_(None)).order_by(Criterion.position)).scalars().all(),
    }


def _filters(campaign):
    """The URL's filters; in a chain of several levels, the queue of the reviewer's first level
    unless the URL names one."""
    filters = queries.QueueFilters.from_args(request.args)
    levels = chain.score_levels(campaign)
    if len(levels) > 1 and (filters.level is None or filters.level > len(levels)):
        acting = chain.acting_levels(current_user, campaign)
        filters = replace(filters, level=(acting[0] if acting else levels[0]).position)
    return filters


def _level_tabs(campaign, filters):
    """The levels' queues, for a chain of several levels: (level, whether the reviewer acts there)."""
    levels = chain.score_levels(campaign)
    if len(levels) < 2:
        return []
    return [(level, level.acts(current_user)) for level in levels]


@bp.get("/")
@reviewers_only
def queue():
    campaign = current_campaign_or_404()
    filters = _filters(campaign)
    page = _page(campaign, filters)
    version = live.current(live.QUEUE)
    if htmx.wants_partial("queue-results"):
        response = current_app.make_response(render_template("review/_queue_results.html", page=page, version=version))
    else:
        response = current_app.make_response(render_template(
            "review/queue.html", page=page, version=version, campaign=campaign, sorts=queries.SORTS,
            states=queries.STATES, kinds=_kinds(campaign, filters), level_tabs=_level_tabs(campaign, filters),
            **_filter_choices(campaign)))
    response.headers.add("Vary", htmx.HX_REQUEST)
    return response


def idle_poll(counter: str, param: str = "v"):
    """A poll from a signed-in reviewer whose shown value is current: 204 from one read (the counter
    joined with the live session), without loading the user. Anything that returns data goes the full way."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if session.get("role") in REVIEWER_ROLES and session.get("_user_id"):
                shown = request.args.get(param, type=int)
                if shown is not None:
                    current = live.current_for_session(counter, session["_user_id"])
                    if current is None:  # the session was ended or has expired
                        return unauthenticated()
                    if shown == current:
                        return "", 204
            return reviewers_only(view)(*args, **kwargs)

        return wrapped

    return decorator


@bp.get("/rows")
@idle_poll(live.QUEUE)
def queue_rows():
    """The live poll: 204 while the queue's change counter equals the one the page shows."""
    version = live.current(live.QUEUE)
    if request.args.get("v", type=int) == version:
        return "", 204
    campaign = current_campaign_or_404()
    page = _page(campaign, _filters(campaign))
    return render_template("review/_queue_results.html", page=page, version=version)


@bp.get("/badge")
@idle_poll(live.QUEUE)
def badge():
    """The navigation badge's poll: same rule, one integer read when nothing changed."""
    version = live.current(live.QUEUE)
    if request.args.get("v", type=int) == version:
        return "", 204
    return render_template("review/_queue_badge.html", queue_badge={
        "count": queries.open_count(current_campaign(), current_user), "version": version})


def _kinds(campaign, filters) -> list[str]:
    """The kinds the level's queue holds (the kind filter's choices)."""
    if not any(level.reviews_scorecards for level in chain.levels(campaign)):
        return [kind for kind in queries.KINDS if kind != "scorecard"]
    if chain.level_at(campaign, filters.level or 1).reviews_scorecards:
        return ["scorecard"]
    return list(queries.ITEM_KINDS)


def load_subject(kind: str, subject_id: int):
    model = SUBJECTS.get(kind)
    if model is None:
        abort(404)
    return authorize(Action.REVIEW, db.get_or_404(model, subject_id))


def _earlier(obj) -> bool:
    """An earlier year's item (reached by its address) is only read: no decision buttons."""
    return is_earlier_year(db.session.get(Campaign, obj.campaign_id))


def _actions(obj, kind: str) -> list[str]:
    """The decisions offered: those the item's state allows, for a person who acts at the level it
    waits at; sending back needs a level before; at a scorecard level a line is signed off with the
    scorecard (it can still be adjusted, sent back or returned on its own)."""
    if _earlier(obj):
        return []
    actions = [a for a in allowed_actions(obj, current_user)
               if a not in ("approve", "reject", "award") or kind in ("score_line", "scorecard")]
    if kind == "nomination" or not hasattr(obj, "level"):
        return actions
    level = chain.level_at(obj.campaign_id, obj.level)
    if obj.state.value == "submitted" and not level.acts(current_user):
        return []
    if obj.level <= 1:
        actions = [a for a in actions if a != "send_back"]
    if level.reviews_scorecards and kind != "scorecard":
        actions = [a for a in actions if a not in ("approve", "accept")]
    return actions


def _detail_context(obj, **extra):
    kind = subject_type(obj)
    multilevel = chain.is_multilevel(obj.campaign_id)
    context = {
        # The queue offers review decisions; a nomination's vote is closed on its own page.
        "obj": obj, "kind": kind, "actions": _actions(obj, kind), "multilevel": multilevel,
        "level": chain.level_at(obj.campaign_id, getattr(obj, "level", 1)) if multilevel else None,
        "steps": chain.steps_for(obj) if multilevel and kind != "nomination" else [],
        "comments": comments_for(obj),
        "history": db.session.execute(db.select(AuditEvent).where(
            AuditEvent.subject_type == kind, AuditEvent.subject_id == obj.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).scalars().all(),
        "errors": {}, "values": {},
    }
    if kind == "scorecard":
        lines = db.session.execute(
            db.select(ScoreLine).join(Criterion, Criterion.id == ScoreLine.criterion_id)
            .options(contains_eager(ScoreLine.criterion))
            .where(ScoreLine.campaign_id == obj.campaign_id, ScoreLine.unit_id == obj.unit_id,
                   ScoreLine.state.in_((ScoreState.SUBMITTED, ScoreState.APPROVED)))
            .order_by(Criterion.position)).scalars().all()
        context.update(lines=lines, earlier=chain.earlier_figures(lines))
    elif kind == "score_line":
        evidence = evidence_for(obj)
        context.update(evidence=evidence, earlier=chain.earlier_figures([obj]) if multilevel else {}, duplicates=same_file_elsewhere(evidence),
                       other_units=queries.shared_evidence_units(evidence), diff=submission_diff(obj),
                       commitment=_commitment(obj))
    elif kind == "nomination":
        context.update(rules=eligibility.check(obj))
    else:
        context.update(card=_registration_card(obj))
    context.update(extra)
    return context


def _commitment(line):
    return db.session.execute(db.select(Commitment).where(
        Commitment.unit_id == line.unit_id, Commitment.criterion_id == line.criterion_id)).scalar_one_or_none()


def _registration_card(registration):
    return db.session.execute(
        db.select(Commitment).join(Criterion, Criterion.id == Commitment.criterion_id)
        .options(contains_eager(Commitment.criterion))
        .where(Commitment.registration_id == registration.id).order_by(Criterion.position)).scalars().all()


@bp.get("/items/<kind>/<int:subject_id>")
@reviewers_only
def item(kind: str, subject_id: int):
    obj = load_subject(kind, subject_id)
    context = _detail_context(obj)
    if htmx.wants_partial("queue-detail"):
        return render_template("review/_detail.html", **context)
    return render_template("review/item.html", **context)


def _after_decision(obj, message: str | None = None, status: int = 200, **extra):
    """htmx: the detail again, and a "queueChanged" event on which the rows refresh themselves
    (with the reviewer's own filters); otherwise back to the queue."""
    if htmx.is_htmx():
        body = render_template("review/_detail.html", **_detail_context(obj, message=message, failed=status != 200, **extra))
        response = current_app.make_response((body, status))
        if status == 200:
            response.headers[htmx.HX_TRIGGER] = "queueChanged"
        return response
    flash(message, "success" if status == 200 else "error")
    if status == 200:
        return redirect(url_for(".queue"), code=303)
    return redirect(url_for(".item", kind=subject_type(obj), subject_id=obj.id), code=303)


def _decide(obj, action, *args):
    """Run the decision; on a refusal (bad input, a missing version, someone else deciding first)
    answer with the detail as it now is, the message, and the reviewer's typed text kept."""
    outcome = perform(lambda: action(obj, current_user, *args, parse_version(request.form.get("version"))))
    if outcome.ok:
        return None
    field = outcome.refusal.field
    return _after_decision(obj, outcome.message, outcome.status, errors={field: outcome.message} if field else {},
                           values=request.form)


@bp.post("/score-lines/<int:line_id>/approve")
@reviewers_only
def approve(line_id: int):
    line = load_subject("score_line", line_id)
    refused = _decide(line, services.approve_score)
    return refused or _after_decision(line, _("Approved %(code)s of %(unit)s.", code=line.criterion.code,
                                                 unit=line.unit.short_name))


@bp.post("/score-lines/<int:line_id>/adjust")
@reviewers_only
def adjust(line_id: int):
    line = load_subject("score_line", line_id)
    refused = _decide(line, services.adjust_score, request.form.get("approved_score"), request.form.get("reason"))
    return refused or _after_decision(line, _("Approved %(code)s of %(unit)s with an adjusted score.",
                                                 code=line.criterion.code, unit=line.unit.short_name))


@bp.post("/items/<kind>/<int:subject_id>/return")
@reviewers_only
def return_item(kind: str, subject_id: int):
    obj = load_subject(kind, subject_id)
    refused = _decide(obj, services.return_item, request.form.get("comment"))
    return refused or _after_decision(obj, _("Returned to %(unit)s with your comment.", unit=obj.unit.short_name))


@bp.post("/items/<kind>/<int:subject_id>/send-back")
@reviewers_only
def send_back(kind: str, subject_id: int):
    obj = load_subject(kind, subject_id)
    if kind not in ("score_line", "registration"):
        abort(404)
    refused = _decide(obj, services.send_back, request.form.get("comment"))
    return refused or _after_decision(obj, _("Sent back to the previous level with your comment."))


@bp.post("/scorecards/<int:scorecard_id>/sign-off")
@reviewers_only
def sign_off(scorecard_id: int):
    scorecard = load_subject("scorecard", scorecard_id)
    refused = _decide(scorecard, services.sign_off_scorecard)
    return refused or _after_decision(scorecard, _("Signed off the scorecard of %(unit)s.",
                                                      unit=scorecard.unit.short_name))


@bp.post("/registrations/<int:registration_id>/accept")
@reviewers_only
def accept(registration_id: int):
    registration = load_subject("registration", registration_id)
    refused = _decide(registration, services.accept_registration)
    return refused or _after_decision(registration, _("Accepted the registration of %(unit)s.",
                                                         unit=registration.unit.short_name))


@bp.post("/registrations/<int:registration_id>/reopen")
@reviewers_only
def reopen(registration_id: int):
    registration = load_subject("registration", registration_id)
    refused = _decide(registration, services.reopen_registration, request.form.get("comment"))
    return refused or _after_decision(registration, _("Reopened the registration of %(unit)s.",
                                                         unit=registration.unit.short_name))


@bp.post("/nominations/<int:nomination_id>/forward")
@reviewers_only
def forward(nomination_id: int):
    nomination = load_subject("nomination", nomination_id)
    refused = _decide(nomination, forward_nomination)
    return refused or _after_decision(nomination, _("Forwarded to the council: %(nominee)s.", nominee=nomination.nominee))


@bp.post("/items/<kind>/<int:subject_id>/comments")
@reviewers_only
def comment(kind: str, subject_id: int):
    obj = load_subject(kind, subject_id)
    outcome = perform(add_comment, obj, current_user, request.form.get("body"))
    return comments_response(obj, outcome, url_for(".comment", kind=subject_type(obj), subject_id=obj.id),
                             url_for(".item", kind=subject_type(obj), subject_id=obj.id, _anchor="comments"))




@bp.post("/bulk-approve")
@reviewers_only
def bulk_approve():
    kind = "scorecard" if request.form.getlist("scorecard") else "score_line"
    ids = [int(v) for v in request.form.getlist("scorecard" if kind == "scorecard" else "line")
           if re.fullmatch(r"\d{1,9}", v)][:500]
    if not ids:
        flash(_("Select at least one score line."), "warning")
        return redirect(url_for(".queue"), code=303)
    outcome = perform(services.bulk_approve, ids, current_user, kind)  # each access-checked by its decision
    if not outcome.ok:
        flash(outcome.message, "error")
    outcomes = outcome.value or []
    done = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if not o.ok]
    if done:
        flash(_("%(n)s item(s) approved.", n=len(done)), "success")
    for outcome in failed:
        flash(_("%(item)s was not approved: %(why)s", item=outcome.label, why=outcome.message), "error")
    target = url_for(".queue", **queries.QueueFilters.from_args(request.form).args())
    if htmx.is_htmx():
        return htmx.client_redirect(target)
    return redirect(target, code=303)


@bp.get("/gaps")
@reviewers_only
def gaps():
    campaign = current_campaign_or_404()
    return render_template("review/gaps.html", campaign=campaign, rows=queries.unit_gaps(campaign))

