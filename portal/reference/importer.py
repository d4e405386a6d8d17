"""Import of reference data (clusters, units, criteria, award types) from CSV files.

Everything is parsed and validated first; only a clean set is written, in one transaction.
Every problem names its file, line and column.  The format is that of ``reference/data/2025``.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask_babel import gettext as _

from portal import live
from portal.extensions import db
from portal.models import (
    GROUP_OF,
    AwardLevel,
    AwardType,
    Campaign,
    CampaignState,
    Classification,
    Cluster,
    Criterion,
    CriterionKind,
    NomineeKind,
    Unit,
    UnitKind,
)
from portal.workflow import ensure_campaign_open_for_changes
from portal.workspace.services import prepare_officers_workspaces

FILE_PATTERNS = {
    "clusters": "clusters-{year}.csv",
    "units": "units-{year}.csv",
    "criteria": "criteria-{year}.csv",
    "award_types": "award-types-{year}.csv",
}
COLUMNS = {
    "clusters": ["code", "name", "description"],
    "units": ["code", "name", "short_name", "kind", "cluster", "valid_from", "valid_to"],
    "criteria": ["code", "parent", "kind", "title", "max_points", "evidence_required", "guidance"],
    "award_types": [
        "code", "name", "nominee", "level", "rule_cluster_rank_max", "rule_min_classification",
        "rule_max_per_cluster", "rule_min_service_years", "rule_consecutive_excellent_years",
        "vote_threshold_percent", "required_documents",
    ],
}
YES = {"yes", "y", "true", "1", "có", "x"}
NO = {"no", "n", "false", "0", "không", ""}
STEP = Decimal("0.25")
MAX_CODE = 32


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("%(file)s, line %(line)d, column %(column)s: %(message)s",
                 file=self.file, line=self.line, column=self.column, message=self.message)


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass
class Row:
    """One CSV record with where it came from."""

    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)


class _Checker:
    """Collects problems while the rows are converted to values."""

    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, row: Row, column: str, message: str) -> None:
        self.problems.append(Problem(row.file, row.line, column, message))

    def text(self, row: Row, column: str, max_len: int, required: bool = True) -> str:
        value = row[column]
        if required and not value:
            self.add(row, column, _("a value is required"))
        elif len(value) > max_len:
            self.add(row, column, _("longer than %(n)d characters", n=max_len))
        return value

    def choice(self, row: Row, column: str, enum_cls, required: bool = True):
        value = row[column]
        if not value and not required:
            return None
        try:
            return enum_cls(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum_cls)
            self.add(row, column, _("'%(value)s' is not one of: %(allowed)s", value=value, allowed=allowed))
            return None

    def day(self, row: Row, column: str, required: bool = True) -> date | None:
        value = row[column]
        if not value:
            if required:
                self.add(row, column, _("a date is required (YYYY-MM-DD)"))
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.add(row, column, _("'%(value)s' is not a date (YYYY-MM-DD)", value=value))
            return None

    def points(self, row: Row, column: str) -> Decimal | None:
        value = row[column].replace(",", ".")
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.add(row, column, _("'%(value)s' is not a number", value=row[column]))
            return None
        if not number.is_finite() or number < 0 or number % STEP != 0 or number >= 10000:
            self.add(row, column, _("'%(value)s' must be a number from 0 in steps of 0.25", value=row[column]))
            return None
        return number

    def whole(self, row: Row, column: str) -> int | None:
        value = row[column]
        if not value:
            return None
        if not value.isdigit() or int(value) > 1000:
            self.add(row, column, _("'%(value)s' must be a whole number from 0 to 1000", value=value))
            return None
        return int(value)

    def flag(self, row: Row, column: str) -> bool:
        value = row[column].lower()
        if value in YES:
            return True
        if value not in NO:
            self.add(row, column, _("'%(value)s' must be yes or no", value=row[column]))
        return False

    def unique(self, rows: list[Row], column: str = "code") -> None:
        seen: dict[str, int] = {}
        for row in rows:
            key = row[column]
            if key in seen:
                self.add(row, column, _("'%(value)s' already appears on line %(line)d", value=key, line=seen[key]))
            elif key:
                seen[key] = row.line


def read_rows(path: Path, kind: str, checker: _Checker) -> list[Row]:
    name = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in COLUMNS[kind] if c not in header]
            for column in missing:
                checker.problems.append(Problem(name, 1, column, _("this column is missing")))
            if missing:
                return []
            return [Row(name, reader.line_num, record) for record in reader if any((v or "").strip() for v in record.values())]
    except FileNotFoundError:
        checker.problems.append(Problem(name, 0, "-", _("the file does not exist")))
    except UnicodeDecodeError:
        checker.problems.append(Problem(name, 0, "-", _("the file is not UTF-8 text")))
    except csv.Error as exc:
        checker.problems.append(Problem(name, 0, "-", str(exc)))
    return []


@dataclass
class Parsed:
    clusters: list[dict]
    units: list[dict]
    criteria: list[dict]
    award_types: list[dict]


def parse_directory(directory: Path, year: int, scale: Decimal = Decimal(100)) -> Parsed:
    """Read and validate all four files; raise :class:`ImportFailed` listing every problem."""
    check = _Checker()
    rows = {kind: read_rows(directory / pattern.format(year=year), kind, check)
            for kind, pattern in FILE_PATTERNS.items()}
    parsed = Parsed(
        clusters=_parse_clusters(rows["clusters"], check),
        units=[],
        criteria=_parse_criteria(rows["criteria"], check, scale),
        award_types=_parse_award_types(rows["award_types"], check),
    )
    known_clusters = {c["code"] for c in parsed.clusters} | set(
        db.session.execute(db.select(Cluster.code)).scalars()
    )
    parsed.units = _parse_units(rows["units"], check, known_clusters)
    if check.problems:
        raise ImportFailed(check.problems)
    return parsed


def _parse_clusters(rows: list[Row], check: _Checker) -> list[dict]:
    check.unique(rows)
    return [
        {
            "code": check.text(row, "code", MAX_CODE),
            "name": check.text(row, "name", 200),
            "description": check.text(row, "description", 2000, required=False),
        }
        for row in rows
    ]


def _parse_units(rows: list[Row], check: _Checker, known_clusters: set[str]) -> list[dict]:
    check.unique(rows)
    units = []
    for row in rows:
        kind = check.choice(row, "kind", UnitKind)
        cluster = row["cluster"]
        if cluster and cluster not in known_clusters:
            check.add(row, "cluster", _("unknown cluster '%(value)s'", value=cluster))
        elif not cluster and kind not in (None, UnitKind.PROVINCIAL_BOARD):
            check.add(row, "cluster", _("a ranked unit needs a cluster"))
        valid_from = check.day(row, "valid_from")
        valid_to = check.day(row, "valid_to", required=False)
        if valid_from and valid_to and valid_to < valid_from:
            check.add(row, "valid_to", _("ends before it starts"))
        units.append({
            "code": check.text(row, "code", MAX_CODE),
            "name": check.text(row, "name", 200),
            "short_name": check.text(row, "short_name", 100, required=False) or row["name"][:100],
            "kind": kind,
            "cluster": cluster or None,
            "valid_from": valid_from,
            "valid_to": valid_to,
        })
    return units


def _parse_criteria(rows: list[Row], check: _Checker, scale: Decimal) -> list[dict]:
    check.unique(rows)
    by_code = {row["code"]: row for row in rows}
    criteria = []
    for row in rows:
        kind = check.choice(row, "kind", CriterionKind)
        parent = row["parent"]
        if kind is not None and kind.is_group and parent:
            check.add(row, "parent", _("a group cannot have a parent"))
        elif kind is not None and not kind.is_group:
            parent_row = by_code.get(parent)
            if not parent:
                check.add(row, "parent", _("an item needs a parent group"))
            elif parent_row is None:
                check.add(row, "parent", _("unknown parent '%(value)s'", value=parent))
            elif parent_row["kind"] != GROUP_OF[kind].value:
                check.add(row, "parent", _("'%(value)s' is not a group of kind %(kind)s",
                                           value=parent, kind=GROUP_OF[kind].value))
        criteria.append({
            "code": check.text(row, "code", MAX_CODE),
            "parent": parent or None,
            "kind": kind,
            "title": check.text(row, "title", 1000),
            "max_points": check.points(row, "max_points"),
            "evidence_required": check.flag(row, "evidence_required"),
            "guidance": check.text(row, "guidance", 4000, required=False),
            "row": row,
        })
    if not check.problems:
        _check_sums(criteria, check, scale)
    for criterion in criteria:
        del criterion["row"]
    return criteria


def _check_sums(criteria: list[dict], check: _Checker, scale: Decimal) -> None:
    """Items add up to their group; groups add up to the scale; bonus/deduction items fit their cap."""
    groups = [c for c in criteria if c["kind"].is_group]
    for group in groups:
        children = [c for c in criteria if c["parent"] == group["code"]]
        total = sum((c["max_points"] for c in children), Decimal(0))
        if not children:
            check.add(group["row"], "code", _("group '%(code)s' has no items", code=group["code"]))
        elif group["kind"] is CriterionKind.GROUP and total != group["max_points"]:
            check.add(group["row"], "max_points", _(
                "the items of group '%(code)s' add up to %(total)s, not its maximum %(max)s",
                code=group["code"], total=_num(total), max=_num(group["max_points"])))
        elif group["kind"] is not CriterionKind.GROUP:
            for child in children:
                if child["max_points"] > group["max_points"]:
                    check.add(child["row"], "max_points", _(
                        "%(value)s is above the cap %(cap)s of '%(code)s'",
                        value=_num(child["max_points"]), cap=_num(group["max_points"]), code=group["code"]))
    scored = [g for g in groups if g["kind"] is CriterionKind.GROUP]
    total = sum((g["max_points"] for g in scored), Decimal(0))
    if scored and total != scale:
        check.add(scored[-1]["row"], "max_points", _(
            "the task groups add up to %(total)s, not the campaign's scale %(scale)s",
            total=_num(total), scale=_num(scale)))


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _parse_award_types(rows: list[Row], check: _Checker) -> list[dict]:
    check.unique(rows)
    award_types = []
    for row in rows:
        threshold = check.points(row, "vote_threshold_percent")
        if threshold is not None and not (0 < threshold <= 100):
            check.add(row, "vote_threshold_percent", _("must be above 0 and at most 100"))
        documents = [d.strip() for d in row["required_documents"].split(";") if d.strip()]
        award_types.append({
            "code": check.text(row, "code", MAX_CODE),
            "name": check.text(row, "name", 300),
            "nominee": check.choice(row, "nominee", NomineeKind),
            "level": check.choice(row, "level", AwardLevel),
            "rule_cluster_rank_max": check.whole(row, "rule_cluster_rank_max"),
            "rule_min_classification": check.choice(row, "rule_min_classification", Classification, required=False),
            "rule_max_per_cluster": check.whole(row, "rule_max_per_cluster"),
            "rule_min_service_years": check.whole(row, "rule_min_service_years"),
            "rule_consecutive_excellent_years": check.whole(row, "rule_consecutive_excellent_years"),
            "vote_threshold_percent": threshold,
            "required_documents": documents,
        })
    return award_types


def default_campaign(year: int) -> Campaign:
    return Campaign(
        year=year,
        name=_("Emulation campaign %(year)d", year=year),
        state=CampaignState.DRAFT,
        registration_deadline=date(year, 3, 31),
        reporting_deadline=date(year, 11, 30),
        review_end=date(year, 12, 15),
    )


def import_directory(directory: Path, year: int) -> Summary:
    """Validate, then write everything in the caller's transaction (insert or update by code)."""
    campaign = db.session.execute(db.select(Campaign).where(Campaign.year == year)).scalar_one_or_none()
    return write_reference(parse_directory(directory, year, campaign.scale if campaign else Decimal(100)), year)


