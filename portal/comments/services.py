"""Comments on a reviewable item: officers on their own unit's items, reviewers on any.

Below both the unit's workspace and the review, which each show and post the same thread.
"""
from __future__ import annotations

from flask_babel import gettext as _

from portal import workflow
from portal.access import Action, ensure
from portal.extensions import db
from portal.models import Comment, Role, User
from portal.notifications.services import notify_about
from portal.workflow import WorkflowError

MAX_COMMENT = 4000


def required_text(value: str | None, field: str, missing: str, limit: int = MAX_COMMENT) -> str:
    """The trimmed text of ``field``, or a refusal shown beside it (missing, or too long)."""
    text = (value or "").strip()
    if not text:
        raise WorkflowError(missing, status=422, field=field)
    if len(text) > limit:
        raise WorkflowError(_("At most %(n)s characters.", n=limit), status=422, field=field)
    return text


def add_comment(obj, user: User, body: str | None) -> Comment:
    """A message in the item's thread: reviewers on any item, officers on their own unit's."""
    ensure(user, Action.VIEW, obj)
    if user.role not in (Role.UNIT_OFFICER, Role.REVIEWER, Role.ADMIN):
        raise WorkflowError(_("You cannot comment on this item."), status=403)
    text = required_text(body, "body", _("Write a comment first."))
    workflow.ensure_campaign_open_for_changes(obj.campaign_id)
    comment = Comment(subject_type=workflow.subject_type(obj), subject_id=obj.id, unit_id=obj.unit_id,
                      author_id=user.id, body=text)
    db.session.add(comment)
    workflow.record(obj, "comment", user, after={"comment": text})
    if user.role is not Role.UNIT_OFFICER:
        notify_about(obj, "commented", {"comment": text[:200]})
    db.session.flush()
    return comment


def comments_for(obj) -> list[Comment]:
    return db.session.execute(
        db.select(Comment).where(Comment.subject_type == workflow.subject_type(obj), Comment.subject_id == obj.id)
        .order_by(Comment.created_at, Comment.id)).scalars().all()
