"""Plain helpers shared by the test packages (fixtures live in tests/conftest.py)."""
from __future__ import annotations

import io
import threading
from decimal import Decimal

import sqlalchemy as sa

from portal.audit.services import append
from portal.clock import today
from portal.extensions import db
from portal.models import AwardType, Commitment, Criterion, CriterionKind, Evidence, ScoreLine, ScoreState
from portal.workspace.services import ensure_workspace, submit_score_line
from tests import samples

HX = {"HX-Request": "true"}


def fresh(obj):
    """The row as the database has it now."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def line_of(unit, code) -> ScoreLine:
    return db.session.execute(
        db.select(ScoreLine).join(Criterion).where(ScoreLine.unit_id == unit.id, Criterion.code == code)
    ).scalar_one()


def commitment_of(unit, code) -> Commitment:
    return db.session.execute(
        db.select(Commitment).join(Criterion).where(Commitment.unit_id == unit.id, Criterion.code == code)
    ).scalar_one()


def submit(line, officer, score="3", explanation="Đã hoàn thành theo kế hoạch", evidence=True):
    """Put a line through the officer's real submission service."""
    line.self_score, line.explanation = Decimal(score), explanation
    if evidence:
        db.session.add(Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                                doc_number="12-BC/BTC", doc_date=today(), doc_issuer="Ban Tổ chức",
                                title="Báo cáo kết quả", uploaded_by_id=officer.id))
    db.session.flush()
    submit_score_line(line, officer, today())
    db.session.commit()
    return line


def award(code: str) -> AwardType:
    return db.session.execute(sa.select(AwardType).where(AwardType.code == code)).scalar_one()


def approve_all(unit, campaign, fraction=Decimal(1)):
    """Give the unit approved scores on every item (fraction of each maximum)."""
    registration = ensure_workspace(unit, campaign)
    lines = db.session.execute(sa.select(ScoreLine).join(Criterion).where(
        ScoreLine.unit_id == unit.id, Criterion.kind == CriterionKind.ITEM)).scalars().all()
    for line in lines:
        line.self_score = line.approved_score = (line.criterion.max_points * fraction).quantize(Decimal("0.25"))
        line.state = ScoreState.APPROVED
    db.session.flush()
    return registration


def pdf_upload(name="to-trinh.pdf"):
    return (io.BytesIO(samples.pdf(name)), name)


class Appender:
    """A thread appending audit events, each in its own committed transaction, until stopped."""

    def __init__(self, app):
        self.app, self.stop, self.count = app, threading.Event(), 0
        self.started = threading.Barrier(2)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.error = None

    def run(self):
        with self.app.app_context():
            try:
                self.started.wait()
                while not self.stop.is_set():
                    append("test.write", "unit", self.count)
                    db.session.commit()
                    self.count += 1
            except BaseException as exc:  # reported by the test
                self.error = exc
            finally:
                db.session.remove()

    def __enter__(self):
        self.thread.start()
        self.started.wait()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)
        assert self.error is None, self.error