def write_reference(parsed: Parsed, year: int) -> Summary:
    """Write reference data that :func:`parse_directory` validated into ``year``'s campaign."""
    campaign = db.session.execute(db.select(Campaign).where(Campaign.year == year)).scalar_one_or_none()
    ensure_campaign_open_for_changes(campaign)
    if campaign is None:
        campaign = default_campaign(year)
        db.session.add(campaign)
    clusters = _upsert(Cluster, parsed.clusters, {})
    # An end recorded in the portal (the units page) stays when a file leaves ``valid_to`` empty.
    ended = dict(db.session.execute(db.select(Unit.code, Unit.valid_to).where(Unit.valid_to.is_not(None))).all())
    units = [dict(u, cluster=clusters.get(u["cluster"]) or _existing_cluster(u["cluster"]),
                  valid_to=u["valid_to"] or ended.get(u["code"]))
             for u in parsed.units]
    _upsert(Unit, units, {})
    _write_criteria(campaign, parsed.criteria)
    _upsert(AwardType, [dict(a, position=i) for i, a in enumerate(parsed.award_types)],
            {"campaign": campaign})
    prepare_officers_workspaces(campaign)  # a new year imported after the accounts exist
    live.bump(live.SCOREBOARD)  # names, clusters and criteria show on the scoreboard: re-render it
    return Summary({"clusters": len(parsed.clusters), "units": len(parsed.units),
                    "criteria": len(parsed.criteria), "award_types": len(parsed.award_types)})


