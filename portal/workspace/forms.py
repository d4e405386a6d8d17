from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DateField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.forms import LocalDecimalField, PortalForm, VersionField


class CommitmentForm(PortalForm):
    target_text = TextAreaField(_l("Target"), filters=[lambda value: value or ""], validators=[Length(max=2000, message=_l("At most %(max)d characters."))])
    target_value = LocalDecimalField(_l("Number (optional)"), message=_l("Enter a number of 0 or more, for example %(example)s."), validators=[
        Optional(), NumberRange(min=0, max=Decimal("999999999999.99"), message=_l("Enter a number of 0 or more."))])
    target_unit = StringField(_l("Unit of measure"), filters=[lambda value: value or ""], validators=[Length(max=50, message=_l("At most %(max)d characters."))])
    version = VersionField(validators=[Optional()])

    def validate_target_text(self, field):
        if not field.data.strip() and (self.target_value.data is not None or self.target_unit.data.strip()):
            raise ValidationError(_l("Write the target beside the number."))

    def validate_target_unit(self, field):
        if field.data.strip() and self.target_value.data is None:
            raise ValidationError(_l("A unit of measure needs a number."))


class ScoreForm(PortalForm):
    """The score is checked against the criterion by the service (it knows the maximum)."""

    self_score = StringField(_l("Self-score"), validators=[Length(max=20)])
    explanation = TextAreaField(_l("Explanation"), filters=[lambda value: value or ""])
    version = VersionField(validators=[Optional()])


class NoteForm(PortalForm):
    note_date = DateField(_l("Date"), validators=[InputRequired(_l("Enter the date (dd/mm/yyyy)."))],
                          render_kw={"lang": "vi"})
    text = TextAreaField(_l("Progress"), validators=[DataRequired(_l("Describe the progress.")),
                                                     Length(max=4000, message=_l("At most %(max)d characters."))])


class DocumentForm(PortalForm):
    doc_number = StringField(_l("Number/symbol"), validators=[
        DataRequired(_l("Enter the document's number and symbol, e.g. 125-KH/BTCTU.")),
        Length(max=64, message=_l("At most %(max)d characters."))])
    doc_date = DateField(_l("Issued on"), validators=[InputRequired(_l("Enter the date (dd/mm/yyyy)."))])
    doc_issuer = StringField(_l("Issued by"), validators=[
        DataRequired(_l("Enter who issued the document.")), Length(max=255, message=_l("At most %(max)d characters."))])
    title = StringField(_l("Title / summary"), validators=[
        DataRequired(_l("Enter the document's title.")), Length(max=500, message=_l("At most %(max)d characters."))])


class UploadForm(PortalForm):
    files = MultipleFileField(_l("Files"))


def commitment_form(commitment, formdata=None) -> CommitmentForm:
    """A commitment's form; the prefix keeps field ids unique on a page with many rows."""
    if formdata is None:
        return CommitmentForm(formdata=None, obj=commitment, prefix=f"c{commitment.id}")
    return CommitmentForm(formdata=formdata, prefix=f"c{commitment.id}")
