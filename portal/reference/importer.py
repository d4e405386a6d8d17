"""Import of reference data (clusters, units, criteria, award types) from CSV files or XLSX sheets.

Both formats are read into the same :class:`Table` of :class:`Row` s, so validation is one code
path.  Everything is parsed and validated first; only a clean set is written, in one transaction.
Every problem names its file (and sheet), line and column.  The format is that of ``reference/data/2025``.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook

from flask_babel import gettext as _

from portal import live
from portal.awards import rules as award_rules
from portal.criteria_rules import Node, check_sums
from portal.extensions import db
from portal.parsing import has_control_characters
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
    VoteDenominator,
)
from portal.workflow import ensure_campaign_open_for_changes, ensure_result_unlocked
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
# Columns a file may leave out: the field then keeps what the database holds.
OPTIONAL_COLUMNS = {
    "clusters": [],
    "units": [],
    "criteria": ["deadline"],
    "award_types": ["vote_denominator"],
}
# The sheet of each kind in a workbook (the file names without the year).
SHEET_NAMES = {"clusters": "clusters", "units": "units", "criteria": "criteria", "award_types": "award-types"}
MAX_ROWS = 5000
MAX_COLUMNS = 100
BLANK_ROWS_AT_END = 1000
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
class Table:
    """The rows of one kind as read from a CSV file or an XLSX sheet, with the header's columns."""

    file: str
    columns: list[str]
    rows: list[Row]

    def has(self, column: str) -> bool:
        return column in self.columns


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
        elif has_control_characters(value):
            self.add(row, column, _("contains invisible control characters"))
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


def read_path(path: Path, kind: str, checker: _Checker) -> Table | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        checker.problems.append(Problem(path.name, 0, "-", _("the file does not exist")))
        return None
    return read_csv(path.name, data, kind, checker)


# A cell a spreadsheet would run as a formula starts with one of these; written to CSV behind an
# apostrophe (as spreadsheets themselves do), and read back without it, so a round trip is exact.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _from_csv_cell(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def read_csv(name: str, data: bytes, kind: str, checker: _Checker) -> Table | None:
    """A CSV file's rows (UTF-8, a header row); ``None`` with a problem when it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        checker.problems.append(Problem(name, 0, "-", _("the file is not UTF-8 text")))
        return None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [(c or "").strip() for c in reader.fieldnames or []]
        reader.fieldnames = header
        if not _has_columns(name, header, kind, checker):
            return None
        rows = []
        for record in reader:
            if any((v or "").strip() for v in record.values() if isinstance(v, str)):
                rows.append(Row(name, reader.line_num,
                                {k: _from_csv_cell(v) for k, v in record.items() if isinstance(k, str)}))
            if len(rows) > MAX_ROWS:
                checker.problems.append(Problem(name, reader.line_num, "-", _("more than %(n)d rows", n=MAX_ROWS)))
                return None
        return Table(name, header, rows)
    except csv.Error as exc:
        checker.problems.append(Problem(name, 0, "-", str(exc)))
        return None


def _has_columns(name: str, header: list[str], kind: str, checker: _Checker) -> bool:
    missing = [c for c in COLUMNS[kind] if c not in header]
    for column in missing:
        checker.problems.append(Problem(name, 1, column, _("this column is missing")))
    return not missing


def read_xlsx(name: str, data: bytes, checker: _Checker, kind: str | None = None) -> dict[str, Table]:
    """The sheets of an XLSX workbook, by kind.  With ``kind`` (a workbook given for one file) the
    sheet named after that kind is read, else the first one; without it every sheet must be named
    after a kind ("clusters", "units", "criteria", "award-types")."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        checker.problems.append(Problem(name, 0, "-", _("the file is not a readable XLSX workbook")))
        return {}
    try:
        if kind is not None:
            wanted = SHEET_NAMES[kind]
            sheets = [s for s in workbook.worksheets if s.title.strip().lower() == wanted] or workbook.worksheets[:1]
            chosen = {kind: sheets[0]} if sheets else {}
        else:
            by_name = {v: k for k, v in SHEET_NAMES.items()}
            chosen = {}
            for sheet in workbook.worksheets:
                sheet_kind = by_name.get(sheet.title.strip().lower())
                if sheet_kind is None:
                    checker.problems.append(Problem(f"{name} [{sheet.title}]", 0, "-", _(
                        "the sheet's name is not one of: %(allowed)s", allowed=", ".join(SHEET_NAMES.values()))))
                else:
                    chosen[sheet_kind] = sheet
        tables = {}
        for sheet_kind, sheet in chosen.items():
            table = _read_sheet(f"{name} [{sheet.title}]", sheet, sheet_kind, checker)
            if table is not None:
                tables[sheet_kind] = table
        return tables
    except Exception:
        checker.problems.append(Problem(name, 0, "-", _("the file is not a readable XLSX workbook")))
        return {}
    finally:
        workbook.close()


