"""Reference data in the browser: reading the uploaded files, the preview of what an import would
create, change and remove, applying it all or nothing, and the download in the same formats.

The preview is computed from the rows kept on the server (:class:`ReferenceUpload`), never from
anything the client sends back; confirming validates them again and refuses when the preview the
administrator saw is no longer what would happen.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.audit.services import append
from portal.extensions import db
from portal.models import (
    AwardType,
    Base,
    Campaign,
    Cluster,
    Commitment,
    Criterion,
    ReferenceUpload,
    ScoreLine,
    ScoreState,
    Unit,
    utcnow,
)
from portal.reference.importer import (
    COLUMNS,
    FILE_PATTERNS,
    OPTIONAL_COLUMNS,
    SHEET_NAMES,
    ImportFailed,
    Parsed,
    Problem,
    Row,
    Table,
    _Checker,
    csv_cell,
    kept_end,
    parse_tables,
    read_csv,
    read_xlsx,
    write_reference,
)
from portal.workflow import WorkflowError, ensure_campaign_open_for_changes, ensure_result_unlocked
from portal.xlsx import append_row, header_row, new_workbook, workbook_bytes

KINDS = tuple(FILE_PATTERNS)  # clusters, units, criteria, award_types — the order they are applied in
WORKBOOK = "workbook"  # the form's slot for one XLSX holding a sheet per kind
UPLOAD_LIFETIME = timedelta(days=1)
KIND_TITLES = {
    "clusters": _l("Clusters"),
    "units": _l("Units"),
    "criteria": _l("Criteria"),
    "award_types": _l("Award types"),
}
# What a row that keeps a unit, cluster, criterion or award type from being removed is, for the message.
TABLE_TITLES = {
    "user_account": _l("accounts"),
    "registration": _l("registrations"),
    "commitment": _l("pledges"),
    "progress_note": _l("progress notes"),
    "score_line": _l("scores"),
    "evidence": _l("evidence"),
    "queue_item": _l("review items"),
    "comment": _l("comments"),
    "notification": _l("notifications"),
    "audit_event": _l("audit events"),
    "nomination": _l("nominations"),
    "nomination_document": _l("dossier documents"),
    "past_classification": _l("earlier classifications"),
    "unit": _l("units"),
}


# --- Reading the uploaded files -------------------------------------------------------------------

def read_uploads(files: dict[str, tuple[str, bytes]], max_size: int) -> tuple[dict[str, Table], list[Problem]]:
    """The tables of the files given by form slot (a kind, or :data:`WORKBOOK`) as (name, bytes)."""
    check = _Checker()
    tables: dict[str, Table] = {}
    for slot, (name, data) in files.items():
        lower = name.lower()
        if len(data) > max_size:
            check.problems.append(Problem(name, 0, "-", _("the file is larger than %(size)s MB",
                                                           size=megabytes(max_size))))
            continue
        if lower.endswith(".csv") and slot != WORKBOOK:
            found = {slot: read_csv(name, data, slot, check)}
        elif lower.endswith(".xlsx"):
            found = read_xlsx(name, data, check, kind=None if slot == WORKBOOK else slot)
        else:
            allowed = _("an XLSX workbook") if slot == WORKBOOK else _("a CSV file or an XLSX workbook")
            check.problems.append(Problem(name, 0, "-", _("this is not %(allowed)s", allowed=allowed)))
            continue
        for kind, table in found.items():
            if table is None:
                continue
            if kind in tables:
                check.problems.append(Problem(table.file, 0, "-", _(
                    "the %(kind)s are given twice (also in %(other)s)", kind=KIND_TITLES[kind], other=tables[kind].file)))
            else:
                tables[kind] = table
    return tables, check.problems


def megabytes(size: int) -> str:
    return format(Decimal(size) / (1024 * 1024), "f").rstrip("0").rstrip(".")


# What each file column is called on the preview (the column's own name is shown beside it).
COLUMN_LABELS = {
    "code": _l("Code"), "name": _l("Name"), "description": _l("Description"), "short_name": _l("Short name"),
    "kind": _l("Kind"), "cluster": _l("Cluster"), "valid_from": _l("Working from"), "valid_to": _l("Last working day"),
    "parent": _l("Group"), "title": _l("Criterion title"), "max_points": _l("Maximum"),
    "evidence_required": _l("Evidence required"), "guidance": _l("Guidance"), "deadline": _l("Own deadline"),
    "nominee": _l("Nominee"), "level": _l("Level"), "rule_cluster_rank_max": _l("Rank in the cluster"),
    "rule_min_classification": _l("Minimum classification"), "rule_max_per_cluster": _l("At most per cluster"),
    "rule_min_service_years": _l("Years of service"),
    "rule_consecutive_excellent_years": _l("Excellent years in a row"),
    "vote_threshold_percent": _l("Vote threshold (%)"), "vote_denominator": _l("Threshold counted on"),
    "required_documents": _l("Required documents"), "position": _l("order in the file"),
}


# --- The text of a record, shared by the download and the preview ----------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def columns_of(kind: str) -> list[str]:
    return COLUMNS[kind] + OPTIONAL_COLUMNS[kind]


def _criteria_in_order(campaign: Campaign) -> list[Criterion]:
    """Each group followed by its items, as the file lists them."""
    every = db.session.execute(db.select(Criterion).where(Criterion.campaign_id == campaign.id)
                               .order_by(Criterion.position, Criterion.id)).scalars().all()
    ordered = []
    for root in (c for c in every if c.parent_id is None):
        ordered.append(root)
        ordered.extend(c for c in every if c.parent_id == root.id)
    return ordered


def current_records(kind: str, campaign: Campaign) -> list[tuple[object, dict]]:
    """The database's rows of ``kind`` (units and clusters are shared by every year) in file order,
    each with its record as the importer's parser would give it."""
    if kind == "clusters":
        clusters = db.session.execute(db.select(Cluster).order_by(Cluster.code)).scalars().all()
        return [(c, {"code": c.code, "name": c.name, "description": c.description}) for c in clusters]
    if kind == "units":
        units = db.session.execute(db.select(Unit).order_by(Unit.code)).scalars().all()
        return [(u, {"code": u.code, "name": u.name, "short_name": u.short_name, "kind": u.kind,
                     "cluster": u.cluster.code if u.cluster else None, "valid_from": u.valid_from,
                     "valid_to": u.valid_to}) for u in units]
    if kind == "criteria":
        criteria = _criteria_in_order(campaign)
        codes = {c.id: c.code for c in criteria}
        return [(c, {"code": c.code, "parent": codes.get(c.parent_id), "kind": c.kind, "title": c.title,
                     "max_points": c.max_points, "evidence_required": c.evidence_required,
                     "guidance": c.guidance, "deadline": c.deadline}) for c in criteria]
    award_types = db.session.execute(db.select(AwardType).where(AwardType.campaign_id == campaign.id)
                                     .order_by(AwardType.position, AwardType.id)).scalars().all()
    return [(a, {column: getattr(a, column) for column in columns_of("award_types")}) for a in award_types]


