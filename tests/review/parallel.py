"""Requests that really run at the same moment: one thread per call, released together by a barrier;
each thread uses its own test client, so its own cookies, app context and database session."""
from __future__ import annotations

import threading

from tests import factories


def at_once(*calls):
    """Run every call at the same moment; their results in order (an exception is re-raised)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def signed_in_client(app, user):
    """A client of its own, signed in as ``user`` through the real sign-in form."""
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 303, response.data[:300]
    return client
