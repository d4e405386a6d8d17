"""Search across units, criteria, evidence, nominations and comments, grouped by kind.

Who may find what is decided in the query itself, on the index's own columns: a unit officer finds
only their unit's record (and the campaign's criteria); the council finds units, criteria and the
nominations forwarded to it (never evidence or comments, as in portal.access and
portal.nominations.services); reviewers and administrators find everything of the campaign.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import (Comment, Criterion, CriterionKind, Evidence, Nomination, Role, ScoreLine,
                           Unit)
from portal.search import backend
from portal.search.text import query_terms

KINDS = ("unit", "criterion", "evidence", "nomination", "comment")
COUNCIL_KINDS = ("unit", "criterion", "nomination")
PER_KIND = 20
MIN_QUERY = 2  # characters of folded text


@dataclass
class Hit:
    title: str
    url: str
    detail: str = ""
    snippet: str = ""
    code: str = ""


@dataclass
class Group:
    kind: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # more than PER_KIND matched


def too_short(query: str) -> bool:
    return len(" ".join(query_terms(query))) < MIN_QUERY


def _scope(user, kind: str, campaign_id: int | None) -> backend.Scope:
    return backend.Scope(
        kind,
        campaign_id=None if kind == "unit" else campaign_id,
        unit_id=user.unit_id if user.role is Role.UNIT_OFFICER and kind != "criterion" else None,
        council_only=user.role is Role.COUNCIL and kind == "nomination",
    )


def kinds_for(user) -> tuple[str, ...]:
    return COUNCIL_KINDS if user.role is Role.COUNCIL else KINDS


def matching_ids(user, kind: str, terms: list[str], campaign_id: int | None) -> list[int]:
    statement = backend.matching(db.engine.dialect.name, terms, _scope(user, kind, campaign_id), PER_KIND + 1)
    return list(db.session.execute(statement).scalars())


def search(user, query: str, campaign) -> list[Group]:
    """The groups that found something, in a fixed order; empty for a query too short to search."""
    terms = query_terms(query)
    if too_short(query):
        return []
    campaign_id = campaign.id if campaign is not None else None
    groups = []
    for kind in kinds_for(user):
        if kind != "unit" and campaign_id is None:
            continue
        ids = matching_ids(user, kind, terms, campaign_id)
        if not ids:
            continue
        hits = _HITS[kind](user, ids[:PER_KIND])
        if hits:
            groups.append(Group(kind, hits, more=len(ids) > PER_KIND))
    return groups


def _load(model, ids: list[int], *options) -> list:
    rows = db.session.execute(sa.select(model).where(model.id.in_(ids)).options(*options)).scalars().unique().all()
    order = {object_id: position for position, object_id in enumerate(ids)}
    return sorted(rows, key=lambda row: order[row.id])


def _unit_hits(user, ids):
    hits = []
    for unit in _load(Unit, ids):
        if user.role is Role.UNIT_OFFICER:
            url = url_for("workspace.dashboard")
        elif unit.is_ranked:
            url = url_for("history.unit", code=unit.code)
        else:
            url = url_for("reference.units")
        hits.append(Hit(unit.name, url, unit.code))
    return hits


def _criterion_hits(_user, ids):
    hits = []
    for criterion in sorted(_load(Criterion, ids), key=lambda c: c.position):
        anchor = "group" if criterion.kind is CriterionKind.GROUP else "criterion"
        hits.append(Hit(criterion.title, url_for("reference.criteria", _anchor=f"{anchor}-{criterion.id}"),
                        code=criterion.code))
    return hits


def _line_url(user, line_id: int) -> str:
    if user.role is Role.UNIT_OFFICER:
        return url_for("workspace.item", line_id=line_id)
    return url_for("review.item", kind="score_line", subject_id=line_id)


def _evidence_hits(user, ids):
    evidence = _load(Evidence, ids, joinedload(Evidence.criterion))
    pairs = {(row.unit_id, row.criterion_id) for row in evidence}
    lines = {}
    if pairs:
        for line_id, unit_id, criterion_id in db.session.execute(
                sa.select(ScoreLine.id, ScoreLine.unit_id, ScoreLine.criterion_id).where(
                    ScoreLine.campaign_id == evidence[0].campaign_id,
                    ScoreLine.unit_id.in_({unit for unit, _ in pairs}),
                    ScoreLine.criterion_id.in_({criterion for _, criterion in pairs}))):
            lines[(unit_id, criterion_id)] = line_id
    units = _names(Unit, {row.unit_id for row in evidence})
    hits = []
    for row in evidence:
        line_id = lines.get((row.unit_id, row.criterion_id))
        if line_id is not None:
            url = _line_url(user, line_id)
        elif row.is_file:
            url = url_for("evidence.download", evidence_id=row.id)
        else:
            continue
        detail = " · ".join(filter(None, (units.get(row.unit_id), row.criterion.code, row.doc_number)))
        hits.append(Hit(row.display_name, url, detail,
                        row.original_name if row.title and row.original_name else ""))
    return hits


def _names(model, ids) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, model.short_name).where(model.id.in_(ids))).all())


def _nomination_hits(_user, ids):
    return [Hit(nomination.nominee, url_for("nominations.edit", nomination_id=nomination.id),
                " · ".join(filter(None, (nomination.award_type.name, nomination.unit.short_name))))
            for nomination in _load(Nomination, ids, joinedload(Nomination.unit), joinedload(Nomination.award_type))]


def _comment_url(user, comment: Comment) -> str | None:
    if comment.subject_type == "nomination":
        return url_for("nominations.edit", nomination_id=comment.subject_id)
    if comment.subject_type == "score_line":
        return _line_url(user, comment.subject_id)
    if comment.subject_type == "registration":
        if user.role is Role.UNIT_OFFICER:
            return url_for("workspace.pledges")
        return url_for("review.item", kind="registration", subject_id=comment.subject_id)
    return None


def _comment_hits(user, ids):
    comments = _load(Comment, ids, joinedload(Comment.author))
    units = _names(Unit, {row.unit_id for row in comments})
    hits = []
    for comment in comments:
        url = _comment_url(user, comment)
        if url is None:
            continue
        body = comment.body if len(comment.body) <= 160 else comment.body[:157].rstrip() + "…"
        hits.append(Hit(body, url, " · ".join(filter(None, (comment.author.full_name, units.get(comment.unit_id))))))
    return hits


_HITS = {"unit": _unit_hits, "criterion": _criterion_hits, "evidence": _evidence_hits,
         "nomination": _nomination_hits, "comment": _comment_hits}
