"""The objects of audit events by name (a unit and a criterion's code and title, "Campaign 2025", an account's username),
with the address of their page where one exists — one query per kind of object on the page."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from portal.extensions import db
from portal.labels import kind_label
from portal.models import (
    AwardType,
    Campaign,
    Cluster,
    Criterion,
    FinalResult,
    Nomination,
    Registration,
    ReviewLevel,
    ScoreLine,
    Unit,
    User,
)

TITLE_MAX = 70


@dataclass(frozen=True)
class Subject:
    text: str
    url: str | None = None
    kind: str = ""  # the kind of object, where the text does not already say it


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= TITLE_MAX else text[:TITLE_MAX].rstrip() + "…"


def _rows(stmt) -> list:
    return db.session.execute(stmt).all()


def _score_lines(ids):
    stmt = (sa.select(ScoreLine.id, Unit.short_name, Criterion.code, Criterion.title, Campaign.year)
            .join(Unit, Unit.id == ScoreLine.unit_id).join(Criterion, Criterion.id == ScoreLine.criterion_id)
            .join(Campaign, Campaign.id == ScoreLine.campaign_id).where(ScoreLine.id.in_(ids)))
    return {r.id: Subject(f"{r.short_name} · {r.code} {_short(r.title)} ({r.year})",
                          url_for("review.item", kind="score_line", subject_id=r.id)) for r in _rows(stmt)}


def _registrations(ids):
    stmt = (sa.select(Registration.id, Unit.short_name, Campaign.year).join(Unit, Unit.id == Registration.unit_id)
            .join(Campaign, Campaign.id == Registration.campaign_id).where(Registration.id.in_(ids)))
    return {r.id: Subject(_("Registration of %(unit)s, %(year)s", unit=r.short_name, year=r.year),
                          url_for("review.item", kind="registration", subject_id=r.id)) for r in _rows(stmt)}


def _nominations(ids):
    stmt = (sa.select(Nomination.id, Nomination.nominee_name, Unit.short_name, AwardType.name, Campaign.year)
            .join(Unit, Unit.id == Nomination.unit_id).join(AwardType, AwardType.id == Nomination.award_type_id)
            .join(Campaign, Campaign.id == Nomination.campaign_id).where(Nomination.id.in_(ids)))
    return {r.id: Subject(_("%(award)s for %(nominee)s (%(unit)s, %(year)s)", award=r.name,
                            nominee=r.nominee_name or r.short_name, unit=r.short_name, year=r.year),
                          url_for("nominations.edit", nomination_id=r.id)) for r in _rows(stmt)}


def _users(ids):
    stmt = sa.select(User.id, User.username, User.full_name).where(User.id.in_(ids))
    return {r.id: Subject(_("Account %(username)s (%(name)s)", username=r.username, name=r.full_name),
                          url_for("admin.edit", user_id=r.id)) for r in _rows(stmt)}


def _campaigns(ids):
    stmt = sa.select(Campaign.id, Campaign.year).where(Campaign.id.in_(ids))
    return {r.id: Subject(_("Campaign %(year)s", year=r.year), url_for("campaign.edit", campaign_id=r.id))
            for r in _rows(stmt)}


def _scoreboards(ids):
    stmt = sa.select(Campaign.id, Campaign.year, Campaign.is_current).where(Campaign.id.in_(ids))
    # the ceremony control works on the current campaign only
    return {r.id: Subject(_("Scoreboard %(year)s", year=r.year), url_for("ceremony.control") if r.is_current else None)
            for r in _rows(stmt)}


def _final_results(ids):
    stmt = (sa.select(FinalResult.id, Campaign.year, Campaign.is_current)
            .join(Campaign, Campaign.id == FinalResult.campaign_id).where(FinalResult.id.in_(ids)))
    return {r.id: Subject(_("Final result %(year)s", year=r.year),
                          url_for("results.page", **({} if r.is_current else {"year": r.year}))) for r in _rows(stmt)}


def _criteria(ids):
    stmt = (sa.select(Criterion.id, Criterion.code, Criterion.title, Campaign.year)
            .join(Campaign, Campaign.id == Criterion.campaign_id).where(Criterion.id.in_(ids)))
    return {r.id: Subject(_("Criterion %(code)s %(title)s (%(year)s)", code=r.code, title=_short(r.title), year=r.year),
                          url_for("criteria.edit", criterion_id=r.id)) for r in _rows(stmt)}


def _units(ids):
    stmt = sa.select(Unit.id, Unit.name).where(Unit.id.in_(ids))
    return {r.id: Subject(r.name, url_for("orgs.edit_unit", unit_id=r.id)) for r in _rows(stmt)}


def _clusters(ids):
    stmt = sa.select(Cluster.id, Cluster.name).where(Cluster.id.in_(ids))
    return {r.id: Subject(r.name, url_for("orgs.edit_cluster", cluster_id=r.id)) for r in _rows(stmt)}


def _award_types(ids):
    stmt = (sa.select(AwardType.id, AwardType.name, AwardType.campaign_id, Campaign.year)
            .join(Campaign, Campaign.id == AwardType.campaign_id).where(AwardType.id.in_(ids)))
    return {r.id: Subject(f"{r.name} ({r.year})", url_for("awards.edit", campaign_id=r.campaign_id, award_id=r.id))
            for r in _rows(stmt)}


def _review_levels(ids):
    stmt = (sa.select(ReviewLevel.id, ReviewLevel.name, ReviewLevel.position, Campaign.year)
            .join(Campaign, Campaign.id == ReviewLevel.campaign_id).where(ReviewLevel.id.in_(ids)))
    return {r.id: Subject(f"{r.position}. {_short(r.name)} ({r.year})",
                          url_for("chain_admin.edit", level_id=r.id)) for r in _rows(stmt)}


RESOLVERS = {"score_line": _score_lines, "registration": _registrations, "nomination": _nominations,
             "user": _users, "campaign": _campaigns, "scoreboard": _scoreboards, "criterion": _criteria,
             "final_result": _final_results,
             "unit": _units, "cluster": _clusters, "award_type": _award_types, "review_level": _review_levels}


def _gone(event) -> Subject:
    """An object removed since (a criterion, an award type): named from what the event recorded."""
    if event.subject_id is None:
        return Subject(kind_label(event.subject_type))
    recorded = {**(event.before or {}), **(event.after or {})}
    name = recorded.get("name") or " ".join(str(recorded[k]) for k in ("code", "title") if recorded.get(k))
    kind = kind_label(event.subject_type)
    return Subject(_("%(kind)s %(name)s (removed)", kind=kind, name=_short(name)) if name
                   else _("%(kind)s (removed)", kind=kind))


def describe_subjects(events) -> dict[int, Subject]:
    """Each event's object, by event id."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.subject_id is not None and event.subject_type in RESOLVERS:
            wanted[event.subject_type].add(event.subject_id)
    found = {kind: RESOLVERS[kind](sorted(ids)) for kind, ids in wanted.items()}
    described = {}
    for event in events:
        subject = found.get(event.subject_type, {}).get(event.subject_id) or _gone(event)
        kind = kind_label(event.subject_type)
        if not subject.text.lower().startswith(kind.lower()):
            subject = Subject(subject.text, subject.url, kind)
        described[event.id] = subject
    return described
