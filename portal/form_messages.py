"""WTForms' own messages ("This field is required.", "Not a valid date value." …) in the portal's
catalog, so every form speaks the user's language: WTForms ships no Vietnamese, and Flask-WTF would
look in WTForms' catalog. `PortalForm.Meta` hands this translator to every field and validator.

The texts below are WTForms' own msgids, listed here only so `make messages` extracts them."""
from __future__ import annotations

from flask import has_request_context
from flask_babel import get_translations


def _(text: str) -> str:
    return text


def ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


# Extraction only (never called): every message WTForms can produce by itself.
def _wtforms_messages() -> None:  # pragma: no cover
    _("This field is required.")
    _("Invalid input.")
    _("Not a valid date value.")
    _("Not a valid datetime value.")
    _("Not a valid time value.")
    _("Not a valid integer value.")
    _("Not a valid decimal value.")
    _("Not a valid float value.")
    _("Not a valid choice.")
    _("Invalid Choice: could not coerce.")
    _("Choices cannot be None.")
    _("Invalid choice(s): one or more data inputs could not be coerced.")
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 2)
    _("Field must be equal to %(other_name)s.")
    ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 2)
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 2)
    ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 2)
    _("Field must be between %(min)d and %(max)d characters long.")
    _("Number must be at least %(min)s.")
    _("Number must be at most %(max)s.")
    _("Number must be between %(min)s and %(max)s.")
    _("Invalid email address.")
    _("Invalid value, must be one of: %(values)s.")
    _("Invalid value, can't be any of: %(values)s.")
    _("This field cannot be edited.")
    _("This field is disabled and cannot have a value.")
    _("Invalid CSRF Token.")
    _("CSRF token missing.")
    _("CSRF failed.")
    _("CSRF token expired.")
    _("File does not have an approved extension.")


class BabelTranslations:
    """WTForms' translations interface over the portal's Flask-Babel catalog (plain English
    outside a request, e.g. in the CLI)."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string) if has_request_context() else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = BabelTranslations()