# --- The download ---------------------------------------------------------------------------------

def export_zip(campaign: Campaign) -> bytes:
    """The four CSV files of ``campaign``, named as the importer expects, in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in KINDS:
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(columns_of(kind))
            for _obj, record in current_records(kind, campaign):
                writer.writerow([csv_cell(_text(record[c])) for c in columns_of(kind)])
            # With a byte-order mark, so that Excel opens the Vietnamese text as UTF-8.
            archive.writestr(FILE_PATTERNS[kind].format(year=campaign.year), text.getvalue().encode("utf-8-sig"))
    return buffer.getvalue()


NUMBER_COLUMNS = {"max_points", "vote_threshold_percent", "rule_cluster_rank_max", "rule_max_per_cluster",
                  "rule_min_service_years", "rule_consecutive_excellent_years"}


def export_xlsx(campaign: Campaign) -> bytes:
    """One workbook with a sheet per kind, named as the importer reads them."""
    workbook = new_workbook()
    for kind in KINDS:
        sheet = workbook.create_sheet(SHEET_NAMES[kind])
        header_row(sheet, columns_of(kind), [max(12, len(c) + 4) for c in columns_of(kind)])
        for _obj, record in current_records(kind, campaign):
            append_row(sheet, [_cell(column, record[column]) for column in columns_of(kind)])
        sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)


def _cell(column: str, value):
    """Numbers stay numbers (officials sum them in Excel); everything else is text, codes included."""
    if column in NUMBER_COLUMNS and value is not None:
        return int(value) if value == int(value) else float(value)
    return _text(value)


# --- The preview ----------------------------------------------------------------------------------

@dataclass
class Change:
    code: str
    label: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # column, old text, new text


@dataclass
class KindPlan:
    kind: str
    file: str
    created: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def title(self) -> str:
        return str(KIND_TITLES[self.kind])

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.changed or self.removed)


@dataclass
class Plan:
    campaign: Campaign
    kinds: list[KindPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    parsed: Parsed | None = None

    @property
    def nothing_changes(self) -> bool:
        return not any(k.has_changes for k in self.kinds)

    @property
    def fingerprint(self) -> str:
        """What the administrator was shown: confirming is refused when this has moved on."""
        shown = [[k.kind, [[c.code, c.fields] for c in k.created], [[c.code, c.fields] for c in k.changed],
                  [c.code for c in k.removed], k.unchanged] for k in self.kinds]
        shown.append([str(p) for p in self.problems])
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode("utf-8")).hexdigest()


def plan_import(campaign: Campaign, tables: dict[str, Table]) -> Plan:
    """Validate the tables against the campaign and say what applying them would do."""
    plan = Plan(campaign)
    try:
        plan.parsed = parse_tables(tables, campaign.scale)
    except ImportFailed as failure:
        plan.problems = failure.problems
        return plan
    for kind in KINDS:
        records = getattr(plan.parsed, kind)
        if records is not None:
            plan.kinds.append(_diff(kind, tables[kind].file, records, campaign))
    plan.problems = _blocked_removals(plan)
    return plan


def _label(record: dict) -> str:
    return record.get("name") or record.get("title") or ""


def _diff(kind: str, file: str, records: list[dict], campaign: Campaign) -> KindPlan:
    result = KindPlan(kind, file)
    if kind == "units":  # as the write will do it: an end recorded in the portal stays
        records = [dict(r, valid_to=kept_end(r)) for r in records]
    existing = current_records(kind, campaign)
    by_code = {record["code"]: (obj, record) for obj, record in existing}
    given = {record["code"] for record in records}
    # Criteria and award types are ordered by their place in the file: a row moved among the rows
    # that stay is a change; rows added or removed around it are not.
    kept_before = {code: i for i, code in enumerate(r["code"] for _obj, r in existing if r["code"] in given)}
    kept_after = {code: i for i, code in enumerate(r["code"] for r in records if r["code"] in by_code)}
    ordered = kind in ("criteria", "award_types")
    for record in records:
        found = by_code.get(record["code"])
        if found is None:
            result.created.append(Change(record["code"], _label(record)))
            continue
        old = found[1]
        fields = [(column, _text(old[column]), _text(record[column]))
                  for column in columns_of(kind) if column in record and _text(old[column]) != _text(record[column])]
        before, after = kept_before[record["code"]], kept_after[record["code"]]
        if ordered and before != after:
            fields.append(("position", str(before + 1), str(after + 1)))
        if fields:
            result.changed.append(Change(record["code"], _label(record), fields))
        else:
            result.unchanged += 1
    result.removed = [Change(record["code"], _label(record)) for _obj, record in existing if record["code"] not in given]
    return result


def _removed_objects(plan: Plan, kind: str, campaign: Campaign) -> list:
    kind_plan = next((k for k in plan.kinds if k.kind == kind), None)
    if kind_plan is None or not kind_plan.removed:
        return []
    codes = {c.code for c in kind_plan.removed}
    return [obj for obj, record in current_records(kind, campaign) if record["code"] in codes]


def _references(table_name: str, ids: list[int], skip: set[tuple[str, str]]) -> dict[int, dict[str, int]]:
    """Rows anywhere in the database that point at ``table_name`` rows ``ids``: id -> {table: count}."""
    found: dict[int, dict[str, int]] = {}
    if not ids:
        return found
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name != table_name or (table.name, key.parent.name) in skip:
                continue
            counts = db.session.execute(sa.select(key.parent, sa.func.count()).where(key.parent.in_(ids))
                                        .group_by(key.parent)).all()
            for target_id, count in counts:
                found.setdefault(target_id, {})
                found[target_id][table.name] = found[target_id].get(table.name, 0) + count
    return found


def _blank_score_line():
    return sa.and_(ScoreLine.self_score.is_(None), ScoreLine.approved_score.is_(None),
                   ScoreLine.state == ScoreState.DRAFT, ScoreLine.explanation == "")


def _blank_commitment():
    return sa.and_(Commitment.target_text == "", Commitment.target_value.is_(None), Commitment.target_unit == "")


def _blocked_removals(plan: Plan) -> list[Problem]:
    """A removal that would take units' data with it is refused, each with what holds it."""
    campaign = plan.campaign
    problems = []
    files = {k.kind: k.file for k in plan.kinds}

    def refuse(kind: str, code: str, holders: dict[str, int]) -> None:
        what = ", ".join(f"{count} {TABLE_TITLES.get(name, name)}" for name, count in sorted(holders.items()))
        problems.append(Problem(files[kind], 0, "code", _(
            "'%(code)s' is not in the file but cannot be removed: it still has data (%(what)s)",
            code=code, what=what)))

    criteria = _removed_objects(plan, "criteria", campaign)
    ids = [c.id for c in criteria]
    # A blank workspace row (an empty pledge or score line) goes with its criterion; anything typed keeps it.
    held = _references("criterion", ids, {("criterion", "parent_id"), ("score_line", "criterion_id"),
                                          ("commitment", "criterion_id")})
    for model, blank, title in ((ScoreLine, _blank_score_line(), "score_line"),
                                (Commitment, _blank_commitment(), "commitment")):
        if ids:
            rows = db.session.execute(sa.select(model.criterion_id, sa.func.count())
                                      .where(model.criterion_id.in_(ids), sa.not_(blank))
                                      .group_by(model.criterion_id)).all()
            for criterion_id, count in rows:
                held.setdefault(criterion_id, {})[title] = count
    for criterion in criteria:
        if criterion.id in held:
            refuse("criteria", criterion.code, held[criterion.id])

    award_types = _removed_objects(plan, "award_types", campaign)
    held = _references("award_type", [a.id for a in award_types], set())
    for award_type in award_types:
        if award_type.id in held:
            refuse("award_types", award_type.code, held[award_type.id])

    units = _removed_objects(plan, "units", campaign)
    held = _references("unit", [u.id for u in units], set())
    for unit in units:
        if unit.id in held:
            refuse("units", unit.code, held[unit.id])

    clusters = _removed_objects(plan, "clusters", campaign)
    held = _references("cluster", [c.id for c in clusters], {("unit", "cluster_id")})
    removed_units = {u.code for u in units}
    for cluster in clusters:
        # The units that would still be in the cluster after the import.
        if plan.parsed.units is not None:
            members = [u["code"] for u in plan.parsed.units if u["cluster"] == cluster.code]
        else:
            members = [u.code for u in cluster.units if u.code not in removed_units]
        holders = dict(held.get(cluster.id, {}))
        if members:
            holders["unit"] = len(members)
        if holders:
            refuse("clusters", cluster.code, holders)
    return problems


