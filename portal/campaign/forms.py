"""Forms of the campaign administration pages."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.formatting import fmt_points
from portal.forms import LocalDecimalField, PortalForm, VersionField
from portal.labels import LABELS
from portal.models import CriterionKind, TieBreak

OUT_OF_DATE = _l("The form is out of date. Reload the page and try again.")


class CopyForm(PortalForm):
    source = SelectField(_l("Copy from"), coerce=int, validators=[InputRequired()])
    year = IntegerField(_l("New year"), validators=[InputRequired(_l("Enter a year from 2000 to 2100.")),
                                                    NumberRange(2000, 2100, _l("Enter a year from 2000 to 2100."))])


class CampaignForm(PortalForm):
    version = VersionField(validators=[InputRequired(OUT_OF_DATE)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    theme = TextAreaField(_l("Theme"), validators=[Length(max=4000)])
    organization_name = StringField(_l("Organization (full name)"), validators=[DataRequired(), Length(max=300)])
    organization_place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    registration_deadline = DateField(_l("Registration deadline"), validators=[InputRequired()])
    reporting_deadline = DateField(_l("Reporting deadline"), validators=[InputRequired()])
    review_end = DateField(_l("End of review"), validators=[InputRequired()])
    ceremony_date = DateField(_l("Ceremony"), validators=[Optional()])
    scale = LocalDecimalField(_l("Scale (points)"), validators=[InputRequired()])
    threshold_completed = LocalDecimalField(_l("Completed from"), validators=[InputRequired()])
    threshold_good = LocalDecimalField(_l("Good from"), validators=[InputRequired()])
    threshold_excellent = LocalDecimalField(_l("Excellent from"), validators=[InputRequired()])
    tie_break = SelectField(_l("Tie-break"), validators=[InputRequired()])

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.tie_break.choices = [(t.value, LABELS[t]) for t in TieBreak]

    def _later(self, field, earlier, message):
        if field.data and earlier.data and field.data < earlier.data:
            raise ValidationError(message)

    def validate_reporting_deadline(self, field):
        self._later(field, self.registration_deadline, _l("The reporting deadline cannot be before the registration deadline."))

    def validate_review_end(self, field):
        self._later(field, self.reporting_deadline, _l("The end of review cannot be before the reporting deadline."))

    def validate_ceremony_date(self, field):
        self._later(field, self.review_end, _l("The ceremony cannot be before the end of review."))

    def validate_scale(self, field):
        if field.data is None or field.data <= 0:
            raise ValidationError(_l("The scale must be above 0."))
        groups = [c.max_points for c in self.campaign.criteria if c.kind is CriterionKind.GROUP] if self.campaign else []
        if groups and sum(groups, Decimal(0)) != field.data:
            raise ValidationError(_l("The criteria groups add up to %(total)s points, not %(scale)s; change the criteria "
                                     "or enter %(total)s.", total=fmt_points(sum(groups, Decimal(0))),
                                     scale=fmt_points(field.data)))

    def validate_threshold_completed(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError(_l("A threshold cannot be below 0."))
        if field.data is not None and self.threshold_good.data is not None and field.data >= self.threshold_good.data:
            raise ValidationError(_l("“Completed” must be below “Good”."))

    def validate_threshold_good(self, field):
        if field.data is not None and self.threshold_excellent.data is not None and field.data >= self.threshold_excellent.data:
            raise ValidationError(_l("“Good” must be below “Excellent”."))

    def validate_threshold_excellent(self, field):
        if field.data is not None and self.scale.data is not None and field.data > self.scale.data:
            raise ValidationError(_l("“Excellent” cannot be above the scale."))

    def validate_tie_break(self, field):
        if field.data not in {t.value for t in TieBreak}:
            raise ValidationError(_l("Choose a tie-break rule."))


EDITABLE = ("name", "theme", "organization_name", "organization_place", "registration_deadline",
            "reporting_deadline", "review_end", "ceremony_date", "scale", "threshold_completed", "threshold_good",
            "threshold_excellent")
