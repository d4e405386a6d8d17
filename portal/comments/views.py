"""The answer to a posted comment, the same on the unit's criterion page and in the review."""
from __future__ import annotations

from flask import flash, redirect, render_template, request

from portal import htmx
from portal.comments.services import comments_for
from portal.workflow import subject_type


def comments_response(obj, outcome, post_url: str, page_url: str):
    """The thread again (htmx; a refused comment's text stays in the box) or back to the page."""
    if htmx.is_htmx():
        return render_template("review/_comments.html", obj=obj, kind=subject_type(obj),
                               comments=comments_for(obj), message=outcome.message,
                               body="" if outcome.ok else request.form.get("body", ""),
                               post_url=post_url), outcome.status
    if not outcome.ok:
        flash(outcome.message, "error")
    return redirect(page_url, code=303)
