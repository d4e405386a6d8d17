"""The administrator's read-only view of the reminder runs (the schedule itself is the operator's)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from portal.access import roles_required
from portal.models import Role
from portal.reminders import mail, services

bp = Blueprint("reminders", __name__)


@bp.get("/")
@roles_required(Role.ADMIN)
def runs():
    return render_template("reminders/runs.html", runs=services.last_runs(),
                           campaign=services.reminder_campaign(), mail_configured=mail.configured(),
                           lead_days=current_app.config["REMINDER_DAYS_BEFORE"],
                           overdue_days=current_app.config["REVIEW_OVERDUE_DAYS"])
