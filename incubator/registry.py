"""Extension points through which the apps plug into the platform.

The platform never imports an app (DESIGN.md, "Layout and layers"). An app that wants a
navigation entry, a panel on the portal home page, a kind of notification, a periodic job
or demo data registers it here from its `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


def _always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    """An entry of the portal's main navigation."""

    key: str
    label: str | Promise
    url_name: str
    order: int = 100
    visible: Callable[[Any], bool] = _always


@dataclass(frozen=True)
class Panel:
    """A card on the portal home page; `context` builds what its template needs."""

    key: str
    template: str
    order: int = 100
    visible: Callable[[Any], bool] = _always
    context: Callable[[Any], dict] = field(default=lambda request: {})


@dataclass(frozen=True)
class NotificationKind:
    """A kind of message: a subject template (one line) and a body template.

    Both are rendered in the recipient's language when the message is queued.
    """

    key: str
    subject_template: str
    body_template: str


@dataclass(frozen=True)
class PeriodicJob:
    """A default entry of the beat schedule; staff may edit or disable it in the admin."""

    name: str
    task: str
    every_seconds: int | None = None
    crontab: dict[str, str] | None = None
    description: str = ""


@dataclass(frozen=True)
class DemoSeeder:
    """A function that adds an app's demo data; it must be idempotent."""

    key: str
    seed: Callable[..., None]
    order: int = 100


class Registry:
    def __init__(self) -> None:
        self.nav_items: dict[str, NavItem] = {}
        self.panels: dict[str, Panel] = {}
        self.notification_kinds: dict[str, NotificationKind] = {}
        self.periodic_jobs: dict[str, PeriodicJob] = {}
        self.demo_seeders: dict[str, DemoSeeder] = {}
        self.company_role_resolver: Callable[[Any, Any], str | None] | None = None
        self.role_permissions: dict[str, set[str]] = {}

    @staticmethod
    def _add(table: dict, key: str, item: Any) -> None:
        if key in table and table[key] != item:
            raise ValueError(f"{key!r} is already registered")
        table[key] = item

    def register_nav_item(self, item: NavItem) -> None:
        self._add(self.nav_items, item.key, item)

    def register_panel(self, panel: Panel) -> None:
        self._add(self.panels, panel.key, panel)

    def register_notification_kind(self, kind: NotificationKind) -> None:
        self._add(self.notification_kinds, kind.key, kind)

    def register_periodic_job(self, job: PeriodicJob) -> None:
        if (job.every_seconds is None) == (job.crontab is None):
            raise ValueError(f"{job.name!r} needs exactly one of every_seconds and crontab")
        self._add(self.periodic_jobs, job.name, job)

    def register_demo_seeder(self, seeder: DemoSeeder) -> None:
        self._add(self.demo_seeders, seeder.key, seeder)

    def register_role_permissions(self, role: str, permissions: list[str] | tuple[str, ...]) -> None:
        """Model permissions (`app_label.codename`) a role's group gets in the admin."""
        self.role_permissions.setdefault(role, set()).update(permissions)

    def register_company_role_resolver(self, resolver: Callable[[Any, Any], str | None]) -> None:
        """The companies app tells the platform which role a user holds in a company."""
        self.company_role_resolver = resolver

    def nav_for(self, user: Any) -> list[NavItem]:
        return sorted((i for i in self.nav_items.values() if i.visible(user)), key=lambda i: (i.order, i.key))

    def panels_for(self, user: Any) -> list[Panel]:
        return sorted((p for p in self.panels.values() if p.visible(user)), key=lambda p: (p.order, p.key))

    def notification_kind(self, key: str) -> NotificationKind:
        try:
            return self.notification_kinds[key]
        except KeyError:
            raise LookupError(f"No notification kind {key!r} is registered") from None


registry = Registry()
