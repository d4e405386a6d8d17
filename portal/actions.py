"""The one way a view runs a change: call the service, commit once, or answer the refusal.

A refusal is whatever the service raised for the user (:class:`WorkflowError` and its kinds), or
a row that someone else changed meanwhile, wherever it surfaced — in the service, in a listener or
at the commit itself — which becomes the "changed by someone else" :class:`Conflict`.  The session
is rolled back in every refused case, so nothing partial is saved.  :class:`portal.access.Denied`
is not a refusal: it propagates, and the error handler answers 403 or 404.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.workflow import Conflict, WorkflowError


@dataclass
class Outcome:
    value: Any = None
    refusal: WorkflowError | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None

    @property
    def message(self) -> str | None:
        return self.refusal.message if self.refusal else None

    @property
    def status(self) -> int:
        return self.refusal.status if self.refusal else 200


def perform(call: Callable, *args, **kwargs) -> Outcome:
    """Run ``call(*args, **kwargs)`` and commit; on a refusal roll back and return it."""
    try:
        value = call(*args, **kwargs)
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        return Outcome(refusal=exc)
    except (StaleDataError, IntegrityError):
        # Someone else's write got there first (a stale version, or the same row inserted twice).
        db.session.rollback()
        return Outcome(refusal=Conflict())
    except BaseException:
        db.session.rollback()
        raise
    return Outcome(value=value)
