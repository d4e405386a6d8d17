"""Forms for accounts: the administrator's account form and everyone's own password change."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.forms import PortalForm, VersionField
from portal.labels import label
from portal.models import Role


class AccountForm(PortalForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter a username.")), Length(max=64)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=200)])
    email = StringField(_l("E-mail (optional)"), validators=[Length(max=254)])
    role = SelectField(_l("Role"), validate_choice=False)
    unit = SelectField(_l("Unit (unit officers only)"), validate_choice=False)
    version = VersionField()

    def fill_choices(self, units) -> None:
        self.role.choices = [(role.value, label(role)) for role in Role]
        self.unit.choices = [("", "—")] + [(unit.code, f"{unit.short_name} ({unit.code})") for unit in units]

    def chosen_role(self) -> Role | None:
        try:
            return Role(self.role.data)
        except ValueError:
            self.role.errors = [*self.role.errors, _l("Choose a role from the list.")]
            return None


class PasswordChangeForm(PortalForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")), Length(max=256)])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")), Length(max=256)])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("new_password", _l("The two new passwords differ."))])
