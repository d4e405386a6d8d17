from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.extensions import db
from portal.notifications import services

bp = Blueprint("notifications", __name__)


@bp.get("/")
@login_required
def index():
    items = services.recent(current_user)
    return render_template("notifications/index.html", items=items, parts=services.parts,
                           target=_target)


@bp.post("/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for(".index"), code=303)


@bp.get("/badge")
@login_required
def badge():
    """Poll: 204 while the unread count is the one shown."""
    count = services.unread_count(current_user)
    if request.args.get("n", type=int) == count:
        return "", 204
    return render_template("notifications/_badge.html", unread=count)


def _target(notification) -> str:
    if notification.subject_type == "score_line":
        return url_for("workspace.item", line_id=notification.subject_id)
    if notification.subject_type == "registration":
        return url_for("workspace.pledges")
    if notification.subject_type == "reminder":
        registration = (notification.data or {}).get("deadline_kind") == "registration"
        return url_for("workspace.pledges" if registration else "workspace.scores")
    if notification.subject_type == "review_digest":
        return url_for("review.queue", age=(notification.data or {}).get("overdue_days"))
    return url_for("home.index")


