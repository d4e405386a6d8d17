"""The form of a criterion (group or item) in the criteria editor."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.criteria_rules import MAX_CODE
from portal.forms import LocalDecimalField, PortalForm, VersionField
from portal.labels import label
from portal.models import CriterionKind

NO_PARENT = 0


class CriterionForm(PortalForm):
    version = VersionField(validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    parent_id = SelectField(_l("Group"), coerce=int, validators=[Optional()])
    code = StringField(_l("Code"), validators=[InputRequired(_l("Enter a code, for example 1.3.")),
                                               Length(max=MAX_CODE)])
    title = TextAreaField(_l("Title"), validators=[InputRequired(_l("Enter the title.")), Length(max=1000)])
    guidance = TextAreaField(_l("Guidance for the units"), validators=[Length(max=4000)])
    max_points = LocalDecimalField(_l("Maximum (points)"), validators=[InputRequired(_l("Enter the maximum points."))])
    evidence_required = BooleanField(_l("Evidence required"))
    deadline = DateField(_l("Own reporting deadline"), validators=[Optional()])

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, label(k)) for k in CriterionKind]
        self.parent_id.choices = [(NO_PARENT, _l("— none (this is a group) —"))] + [
            (g.id, f"{g.code} · {g.title[:80]}") for g in groups]

