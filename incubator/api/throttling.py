"""API rate limits counted in fixed windows.

DRF's own rate throttles keep, per client, the list of the times of its requests in the last
window and read and write the whole list back to the cache on every request: at the signed-in
rate of 2,400 a minute that is a list of up to 2,400 times, pickled twice per request (and, on
Redis, sent both ways). These count instead: one integer per client and window, raised with the
cache's atomic `incr`. A client may so send up to twice its rate across a window's boundary,
as with any fixed-window limit; within a window it never passes its rate.
"""

from __future__ import annotations

from rest_framework import throttling


class FixedWindowMixin:
    """`allow_request` and `wait` of a `SimpleRateThrottle` over a counter per window."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            count = self.cache.incr(key)
        except ValueError:
            # The window's first request (or the counter just expired): start it, unless a
            # concurrent request did so first.
            count = 1 if self.cache.add(key, 1, timeout=self.duration + 1) else self.cache.incr(key)
        return count <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_ends - self.now)


class AnonRateThrottle(FixedWindowMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by address: the rate `anon`."""


class UserRateThrottle(FixedWindowMixin, throttling.UserRateThrottle):
    """Signed-in people, by account: the rate `user`."""