# --- Keeping an upload between the preview and the confirmation -----------------------------------

def store_upload(campaign: Campaign, tables: dict[str, Table], admin) -> ReferenceUpload:
    """Keep the rows read from the files on the server, under a random token; older uploads go."""
    db.session.execute(sa.delete(ReferenceUpload).where(ReferenceUpload.created_at < utcnow() - UPLOAD_LIFETIME))
    upload = ReferenceUpload(
        token=secrets.token_urlsafe(32), user_id=admin.id, campaign_id=campaign.id,
        tables={kind: {"file": t.file, "columns": t.columns, "rows": [[r.line, r.values] for r in t.rows]}
                for kind, t in tables.items()},
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def upload_for(token: str, admin) -> ReferenceUpload | None:
    """The administrator's own upload (another administrator's token finds nothing)."""
    return db.session.execute(db.select(ReferenceUpload).where(
        ReferenceUpload.token == token, ReferenceUpload.user_id == admin.id,
        ReferenceUpload.created_at >= utcnow() - UPLOAD_LIFETIME)).scalar_one_or_none()


def tables_of(upload: ReferenceUpload) -> dict[str, Table]:
    return {kind: Table(t["file"], t["columns"], [Row(t["file"], line, values) for line, values in t["rows"]])
            for kind, t in upload.tables.items()}


def preview(upload: ReferenceUpload) -> Plan:
    return plan_import(db.session.get(Campaign, upload.campaign_id), tables_of(upload))


def discard_upload(upload: ReferenceUpload) -> None:
    db.session.delete(upload)
    db.session.flush()


# --- Applying -------------------------------------------------------------------------------------

class StalePreview(WorkflowError):
    def __init__(self, plan: Plan):
        super().__init__(_("The reference data changed after this preview was shown (another change was saved "
                           "meanwhile). Nothing was imported; check the new preview below and confirm again."),
                         status=409)
        self.plan = plan


def apply_upload(upload: ReferenceUpload, seen_fingerprint: str, admin) -> Plan:
    """Validate the kept rows again and apply them, all or nothing, if they still do what the
    administrator saw; the upload is used up."""
    campaign = db.session.get(Campaign, upload.campaign_id)
    ensure_campaign_open_for_changes(campaign)
    ensure_result_unlocked(campaign)
    plan = plan_import(campaign, tables_of(upload))
    if plan.fingerprint != seen_fingerprint:
        raise StalePreview(plan)
    if plan.problems:
        raise WorkflowError(_("The files have problems (listed below); nothing was imported."), status=422)
    removed_criteria = [c.id for c in _removed_objects(plan, "criteria", campaign)]
    if removed_criteria:
        db.session.execute(sa.delete(ScoreLine).where(ScoreLine.criterion_id.in_(removed_criteria), _blank_score_line()))
        db.session.execute(sa.delete(Commitment).where(Commitment.criterion_id.in_(removed_criteria), _blank_commitment()))
    removed = {kind: _removed_objects(plan, kind, campaign) for kind in ("award_types", "units", "clusters")}
    write_reference(plan.parsed, campaign.year)
    for kind in ("award_types", "units", "clusters"):
        for obj in removed[kind]:
            db.session.delete(obj)
        db.session.flush()
    append("reference_import", "campaign", campaign.id, admin, after={
        k.kind: {"file": k.file, "created": [c.code for c in k.created], "changed": [c.code for c in k.changed],
                 "removed": [c.code for c in k.removed]} for k in plan.kinds})
    db.session.delete(upload)
    db.session.flush()
    return plan
