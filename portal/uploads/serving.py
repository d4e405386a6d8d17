"""Serving a stored upload (evidence or a dossier document): one response for every download.

Missing on disk is "not found"; the file is never cached, cannot be sniffed into another type,
and even when shown inline it can run nothing and load nothing.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import abort, send_file

from portal.uploads.storage import FileStore

# Letters that Unicode does not decompose into an ASCII base.
_ASCII_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def ascii_name(name: str) -> str:
    """The ASCII fallback of a file name for old clients: Vietnamese letters lose their marks
    ("Báo cáo Đảng ủy.pdf" → "Bao cao Dang uy.pdf"), anything else non-ASCII becomes "_"."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in plain)


def content_disposition(name: str, as_attachment: bool = True) -> str:
    """The header for a download or an inline preview: an ASCII ``filename`` for old clients and
    the exact name in ``filename*``; control characters and quotes can never break out of it."""
    kind = "attachment" if as_attachment else "inline"
    return f"{kind}; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def send_upload(store: FileStore, stored_name: str | None, original_name: str, content_type: str,
                as_attachment: bool = True):
    if not stored_name or not store.exists(stored_name):
        abort(404)
    # No download_name: Werkzeug would refuse a stored name with a line break (a 500) and its own
    # fallback drops "Đ"; the header is written here instead, the same way for both dispositions.
    response = send_file(store.path(stored_name), mimetype=content_type, as_attachment=as_attachment,
                         conditional=True, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(original_name, as_attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    policy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"
    if content_type != "application/pdf":  # Chromium's PDF viewer does not run in a sandbox
        policy += "; sandbox"
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
