"""The award type form: every value checked by the rules the reference import uses too."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import TextInput

from portal.awards import rules
from portal.forms import LocalDecimalField, PortalForm, VersionField
from portal.labels import label
from portal.models import AwardLevel, Classification, NomineeKind, VoteDenominator
from portal.parsing import parse_int

OUT_OF_DATE = _l("The form is out of date. Reload the page and try again.")
CHOOSE = _l("Choose one of the options.")
TOO_LONG = _l("At most %(max)d characters.")
ENUMS = {"nominee": NomineeKind, "level": AwardLevel, "vote_denominator": VoteDenominator,
         "rule_min_classification": Classification}


class WholeNumberField(StringField):
    """An optional whole number in ASCII digits; empty means "no such rule"."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] and valuelist[0].strip():
            try:
                self.data = parse_int(valuelist[0], maximum=10**6)
            except ValueError:
                raise ValueError(str(_l("Enter a whole number, for example 3, or leave it empty."))) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class DocumentsField(TextAreaField):
    """The required dossier documents, one per line (empty lines are dropped)."""

    def process_formdata(self, valuelist):
        self.data = [line.strip() for line in (valuelist[0] if valuelist else "").splitlines() if line.strip()]

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "\n".join(self.data or [])


class AwardTypeForm(PortalForm):
    version = VersionField(validators=[InputRequired(OUT_OF_DATE)])
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the award type's code.")),
                                              Length(max=rules.MAX_CODE, message=TOO_LONG)])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the award type's name.")),
                                              Length(max=rules.MAX_NAME, message=TOO_LONG)])
    nominee = SelectField(_l("Nominee"), validate_choice=False, validators=[InputRequired(CHOOSE)])
    level = SelectField(_l("Level"), validate_choice=False, validators=[InputRequired(CHOOSE)])
    rule_cluster_rank_max = WholeNumberField(_l("Rank in its cluster at best"))
    rule_min_classification = SelectField(_l("Classification at least"), validate_choice=False)
    rule_max_per_cluster = WholeNumberField(_l("Nominations per cluster at most"))
    rule_min_service_years = WholeNumberField(_l("Years in the sector at least (individuals)"))
    rule_consecutive_excellent_years = WholeNumberField(_l("Years in a row rated excellent"))
    vote_threshold_percent = LocalDecimalField(_l("Council vote threshold (%)"), validators=[
        InputRequired(_l("Enter the share of agreeing votes needed, for example 70."))])
    vote_denominator = SelectField(_l("Percentage of"), validate_choice=False, validators=[InputRequired(CHOOSE)])
    required_documents = DocumentsField(_l("Required dossier documents"))

    def __init__(self, *args, new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if new:
            del self.version  # a new award type has no saved version to compare with
        self.nominee.choices = [(k.value, label(k)) for k in NomineeKind]
        self.level.choices = [(k.value, label(k)) for k in AwardLevel]
        self.vote_denominator.choices = [(k.value, label(k)) for k in VoteDenominator]
        self.rule_min_classification.choices = [("", _l("— no such rule —"))] + [
            (k.value, label(k)) for k in Classification if k is not Classification.NOT_COMPLETED]

    def fill(self, award) -> None:
        """Show a saved award type (enum fields hold their values' text)."""
        self.process(obj=award)
        for name in ENUMS:
            value = getattr(award, name)
            getattr(self, name).data = value.value if value is not None else ""

    def values(self) -> dict:
        """The typed values as the model holds them (enums, numbers, a list of documents)."""
        values = {name: getattr(self, name).data for name in (
            "code", "name", *rules.RULE_FIELDS, "vote_threshold_percent", "required_documents")}
        values["code"], values["name"] = (values["code"] or "").strip(), (values["name"] or "").strip()
        for name, enum_cls in ENUMS.items():
            values[name] = next((k for k in enum_cls if k.value == getattr(self, name).data), None)
        return values

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in rules.problems(self.values()):
            field = getattr(self, name)
            if not field.errors:  # one message per field: what it says first is what to fix first
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def validate_rule_min_classification(self, field):
        self._known(field, Classification, optional=True)

    def validate_nominee(self, field):
        self._known(field, NomineeKind)

    def validate_level(self, field):
        self._known(field, AwardLevel)

    def validate_vote_denominator(self, field):
        self._known(field, VoteDenominator)

    @staticmethod
    def _known(field, enum_cls, optional: bool = False):
        if (field.data or "") == "" and optional:
            return
        if field.data not in {k.value for k in enum_cls}:
            raise ValidationError(CHOOSE)
