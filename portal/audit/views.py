"""Administrators read the audit trail: filter by action, kind, person, unit and date, 50 events a page."""
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from portal.access import roles_required
from portal.audit.services import verify_chain
from portal.audit.subjects import describe_subjects
from portal.collation import vi_sorted
from portal.extensions import db
from portal.labels import history_label, kind_label
from portal.models import AuditEvent, Role, Unit, User
from portal.parsing import optional_date, positive_int
from portal.clock import TZ as LOCAL_TZ

bp = Blueprint("audit", __name__)
PER_PAGE = 50


@bp.get("/")
@roles_required(Role.ADMIN)
def events():
    args = request.args
    stmt = sa.select(AuditEvent)
    if args.get("action"):
        stmt = stmt.where(AuditEvent.action == args["action"])
    if args.get("subject_type"):
        stmt = stmt.where(AuditEvent.subject_type == args["subject_type"])
    if positive_int(args.get("actor")):
        stmt = stmt.where(AuditEvent.actor_id == positive_int(args.get("actor")))
    if positive_int(args.get("unit")):
        stmt = stmt.where(AuditEvent.unit_id == positive_int(args.get("unit")))
    # Within the portal's date range: year 1 or 9999 would overflow the conversion to UTC.
    start, end = optional_date(args.get("from")), optional_date(args.get("to"))
    if start:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(start, time.min, LOCAL_TZ))
    if end:
        stmt = stmt.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ))
    total = db.session.execute(stmt.with_only_columns(sa.func.count(AuditEvent.id))).scalar_one()
    pages = max(1, -(-total // PER_PAGE))
    page = min(positive_int(args.get("page")) or 1, pages)
    rows = db.session.execute(stmt.order_by(AuditEvent.id.desc()).limit(PER_PAGE)
                              .offset((page - 1) * PER_PAGE)).scalars().all()
    choices = {
        "actions": vi_sorted(db.session.execute(sa.select(AuditEvent.action).distinct()).scalars().all(), key=history_label),
        "kinds": vi_sorted(db.session.execute(sa.select(AuditEvent.subject_type).distinct()).scalars().all(), key=kind_label),
        "actors": vi_sorted(db.session.execute(sa.select(User)).scalars().all(), key=lambda u: u.full_name),
        "units": vi_sorted(db.session.execute(sa.select(Unit)).scalars().all(), key=lambda u: u.name),
    }
    verification = verify_chain() if args.get("verify") else None
    return render_template("audit/events.html", rows=rows, subjects=describe_subjects(rows), page=page, pages=pages,
                           total=total, per_page=PER_PAGE, args=args, verification=verification, **choices)
