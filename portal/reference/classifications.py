"""Import of earlier years' classifications (unit_code,year,classification), which eligibility rules
such as "rated excellent N years in a row" look back on. Validated whole before anything is written."""
from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.extensions import db
from portal.models import Classification, PastClassification, Unit
from portal.reference.importer import ImportFailed, Problem

COLUMNS = ["unit_code", "year", "classification"]


def import_classifications(path: Path) -> int:
    name = path.name
    problems: list[Problem] = []
    units = dict(db.session.execute(sa.select(Unit.code, Unit.id)).all())
    records: dict[tuple[int, int], Classification] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            for column in missing:
                problems.append(Problem(name, 1, column, _("this column is missing")))
            for record in ([] if missing else reader):
                line = reader.line_num
                code, year, value = (record.get(c, "").strip() for c in COLUMNS)
                if code not in units:
                    problems.append(Problem(name, line, "unit_code", _("there is no unit with code '%(code)s'", code=code)))
                if not year.isdigit() or not 1990 <= int(year) <= 2100:
                    problems.append(Problem(name, line, "year", _("'%(value)s' is not a year", value=year)))
                try:
                    classification = Classification(value)
                except ValueError:
                    problems.append(Problem(name, line, "classification", _("'%(value)s' is not one of: %(allowed)s",
                                                                         value=value, allowed=", ".join(c.value for c in Classification))))
                    continue
                if code in units and year.isdigit():
                    key = (units[code], int(year))
                    if key in records:
                        problems.append(Problem(name, line, "year", _("'%(value)s' already appears on line %(line)d",
                                                                   value=f"{code} {year}", line=line)))
                    records[key] = classification
    except FileNotFoundError:
        problems.append(Problem(name, 0, "-", _("the file does not exist")))
    if problems:
        raise ImportFailed(problems)
    for (unit_id, year), classification in records.items():
        row = db.session.execute(sa.select(PastClassification).where(
            PastClassification.unit_id == unit_id, PastClassification.year == year)).scalar_one_or_none()
        if row is None:
            db.session.add(PastClassification(unit_id=unit_id, year=year, classification=classification))
        else:
            row.classification = classification
    return len(records)
