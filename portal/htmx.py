"""Everything about htmx requests in one place: header names and the page-or-partial decision."""
from __future__ import annotations

from flask import Response, request

HX_REQUEST = "HX-Request"
HX_TARGET = "HX-Target"
HX_BOOSTED = "HX-Boosted"
HX_HISTORY_RESTORE = "HX-History-Restore-Request"
HX_REDIRECT = "HX-Redirect"
HX_TRIGGER = "HX-Trigger"
HX_RETARGET = "HX-Retarget"
HX_RESWAP = "HX-Reswap"
HX_CURRENT_URL = "HX-Current-URL"


def is_htmx() -> bool:
    return request.headers.get(HX_REQUEST) == "true"


def wants_partial(target_id: str) -> bool:
    """True only for a real htmx request aimed at ``#target_id`` (not boosted, not a history restore)."""
    return (
        is_htmx()
        and request.headers.get(HX_BOOSTED) != "true"
        and request.headers.get(HX_HISTORY_RESTORE) != "true"
        and request.headers.get(HX_TARGET) == target_id
    )




def client_redirect(location: str, status: int = 200) -> Response:
    """A client-side redirect for htmx; a 30x would be followed inside the swap target instead."""
    response = Response(status=status)
    response.headers[HX_REDIRECT] = location
    return response


def current_page_url() -> str | None:
    """The address of the page an htmx request was sent from (not the fragment's URL)."""
    return request.headers.get(HX_CURRENT_URL) if is_htmx() else None
