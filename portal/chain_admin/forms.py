"""The form of a review level: its name, scope and members."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.chain_admin.services import MAX_NAME
from portal.forms import PortalForm
from portal.labels import label
from portal.models import LevelScope


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        pass  # an unknown account is refused by the service, with its own message


class LevelForm(PortalForm):
    version = HiddenField()
    name = StringField(_l("Name of the level"), validators=[InputRequired(_l("Enter the level's name.")),
                                                             Length(max=MAX_NAME)])
    scope = SelectField(_l("What the level reviews"), validators=[InputRequired()])
    members = CheckboxesField(_l("Who acts at this level"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [(s.value, label(s)) for s in LevelScope]
        self.members.choices = [(u.id, u.full_name) for u in people]  # the role is shown beside each
