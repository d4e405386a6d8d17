"""The nominations' XLSX export, written through :mod:`portal.xlsx` so that whatever a unit typed
(a nominee's name, a position, the achievements) stays text and never runs as a formula."""
from __future__ import annotations

from flask_babel import gettext as _
from openpyxl import Workbook

from portal.labels import label
from portal.models import Nomination
from portal.nominations import services
from portal.xlsx import append_row, header_row, new_workbook


def export_workbook(nominations: list[Nomination]) -> Workbook:
    """One row per nomination, in the order given (see :func:`services.export_nominations`)."""
    workbook = new_workbook()
    sheet = workbook.create_sheet(_("Nominations"))
    header_row(sheet, [_("Unit"), _("Award type"), _("Nominee"), _("Position"), _("Achievements summary"),
                       _("State"), _("Agree"), _("Disagree"), _("Abstain"), _("Award decision")],
               [34, 40, 28, 28, 60, 22, 9, 9, 9, 24])
    for n in nominations:
        result = services.tally(n)
        append_row(sheet, [n.unit.name, n.award_type.name, n.nominee, n.nominee_position, n.achievements,
                           label(n.state), result.agree, result.disagree, result.abstain, n.decision_number])
    return workbook
