"""The nomination forms: the nominee and achievements (new and edit), the dossier upload, the
council's vote, the administrator's decision, and the one-button actions that carry only the
row version.  Every form keeps what was typed when it is refused."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import TextInput

from portal.forms import PortalForm, VersionField
from portal.labels import label
from portal.models import VoteChoice
from portal.parsing import MAX_DATE, MIN_DATE, parse_int, positive_int

MAX_SERVICE_YEARS = 60
OUT_OF_DATE = _l("The form is out of date. Reload the page and try again.")
AT_MOST = _l("At most %(max)d characters.")


def _text(value):
    return value or ""


class ServiceYearsField(StringField):
    """Whole years in the sector, ASCII digits from 0 to 60 (``parse_int``: "²" and "abc" are
    refused); what was typed is shown again when it is refused."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] and valuelist[0].strip():
            try:
                self.data = parse_int(valuelist[0], minimum=0, maximum=MAX_SERVICE_YEARS)
            except ValueError:
                raise ValueError(str(_l("Enter a whole number of years from 0 to %(max)s.",
                                        max=MAX_SERVICE_YEARS))) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


def required_version():
    """The row version the page was rendered with: missing or malformed is refused, never ignored."""
    return VersionField(validators=[InputRequired(OUT_OF_DATE)])


class NominationForm(PortalForm):
    """A new nomination (with its award type) or the draft's edit (with its version)."""

    award_type = SelectField(_l("Award type"), coerce=positive_int,
                             validators=[InputRequired(_l("Choose an award type."))])
    nominee_name = StringField(_l("Full name"), filters=[_text], validators=[Length(max=200, message=AT_MOST)])
    nominee_position = StringField(_l("Position"), filters=[_text], validators=[Length(max=200, message=AT_MOST)])
    service_years = ServiceYearsField(_l("Years in the sector"), render_kw={"inputmode": "numeric"})
    achievements = TextAreaField(_l("Achievements summary"), filters=[_text],
                                 validators=[Length(max=8000, message=AT_MOST)], render_kw={"rows": 8})
    version = required_version()

    @classmethod
    def for_new(cls, award_types, formdata=None, **kwargs) -> NominationForm:
        form = cls(formdata=formdata, **kwargs)
        del form.version
        form.award_type.choices = [(a.id, f"{a.name} — {label(a.nominee)}") for a in award_types]
        form.award_type.pre_validate = _choice_among(form.award_type)
        return form

    @classmethod
    def for_edit(cls, nomination, formdata=None) -> NominationForm:
        form = cls(formdata=formdata, obj=None if formdata else nomination)
        del form.award_type
        return form


def _choice_among(field):
    def pre_validate(_form):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose an award type."))
    return pre_validate


class DocumentUploadForm(PortalForm):
    document_name = StringField(_l("Document"), filters=[_text])
    version = required_version()


class VoteForm(PortalForm):
    choice = StringField(filters=[_text])
    version = required_version()

    def validate_choice(self, field):
        if field.data not in {c.value for c in VoteChoice}:
            raise ValidationError(_l("Choose agree, disagree or abstain."))


class DecisionForm(PortalForm):
    decision_number = StringField(_l("Decision number/symbol"), filters=[_text], validators=[
        DataRequired(_l("Enter the decision's number and symbol, e.g. 125-QĐ/TU.")), Length(max=64, message=AT_MOST)],
        render_kw={"placeholder": "125-QĐ/TU"})
    decision_date = DateField(_l("Decision date"), validators=[InputRequired(_l("Enter the decision's date (dd/mm/yyyy)."))])
    decision_signer = StringField(_l("Signed by"), filters=[_text], validators=[
        DataRequired(_l("Enter who signed the decision.")), Length(max=200, message=AT_MOST)])
    version = required_version()

    def validate_decision_date(self, field):
        if field.data is not None and not MIN_DATE <= field.data <= MAX_DATE:
            raise ValidationError(_l("Enter the decision's date (dd/mm/yyyy)."))


class VersionForm(PortalForm):
    """A one-button action (submit, close the vote, remove a file): the CSRF token and the version."""

    version = required_version()
