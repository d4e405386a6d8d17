"""Administration: accounts."""
from flask import Blueprint, render_template
from sqlalchemy.orm import joinedload

from portal.access import roles_required
from portal.extensions import db
from portal.models import Role, User

bp = Blueprint("admin", __name__)


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    accounts = db.session.execute(
        db.select(User).options(joinedload(User.unit)).order_by(User.role, User.username)
    ).scalars().all()
    return render_template("admin/users.html", users=accounts)
