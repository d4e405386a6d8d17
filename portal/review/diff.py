"""What changed between a score line's last two submissions (score, explanation, evidence)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from portal.extensions import db
from portal.models import AuditEvent, ScoreLine


@dataclass
class SubmissionDiff:
    previous_score: Decimal | None
    score: Decimal | None
    previous_explanation: str
    explanation: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def score_changed(self) -> bool:
        return self.previous_score != self.score

    @property
    def explanation_changed(self) -> bool:
        return self.previous_explanation != self.explanation

    @property
    def any(self) -> bool:
        return self.score_changed or self.explanation_changed or bool(self.added or self.removed)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def submission_diff(line: ScoreLine) -> SubmissionDiff | None:
    """None unless the line has been submitted at least twice."""
    events = db.session.execute(
        db.select(AuditEvent.after).where(AuditEvent.subject_type == "score_line", AuditEvent.subject_id == line.id,
                                          AuditEvent.action == "submit")
        .order_by(AuditEvent.id.desc()).limit(2)).scalars().all()
    if len(events) < 2:
        return None
    new, old = events
    new_files = {item[0]: item[1] for item in new.get("evidence", [])}
    old_files = {item[0]: item[1] for item in old.get("evidence", [])}
    return SubmissionDiff(
        previous_score=_decimal(old.get("self_score")), score=_decimal(new.get("self_score")),
        previous_explanation=old.get("explanation", ""), explanation=new.get("explanation", ""),
        added=[name for key, name in new_files.items() if key not in old_files],
        removed=[name for key, name in old_files.items() if key not in new_files],
    )
