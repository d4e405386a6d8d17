"""Sign-in throttling: each attempt is counted per username and per client address *before* the
password is checked, atomically, in a store every worker shares; once a count passes the limit the
attempt is refused without checking the password, until the window ends.

The database holds the counters (an insert-or-increment upsert, committed on its own connection
before the password check); Redis does when ``REDIS_URL`` is set (INCR and EXPIRE in one MULTI),
falling back to the database if Redis does not answer.
"""
from __future__ import annotations

import ipaddress
import logging

import sqlalchemy as sa

from portal import clock
from portal.extensions import db

log = logging.getLogger(__name__)

# One statement: a new key starts at 1; an expired window starts again at 1; otherwise count + 1.
# The SET expressions read the row as it was, so both columns see the same expiry decision.
_HIT = sa.text(
    "INSERT INTO login_attempt (key, count, window_ends) VALUES (:key, 1, :ends) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN login_attempt.window_ends <= :now THEN 1 ELSE login_attempt.count + 1 END, "
    "window_ends = CASE WHEN login_attempt.window_ends <= :now THEN :ends ELSE login_attempt.window_ends END "
    "RETURNING count, window_ends")
_RELEASE = sa.text("UPDATE login_attempt SET count = count - 1 WHERE key = :key AND count > 0")
_CLEAR = sa.text("DELETE FROM login_attempt WHERE key = :key")
_PURGE = sa.text("DELETE FROM login_attempt WHERE window_ends <= :now")


def address_key(address: str) -> str:
    """Whom an address stands for: an IPv4 address itself; for IPv6 its /64 network, which one
    subscriber holds whole (counting each of its addresses apart would let one person rotate
    through them)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def _now() -> int:
    return int(clock.now().timestamp())


class DatabaseCounter:
    """Counters in the ``login_attempt`` table, on a connection of their own: each call commits at
    once, independent of the request's session (so the count stands even if the request fails)."""

    def hit(self, keys: list[str], window: int) -> list[tuple[int, int]]:
        """Count one attempt for each key; (count, seconds left in the window) for each."""
        now = _now()
        with db.engine.begin() as conn:
            results = [conn.execute(_HIT, {"key": key, "ends": now + window, "now": now}).one() for key in keys]
        return [(int(count), max(int(ends) - now, 1)) for count, ends in results]

    def release(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(_RELEASE, {"key": key})

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(_CLEAR, {"key": key})
            conn.execute(_PURGE, {"now": _now()})  # windows that ended; a success is a quiet moment to tidy


# Decrement only a positive count, never creating a key without expiry.
_REDIS_RELEASE = "local v = tonumber(redis.call('GET', KEYS[1]) or '0') " \
                 "if v > 0 then return redis.call('DECR', KEYS[1]) end return 0"


class RedisCounter:
    def __init__(self, url: str, fallback: DatabaseCounter):
        import redis

        self._errors = redis.RedisError
        self._redis = redis.Redis.from_url(url, socket_timeout=1)
        self._fallback = fallback

    def hit(self, keys: list[str], window: int) -> list[tuple[int, int]]:
        try:
            pipe = self._redis.pipeline(transaction=True)
            for key in keys:
                pipe.incr(key)
                pipe.expire(key, window, nx=True)
                pipe.ttl(key)
            replies = pipe.execute()
        except self._errors:
            log.warning("Redis unavailable for sign-in throttling; counting in the database")
            return self._fallback.hit(keys, window)
        return [(int(replies[i]), max(int(replies[i + 2]), 1)) for i in range(0, len(replies), 3)]

    def release(self, key: str) -> None:
        try:
            self._redis.eval(_REDIS_RELEASE, 1, key)
        except self._errors:
            self._fallback.release(key)

    def clear(self, key: str) -> None:
        try:
            self._redis.delete(key)
        except self._errors:
            self._fallback.clear(key)


class LoginThrottle:
    def __init__(self, counter, max_attempts: int, window_seconds: int, prefix: str = "portal:login-attempts:"):
        self.counter = counter
        self.max_attempts = max_attempts
        self.window = window_seconds
        self.prefix = prefix

    def keys(self, username: str, address: str) -> tuple[str, str]:
        return f"{self.prefix}user:{username.strip().lower()[:64]}", f"{self.prefix}addr:{address_key(address)}"

    def attempt(self, username: str, address: str) -> int:
        """Count this attempt before its password is checked. Returns 0 when it may be checked, else the
        seconds until another attempt is allowed (the password must then not be checked at all)."""
        counts = self.counter.hit(list(self.keys(username, address)), self.window)
        return max((left for count, left in counts if count > self.max_attempts), default=0)

    def succeeded(self, username: str, address: str) -> None:
        """A right password: the username starts afresh, and the address gives back this attempt's
        place (colleagues behind one office address are not locked out by signing in)."""
        user_key, address_key = self.keys(username, address)
        self.counter.clear(user_key)
        self.counter.release(address_key)


def init_throttle(app) -> LoginThrottle:
    database = DatabaseCounter()
    url = app.config.get("REDIS_URL")
    counter = RedisCounter(url, fallback=database) if url else database
    throttle = LoginThrottle(counter, app.config["LOGIN_MAX_ATTEMPTS"], app.config["LOGIN_LOCKOUT_SECONDS"])
    app.extensions["login_throttle"] = throttle
    return throttle
