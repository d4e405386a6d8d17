"""Audit events as people read them: one sentence per event, and each recorded value under its label.

The words live in :mod:`portal.labels` (``ACTION_SENTENCES``, ``FIELD_LABELS``); this module picks the
sentence for an event and formats what goes into it — points with the language's decimal separator
and no trailing zeros, dates as dd/mm/yyyy, enums by their labels, yes/no, quoted texts.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal.formatting import fmt_date, fmt_number, fmt_points
from portal.labels import ACTION_SENTENCES, FIELD_LABELS, label
from portal.models import (
    AwardLevel,
    Classification,
    CriterionKind,
    LevelScope,
    NomineeKind,
    Role,
    TieBreak,
    UnitKind,
    VoteChoice,
    VoteDenominator,
)

POINT_FIELDS = {"self_score", "approved_score", "previous_score", "max_points", "scale", "threshold", "threshold_excellent",
                "threshold_good", "threshold_completed"}
DATE_FIELDS = {"date", "deadline", "valid_from", "valid_to", "registration_deadline", "reporting_deadline",
               "review_end", "ceremony_date"}
QUOTED_FIELDS = {"comment", "reason", "document", "label"}
ENUM_FIELDS: dict[str, type[enum.Enum]] = {
    "role": Role, "choice": VoteChoice, "level": AwardLevel, "denominator": VoteDenominator,
    "vote_denominator": VoteDenominator, "tie_break": TieBreak, "rule_min_classification": Classification,
}
# The same key names a different thing on different objects.
ENUM_FIELDS_BY_SUBJECT: dict[tuple[str, str], type[enum.Enum]] = {
    ("criterion", "kind"): CriterionKind, ("unit", "kind"): UnitKind, ("award_type", "nominee"): NomineeKind,
    ("review_level", "scope"): LevelScope,
}
LONG_TEXT = 300


def quoted(text: str) -> str:
    """A person's words inside a sentence, in the language's quotation marks."""
    text = " ".join(str(text).split())
    if len(text) > LONG_TEXT:
        text = text[:LONG_TEXT].rstrip() + "…"
    return _("“%(text)s”", text=text)


def _enum_text(kind: type[enum.Enum], value) -> str:
    try:
        return label(kind(value))
    except ValueError:
        return str(value)


def _names(items: list) -> str:
    """A recorded list: evidence as [id, name] pairs, files as [name, hash], or plain values."""
    names = []
    for item in items:
        if isinstance(item, list) and len(item) == 2:
            item = item[1] if isinstance(item[0], int) else item[0]
        names.append(str(item))
    return ", ".join(names) if names else "–"


def _import_summary(value: dict) -> str:
    return _("%(file)s: %(created)s added, %(changed)s changed, %(removed)s removed",
             file=value.get("file") or "–", created=len(value.get("created") or []),
             changed=len(value.get("changed") or []), removed=len(value.get("removed") or []))


def format_value(field: str, value, subject_type: str = "") -> str:
    """One recorded value, formatted for the reader."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    kind = ENUM_FIELDS_BY_SUBJECT.get((subject_type, field)) or ENUM_FIELDS.get(field)
    if kind is not None:
        return _enum_text(kind, value)
    if field in POINT_FIELDS:
        try:
            return fmt_points(value)
        except (ArithmeticError, ValueError, TypeError):
            return str(value)
    if field in DATE_FIELDS:
        try:
            return fmt_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if isinstance(value, dict) and "file" in value:
        return _import_summary(value)
    if isinstance(value, list):
        return _names(value)
    if isinstance(value, int):
        return fmt_number(value)
    if field in QUOTED_FIELDS:
        return quoted(value)
    text = " ".join(str(value).split())
    return text if len(text) <= LONG_TEXT else text[:LONG_TEXT].rstrip() + "…"


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))


@dataclass(frozen=True)
class ValueChange:
    label: str
    before: str | None  # None: the event recorded no earlier value
    after: str | None


def event_changes(event) -> list[ValueChange]:
    """Every value the event recorded, labelled and formatted, in the order it was recorded."""
    before, after = event.before or {}, event.after or {}
    keys = list(before) + [k for k in after if k not in before]
    kind = event.subject_type
    changes = []
    for key in keys:
        old = format_value(key, before[key], kind) if key in before else None
        new = format_value(key, after[key], kind) if key in after else None
        changes.append(ValueChange(field_label(key), None if old == new and new is not None else old, new))
    return changes


def sentence_key(event) -> str:
    """Which sentence of ``ACTION_SENTENCES`` tells this event."""
    subject, action = event.subject_type, event.action
    before, after = event.before or {}, event.after or {}
    variant = ""
    if subject == "score_line" and action == "save":
        old, new = before.get("self_score"), after.get("self_score")
        if old == new:
            variant = "explanation"
        elif old is None:
            variant = "first"
        elif new is None:
            variant = "cleared"
    elif subject == "nomination" and action == "save" and not after.get("nominee"):
        variant = "unnamed"
    elif after.get("level") and action in ("approve", "adjust", "return", "accept"):
        variant = "level"  # a decision in a review chain of several levels names its level
    for key in (f"{subject}:{action}:{variant}" if variant else None, f"{action}:{variant}" if variant else None,
                f"{subject}:{action}", action):
        if key and key in ACTION_SENTENCES:
            return key
    return ""


def _sentence_values(event) -> dict:
    before, after = event.before or {}, event.after or {}
    values: dict[str, str] = {}
    for key, value in after.items():
        values[key] = format_value(key, value, event.subject_type)
    for key, value in before.items():
        values[f"old_{key}"] = format_value(key, value, event.subject_type)
        values.setdefault(key, values[f"old_{key}"])  # a removal recorded only what was there
    if event.subject_type == "score_line" and event.action == "adjust" and "self_score" not in after:
        values["self_score"] = "–"
    return values


class _Missing(dict):
    def __missing__(self, key):
        return "–"


def event_sentence(event, actor: str | None = None) -> str:
    """The event as one sentence naming who did it ("Hoàng Thị Biên gửi thẩm định, điểm tự chấm 3,75")."""
    who = actor if actor is not None else (event.actor_name or _("A command-line task"))
    key = sentence_key(event)
    if not key:  # never shown raw: tests require a sentence for every action the code can write
        return _("%(actor)s made a change", actor=who)
    values = _Missing(_sentence_values(event))
    values["actor"] = who
    return str(ACTION_SENTENCES[key]) % values
