"""The scoreboard as an XLSX workbook: an overall sheet and one per cluster, with the breakdown."""
from __future__ import annotations

import io
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portal.labels import classification_label

HEADER_FILL = PatternFill("solid", fgColor="A51D24")


def _sheet(workbook, title: str, rows: list[dict], rank_key: str) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    groups = rows[0]["groups"] if rows else []
    header = [_("Rank"), _("Unit"), _("Cluster"), _("Total"), _("Classification")]
    header += [f'{g["code"]} (/{Decimal(g["maximum"]):g})' for g in groups]
    header += [_("Bonus"), _("Deductions"), _("Provisional"), _("Approved items"), _("Submitted items"), _("All items")]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in sorted(rows, key=lambda r: (r[rank_key], r["code"])):
        sheet.append([row[rank_key], row["name"], row["cluster"], float(row["total"]),
                      classification_label(row["classification"])]
                     + [float(g["approved"]) for g in row["groups"]]
                     + [float(row["bonus"]), float(row["deductions"]), float(row["provisional"]),
                        row["approved_items"], row["submitted_items"], row["total_items"]])
    widths = [7, 44, 28, 9, 30] + [10] * len(groups) + [9, 9, 11, 10, 10, 10]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"


def scoreboard_workbook(campaign_name: str, rows: list[dict]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, _("Overall"), rows, "rank")
    clusters: dict[str, list[dict]] = {}
    for row in rows:
        clusters.setdefault(row["cluster"], []).append(row)
    for name, members in sorted(clusters.items()):
        _sheet(workbook, name, members, "cluster_rank")
    workbook.properties.title = campaign_name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
