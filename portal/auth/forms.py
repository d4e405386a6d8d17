from flask_babel import lazy_gettext as _l
from portal.forms import PortalForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(PortalForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter your username.")), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=256)])


class EmptyForm(PortalForm):
    """For button-only POSTs: carries the CSRF token and nothing else."""
