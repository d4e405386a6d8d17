"""Forms of the reference import: the files, and the confirmation of a preview."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from portal.forms import PortalForm

ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(PortalForm):
    campaign = SelectField(_l("Campaign"), coerce=int, validators=[InputRequired()])
    workbook = FileField(_l("One workbook with a sheet per file (XLSX)"))
    clusters = FileField(_l("Clusters (CSV or XLSX)"))
    units = FileField(_l("Units (CSV or XLSX)"))
    criteria = FileField(_l("Criteria (CSV or XLSX)"))
    award_types = FileField(_l("Award types (CSV or XLSX)"))

    SLOTS = ("workbook", "clusters", "units", "criteria", "award_types")


class ConfirmForm(PortalForm):
    # What the administrator was shown; the server validates the kept files again and compares.
    fingerprint = HiddenField(validators=[InputRequired()])
