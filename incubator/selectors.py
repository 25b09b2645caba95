"""Reads the platform's views, API and other apps share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from .models import Heartbeat, Site, User
from .permissions import staff_site_ids


def sites_visible_to(user: Any) -> QuerySet[Site]:
    """Sites are public facts of the district: every signed-in user sees the active ones;
    staff and the district also see closed ones."""
    from .permissions import is_centre_staff, is_district

    qs = Site.objects.all()
    if not (is_centre_staff(user) or is_district(user)):
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def sites_staffed_by(user: Any) -> QuerySet[Site]:
    """The sites whose data a staff user manages."""
    ids = staff_site_ids(user)
    qs = Site.objects.all()
    return qs if ids is None else qs.filter(id__in=ids)


def users_with_role(role: str) -> QuerySet[User]:
    return User.objects.filter(groups__name=role, is_active=True).distinct()


def health_status() -> dict[str, Any]:
    """The state of the database, the broker and the worker heartbeat."""
    checks: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure means unhealthy, whatever its kind
        checks["database"] = {"ok": False, "error": type(exc).__name__}

    from celery import current_app as app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
        checks["broker"] = {"ok": True, "transport": str(transport)}
    except Exception as exc:
        checks["broker"] = {"ok": False, "error": type(exc).__name__}

    beat = None
    if checks["database"]["ok"]:
        beat = Heartbeat.objects.filter(name="worker").first()
    max_age = timedelta(seconds=settings.HEARTBEAT_MAX_AGE_SECONDS)
    if beat is None:
        checks["worker"] = {"ok": False, "last_beat": None}
    else:
        age = timezone.now() - beat.beat_at
        checks["worker"] = {
            "ok": age <= max_age,
            "last_beat": beat.beat_at.isoformat(),
            "age_seconds": int(age.total_seconds()),
        }
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
