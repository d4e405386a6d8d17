"""The control page's form for reopening a closed campaign."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm
from portal.locking import REASON_MAX


class ReopenForm(PortalForm):
    reason = TextAreaField(_l("Reason for reopening"), filters=[lambda v: v.strip() if isinstance(v, str) else v],
                           validators=[DataRequired(_l("Give the reason for reopening the campaign.")),
                                       Length(max=REASON_MAX, message=_l("At most %(max)d characters."))],
                           render_kw={"rows": 4, "maxlength": REASON_MAX})
