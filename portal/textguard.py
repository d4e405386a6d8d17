"""The last guard before the database: no text with control characters is ever written.

PostgreSQL refuses NUL with an error and SQLite would store it and break a later restore.  Forms
say so beside the field first (:class:`portal.forms.PortalForm`); this catches any path that does
not use a form, as a refusal the view helper answers like any other.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, orm

from portal.forms import CONTROL_CHARACTERS
from portal.parsing import has_control_characters
from portal.workflow import WorkflowError

# Tables whose text the portal writes itself (rendered HTML, the hash-chained audit events).
_UNCHECKED_TABLES = {"rendered_scoreboard", "audit_event", "alembic_version"}


def refuse_control_characters(session, _flush_context, _instances) -> None:
    """Refuse a flush that would write a control character into any text column."""
    for obj in (*session.new, *session.dirty):
        table = getattr(obj, "__tablename__", None)
        if table is None or table in _UNCHECKED_TABLES:
            continue
        for attr in sa.inspect(obj).mapper.column_attrs:
            column = attr.columns[0]
            if isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum):
                value = obj.__dict__.get(attr.key)
                if isinstance(value, str) and has_control_characters(value, multiline=True):
                    raise WorkflowError(str(CONTROL_CHARACTERS), status=422)


def init_text_guard() -> None:
    if not event.contains(orm.Session, "before_flush", refuse_control_characters):
        event.listen(orm.Session, "before_flush", refuse_control_characters)
