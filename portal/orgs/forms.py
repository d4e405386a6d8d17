"""Forms of the units and clusters pages.  Types and required fields are checked here; the rules
(codes unique and well formed, the last day, the successor) are the services' and come back as a
refusal naming its field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.forms import PortalForm, VersionField
from portal.labels import label
from portal.models import Unit, UnitKind

OUT_OF_DATE = _l("The form is out of date. Reload the page and try again.")
REQUIRED = _l("This field is required.")
NO_CLUSTER = _l("— none (not ranked) —")
NO_SUCCESSOR = _l("— no successor —")


def optional_id(value):
    """A select's value: an id, or None for the empty choice (anything else is not a choice)."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def cluster_choices(clusters) -> list[tuple[str, str]]:
    return [("", str(NO_CLUSTER))] + [(str(c.id), f"{c.name} ({c.code})") for c in clusters]


def unit_choices(units: list[Unit], empty: str | None = None) -> list[tuple[str, str]]:
    head = [("", empty)] if empty is not None else []
    return head + [(str(u.id), f"{u.name} ({u.code})") for u in units]


class UnitForm(PortalForm):
    version = VersionField(validators=[InputRequired(OUT_OF_DATE)])
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    cluster_id = SelectField(_l("Cluster"), coerce=optional_id, validate_choice=False)

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_id.choices = cluster_choices(clusters)


class NewUnitForm(UnitForm):
    version = None
    code = StringField(_l("Code"), validators=[InputRequired(REQUIRED), Length(max=32)])
    kind = SelectField(_l("Kind"), validators=[InputRequired(REQUIRED)])
    valid_from = DateField(_l("Working from"), validators=[InputRequired(_l("Enter a date."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, str(label(k))) for k in UnitKind]


class EndUnitForm(PortalForm):
    version = VersionField(validators=[InputRequired(OUT_OF_DATE)])
    valid_to = DateField(_l("Last working day"), validators=[InputRequired(_l("Enter the unit's last working day."))])
    successor_id = SelectField(_l("Successor (takes over its work)"), coerce=optional_id, validate_choice=False)

    def __init__(self, *args, successors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.successor_id.choices = unit_choices(list(successors), str(NO_SUCCESSOR))


class ClusterForm(PortalForm):
    version = VersionField(validators=[InputRequired(OUT_OF_DATE)])
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])


class NewClusterForm(ClusterForm):
    version = None
    code = StringField(_l("Code"), validators=[InputRequired(REQUIRED), Length(max=32)])


class MemberForm(PortalForm):
    unit_id = SelectField(_l("Add a unit"), coerce=optional_id, validate_choice=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = unit_choices(list(units), str(_l("— choose a unit —")))
