"""Sign-in throttling: after N failures for a username or an address, refuse for a while.

Redis-backed when ``REDIS_URL`` is set (shared by every worker), in memory otherwise.
"""
from __future__ import annotations

import threading
import time


class MemoryCounter:
    """Failure counters with expiry, for a single process (development, tests)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int, float]] = {}

    def incr(self, key: str, window: int) -> int:
        now = time.monotonic()
        with self._lock:
            count, expires = self._entries.get(key, (0, now + window))
            if expires <= now:
                count, expires = 0, now + window
            self._entries[key] = (count + 1, expires)
            return count + 1

    def get(self, key: str) -> tuple[int, int]:
        """(count, seconds left) for a key."""
        now = time.monotonic()
        with self._lock:
            count, expires = self._entries.get(key, (0, now))
            if expires <= now:
                return 0, 0
            return count, int(expires - now) + 1

    def clear(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


class RedisCounter:
    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1)

    def incr(self, key: str, window: int) -> int:
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, window, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def get(self, key: str) -> tuple[int, int]:
        pipe = self._redis.pipeline()
        pipe.get(key)
        pipe.ttl(key)
        value, ttl = pipe.execute()
        return (int(value or 0), max(int(ttl), 0))

    def clear(self, key: str) -> None:
        self._redis.delete(key)


class LoginThrottle:
    PREFIX = "portal:login-failures:"

    def __init__(self, counter, max_attempts: int, window_seconds: int):
        self.counter = counter
        self.max_attempts = max_attempts
        self.window = window_seconds

    def _keys(self, username: str, address: str) -> list[str]:
        return [f"{self.PREFIX}user:{username.strip().lower()}", f"{self.PREFIX}addr:{address}"]

    def locked_for(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed; 0 when not locked."""
        waits = [
            ttl for count, ttl in map(self.counter.get, self._keys(username, address))
            if count >= self.max_attempts
        ]
        return max(waits, default=0)

    def record_failure(self, username: str, address: str) -> None:
        for key in self._keys(username, address):
            self.counter.incr(key, self.window)

    def record_success(self, username: str, address: str) -> None:
        self.counter.clear(self._keys(username, address)[0])


def init_throttle(app) -> LoginThrottle:
    url = app.config.get("REDIS_URL")
    counter = RedisCounter(url) if url else MemoryCounter()
    throttle = LoginThrottle(counter, app.config["LOGIN_MAX_ATTEMPTS"], app.config["LOGIN_LOCKOUT_SECONDS"])
    app.extensions["login_throttle"] = throttle
    return throttle