def _read_sheet(name: str, sheet, kind: str, checker: _Checker) -> Table | None:
    lines = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    first = next(lines, None) or ()
    header = [_cell_text(v) for v in first]
    if not _has_columns(name, header, kind, checker):
        return None
    rows = []
    blank_run = 0
    for number, values in enumerate(lines, start=2):
        texts = [_cell_text(v) for v in values]
        if any(t.strip() for t in texts):
            rows.append(Row(name, number, {c: t for c, t in zip(header, texts) if c}))
            blank_run = 0
        else:
            blank_run += 1
            if blank_run > BLANK_ROWS_AT_END:  # formatted but empty rows down the sheet: the data has ended
                break
        if len(rows) > MAX_ROWS:
            checker.problems.append(Problem(name, number, "-", _("more than %(n)d rows", n=MAX_ROWS)))
            return None
    return Table(name, header, rows)


def _cell_text(value) -> str:
    """A cell as the text a CSV file would hold: 8.0 → "8", a date → "2025-01-01", TRUE → "yes"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


@dataclass
class Parsed:
    """Validated records by kind; ``None`` for a kind that was not given (it is left as it is)."""

    clusters: list[dict] | None = None
    units: list[dict] | None = None
    criteria: list[dict] | None = None
    award_types: list[dict] | None = None


def parse_directory(directory: Path, year: int, scale: Decimal = Decimal(100)) -> Parsed:
    """Read and validate all four files; raise :class:`ImportFailed` listing every problem."""
    check = _Checker()
    tables = {kind: read_path(directory / pattern.format(year=year), kind, check)
              for kind, pattern in FILE_PATTERNS.items()}
    return parse_tables({k: t or Table("", [], []) for k, t in tables.items()}, scale, check)


def parse_tables(tables: dict[str, Table], scale: Decimal, check: _Checker | None = None) -> Parsed:
    """Validate the tables given (any subset of the four kinds), together with the problems
    ``check`` already holds from reading them; raise :class:`ImportFailed` listing every problem."""
    check = check or _Checker()
    parsed = Parsed()
    if "clusters" in tables:
        parsed.clusters = _parse_clusters(tables["clusters"].rows, check)
    if "criteria" in tables:
        parsed.criteria = _parse_criteria(tables["criteria"], check, scale)
    if "award_types" in tables:
        parsed.award_types = _parse_award_types(tables["award_types"], check)
    if "units" in tables:
        known_clusters = {c["code"] for c in parsed.clusters or []} | set(
            db.session.execute(db.select(Cluster.code)).scalars()
        )
        parsed.units = _parse_units(tables["units"].rows, check, known_clusters)
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


def _parse_criteria(table: Table, check: _Checker, scale: Decimal) -> list[dict]:
    rows = table.rows
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
        if table.has("deadline"):
            criteria[-1]["deadline"] = check.day(row, "deadline", required=False)
    if not check.problems:
        _check_sums(criteria, check, scale)
    for criterion in criteria:
        del criterion["row"]
    return criteria


def _check_sums(criteria: list[dict], check: _Checker, scale: Decimal) -> None:
    """The tree's sums (:func:`portal.criteria_rules.check_sums`), each problem on its row."""
    rows = {c["code"]: c["row"] for c in criteria}
    nodes = [Node(c["code"], c["kind"], c["max_points"], c["parent"]) for c in criteria]
    for problem in check_sums(nodes, scale):
        check.add(rows[problem.code], problem.column, problem.message)


def _parse_award_types(table: Table, check: _Checker) -> list[dict]:
    rows = table.rows
    check.unique(rows)
    award_types = []
    for row in rows:
        threshold = check.points(row, "vote_threshold_percent")
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
        if table.has("vote_denominator"):
            award_types[-1]["vote_denominator"] = (
                check.choice(row, "vote_denominator", VoteDenominator, required=False) or VoteDenominator.ALL_MEMBERS)
        for column, message in award_rules.problems(award_types[-1]):  # the same rules as the admin's form
            check.add(row, column, message)
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
    ensure_result_unlocked(campaign)  # the approved final result's criteria and units stay as approved
    if campaign is None:
        campaign = default_campaign(year)
        db.session.add(campaign)
    clusters = _upsert(Cluster, parsed.clusters or [], {})
    if parsed.units is not None:
        _upsert(Unit, [dict(u, cluster=clusters.get(u["cluster"]) or _existing_cluster(u["cluster"]),
                            valid_to=kept_end(u)) for u in parsed.units], {})
    if parsed.criteria is not None:
        _write_criteria(campaign, parsed.criteria)
    if parsed.award_types is not None:
        _upsert(AwardType, [dict(a, position=i) for i, a in enumerate(parsed.award_types)],
                {"campaign": campaign})
    prepare_officers_workspaces(campaign)  # a new year imported after the accounts exist
    live.bump(live.SCOREBOARD)  # names, clusters and criteria show on the scoreboard: re-render it
    return Summary({kind: len(getattr(parsed, kind)) for kind in FILE_PATTERNS
                    if getattr(parsed, kind) is not None})


def kept_end(unit: dict) -> date | None:
    """A unit's end as written: an end recorded in the portal (the units page) stays when the file
    leaves ``valid_to`` empty."""
    if unit["valid_to"] is not None:
        return unit["valid_to"]
    return db.session.scalar(db.select(Unit.valid_to).where(Unit.code == unit["code"]))


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
