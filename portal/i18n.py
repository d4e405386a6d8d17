"""Language: Vietnamese by default, English second; the choice is kept in the session.

Catalogs live in ``portal/translations`` (Flask-Babel's default, relative to the package).
"""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, session

from portal.extensions import babel


def select_locale() -> str:
    lang = session.get("lang") if has_request_context() else None
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
