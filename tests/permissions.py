"""The vocabulary of the permission table (see tests/test_permission_table.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Expect:
    anon: int
    maker: int
    staff: int
    district: int
    superuser: int
    maker_a: int | None = None
    maker_b: int | None = None

    def for_persona(self, persona: str) -> int:
        if persona == "anonymous":
            return self.anon
        if persona in ("maker_a", "maker_b"):
            own = getattr(self, persona)
            return self.maker if own is None else own
        return getattr(self, persona)


@dataclass(frozen=True)
class Route:
    expect: Expect
    url: Callable[[dict], str] | str | None = None  # default: reverse(name)
    method: str = "get"
    data: Callable[[dict, str], Any] | None = None


SIGNED_IN = Expect(anon=302, maker=200, staff=200, district=200, superuser=200)
PUBLIC = Expect(anon=200, maker=200, staff=200, district=200, superuser=200)
# Pages only for the signed-out: a signed-in visitor is sent home.
SIGNED_OUT = Expect(anon=200, maker=302, staff=302, district=302, superuser=302)
ADMIN_ONLY = Expect(anon=302, maker=302, staff=200, district=302, superuser=200)


@dataclass(frozen=True)
class AdminRow:
    staff_view: int
    staff_add: int
    superuser_add: int = 200
    make: Callable[[dict], Any] | None = None


API_AUTHENTICATED = Expect(anon=401, maker=200, staff=200, district=200, superuser=200)


@dataclass(frozen=True)
class Operation:
    expect: Expect
    path: Callable[[dict], str] | str
    method: str
    data: Callable[[dict, str], Any] | None = None
