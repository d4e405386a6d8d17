"""The scoreboard as an XLSX workbook: an overall sheet and one per cluster, with the breakdown, in
the viewer's language.  Shared ranks are marked, units not fully reviewed read "not yet
classifiable" with a provisional rank; in a review chain of several levels a last column says how
far each unit's scorecard has come.  Every cell is written through ``portal.xlsx``."""
from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import gettext as _

from portal.collation import vi_key
from portal.formatting import fmt_points
from portal.scoreboard.present import classification_text
from portal.scoreboard.progress import stage_text
from portal.scoreboard.services import is_complete
from portal.xlsx import append_row, header_row, new_workbook, workbook_bytes

_NOT_IN_SHEET_TITLES = re.compile(r"[\\*?:/\[\]]")
# Two decimals, the separators the spreadsheet program's own language uses.
POINTS_FORMAT = "#,##0.00"


def _sheet(workbook, title: str, rows: list[dict], rank_key: str, tied_key: str) -> None:
    # A cluster's name is data: characters a sheet title may not hold become "-" (and "'" may not start it).
    sheet = workbook.create_sheet(title=_NOT_IN_SHEET_TITLES.sub("-", title).strip("'")[:31] or "-")
    groups = rows[0]["groups"] if rows else []
    header = [_("Rank"), _("Shared rank"), _("Provisional rank"), _("Unit"), _("Cluster"), _("Total"),
              _("Classification")]
    header += [_("%(code)s. %(title)s (max. %(max)s)", code=g["code"], title=g["title"], max=fmt_points(Decimal(g["maximum"])))
               for g in groups]
    header += [_("Bonus"), _("Deductions"), _("Provisional"), _("Approved items"), _("Submitted items"), _("All items")]
    widths = [7, 9, 11, 44, 28, 9, 30] + [24] * len(groups) + [9, 9, 11, 10, 10, 10]
    chained = any(row.get("chain") for row in rows)  # a review chain of several levels: how far each unit is
    if chained:
        header.append(_("Review progress"))
        widths.append(36)
    header_row(sheet, header, widths)
    yes = _("yes")
    for row in sorted(rows, key=lambda r: (r[rank_key], vi_key(r["name"]), r["code"])):
        append_row(sheet, [row[rank_key], yes if row[tied_key] else None, None if is_complete(row) else yes,
                           row["name"], row["cluster"], float(row["total"]), classification_text(row)]
                   + [float(g["approved"]) for g in row["groups"]]
                   + [float(row["bonus"]), float(row["deductions"]), float(row["provisional"]),
                      row["approved_items"], row["submitted_items"], row["total_items"]]
                   + ([stage_text(row.get("chain"))] if chained else []))
        for column in [6, *range(8, 8 + len(groups) + 3)]:  # points: total, groups, bonus, deductions, provisional
            sheet.cell(row=sheet.max_row, column=column).number_format = POINTS_FORMAT
    sheet.freeze_panes = "E2"


def scoreboard_workbook(campaign_name: str, rows: list[dict]) -> bytes:
    workbook = new_workbook()
    _sheet(workbook, _("Overall"), rows, "rank", "tied")
    clusters: dict[str, list[dict]] = {}
    for row in rows:
        clusters.setdefault(row["cluster"], []).append(row)
    for name in sorted(clusters, key=vi_key):
        _sheet(workbook, name, clusters[name], "cluster_rank", "cluster_tied")
    workbook.properties.title = campaign_name
    return workbook_bytes(workbook)
