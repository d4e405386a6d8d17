"""What every form of the portal shares: the base class that refuses control characters in text,
the decimal field that takes the Vietnamese comma, and the hidden version field."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import StopValidation
from wtforms.widgets import HiddenInput, TextInput

from portal.form_messages import TRANSLATIONS
from portal.formatting import fmt_points
from portal.parsing import has_control_characters, parse_decimal, parse_int

CONTROL_CHARACTERS = _l("Remove the invisible control characters from this text (they were probably pasted in).")


class PortalForm(FlaskForm):
    """A form whose text fields refuse control characters (NUL, escape, …) with a message beside
    the field; newline and tab are fine in multi-line fields. WTForms' own messages come from the
    portal's catalog (portal/form_messages.py), in the user's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return TRANSLATIONS

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            # The text as typed: a field may turn it into something else (a list of lines, a number).
            typed = field.raw_data[0] if getattr(field, "raw_data", None) else field.data
            if isinstance(field, StringField) and isinstance(typed, str) and has_control_characters(
                    typed, multiline=isinstance(field, TextAreaField)):
                field.errors = [*field.errors, CONTROL_CHARACTERS] if isinstance(field.errors, list) else [CONTROL_CHARACTERS]
                valid = False
        return valid


class LocalDecimalField(StringField):
    """A number that accepts the Vietnamese decimal comma ("12,5") as well as a point, in ASCII
    digits; a text input, because a browser's number input refuses the comma. Its message may show
    an example as %(example)s, written in the user's language (12,5 or 12.5)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Enter a number, for example %(example)s.")

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] and valuelist[0].strip():
            try:
                self.data = parse_decimal(valuelist[0])
            except ValueError:
                raise ValueError(str(self.message) % {"example": fmt_points(Decimal("12.5"))}) from None

    def pre_validate(self, form):
        if self.process_errors:  # not a number: one message, not a range check of nothing after it
            raise StopValidation()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return fmt_points(Decimal(self.data)).replace(".", "")  # no thousands dots inside an input


class VersionField(IntegerField):
    """The row version a form was rendered with; malformed is refused, never ignored."""

    widget = HiddenInput()

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0]:
            try:
                self.data = parse_int(valuelist[0], maximum=10**9)
            except ValueError:
                raise ValueError(str(_l("The form is out of date. Reload the page and try again."))) from None
