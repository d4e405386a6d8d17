"""The final result's forms: approving the ranking, and unlocking it to correct it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.forms import PortalForm, VersionField
from portal.parsing import parse_date
from portal.results.services import DECISION_NUMBER_MAX, REASON_MAX

OUT_OF_DATE = _l("The form is out of date. Reload the page and try again.")
AT_MOST = _l("At most %(max)d characters.")


def _stripped(value):
    return " ".join(value.split()) if isinstance(value, str) else (value or "")


class OptionalDateField(StringField):
    """A date typed as dd/mm/yyyy or sent by a date input (yyyy-mm-dd), read with
    :func:`portal.parsing.parse_date`; empty is allowed, what was typed is shown again when refused."""

    def process_formdata(self, valuelist):
        self.data = None
        raw = valuelist[0].strip() if valuelist and isinstance(valuelist[0], str) else ""
        if raw:
            try:
                self.data = parse_date(raw)
            except ValueError:
                raise ValueError(str(_l("Enter the decision's date (dd/mm/yyyy)."))) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""


class ApproveForm(PortalForm):
    decision_number = StringField(_l("Decision number (optional)"), filters=[_stripped],
                                  validators=[Length(max=DECISION_NUMBER_MAX, message=AT_MOST)],
                                  render_kw={"maxlength": DECISION_NUMBER_MAX})
    decision_date = OptionalDateField(_l("Decision date (optional)"), render_kw={"type": "date"})
    confirm = BooleanField(_l("I have checked the ranking; approve it as the campaign's final result and lock it."),
                           validators=[DataRequired(_l("Tick the box to confirm the approval."))])
    version = VersionField(validators=[InputRequired(OUT_OF_DATE)])


class UnlockForm(PortalForm):
    reason = TextAreaField(_l("Reason for unlocking"), filters=[lambda v: v.strip() if isinstance(v, str) else v],
                           validators=[DataRequired(_l("Give the reason for unlocking the final result.")),
                                       Length(max=REASON_MAX, message=AT_MOST)],
                           render_kw={"rows": 3, "maxlength": REASON_MAX})
    version = VersionField(validators=[InputRequired(OUT_OF_DATE)])