def _existing_cluster(code: str | None) -> Cluster | None:
    if code is None:
        return None
    return db.session.execute(db.select(Cluster).where(Cluster.code == code)).scalar_one()


def _upsert(model, records: list[dict], scope: dict) -> dict[str, object]:
    """Insert or update rows of ``model`` by code within ``scope``; return them by code."""
    stmt = db.select(model)
    for attr, value in scope.items():
        if value.id is not None:
            stmt = stmt.where(getattr(model, f"{attr}_id") == value.id)
        else:
            stmt = stmt.where(False)
    existing = {obj.code: obj for obj in db.session.execute(stmt).scalars()}
    result = {}
    for record in records:
        obj = existing.get(record["code"])
        if obj is None:
            obj = model(**scope)
            db.session.add(obj)
        for key, value in record.items():
            setattr(obj, key, value)
        result[record["code"]] = obj
    db.session.flush()
    return result


def _write_criteria(campaign: Campaign, records: list[dict]) -> None:
    rows = [dict({k: v for k, v in r.items() if k != "parent"}, position=i) for i, r in enumerate(records)]
    by_code = _upsert(Criterion, rows, {"campaign": campaign})
    for record in records:
        by_code[record["code"]].parent = by_code.get(record["parent"]) if record["parent"] else None
    stale = set(c.code for c in campaign.criteria) - set(by_code)
    for criterion in list(campaign.criteria):
        if criterion.code in stale:
            db.session.delete(criterion)
    db.session.flush()
