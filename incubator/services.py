"""Every write of the platform: users, sites, notifications, the worker heartbeat."""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from .choices import Language, NotificationStatus, Role
from .models import Heartbeat, Notification, Site, User
from .registry import registry

logger = logging.getLogger(__name__)


# --- Users ---------------------------------------------------------------------------


def user_create(
    *,
    email: str,
    password: str | None = None,
    full_name: str = "",
    phone: str = "",
    language: str = Language.ZH_HANS,
    roles: tuple[str, ...] | list[str] = (),
    staff_sites: tuple[Site, ...] | list[Site] = (),
    is_superuser: bool = False,
) -> User:
    """Create an account. Without a password the account cannot sign in until it sets one."""
    user = User(
        email=User.objects.normalize_email(email).lower(),
        full_name=full_name,
        phone=phone,
        language=language,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        if roles or staff_sites:
            user_set_roles(user=user, roles=roles, staff_sites=staff_sites)
    return user


def user_set_roles(*, user: User, roles, staff_sites=()) -> User:
    """Give the user exactly these roles; centre staff may be limited to some sites."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Unknown role.")})
    with transaction.atomic():
        groups = [Group.objects.get_or_create(name=name)[0] for name in roles]
        user.groups.set(groups)
        user.staff_sites.set(staff_sites if Role.CENTRE_STAFF in roles else [])
        # Centre staff work in the admin; the district reads through the portal.
        user.is_staff = user.is_superuser or Role.CENTRE_STAFF in roles
        user.save(update_fields=["is_staff"])
    for attr in ("_incubator_roles", "_incubator_staff_sites"):
        user.__dict__.pop(attr, None)
    return user


def roles_install(*, using: str = "default") -> None:
    """Create the role groups with the permissions the apps registered; idempotent."""
    from django.contrib.auth.models import Permission

    for role in Role.values:
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = registry.role_permissions.get(role, set())
        by_app: dict[str, set[str]] = {}
        for perm in wanted:
            app_label, codename = perm.split(".", 1)
            by_app.setdefault(app_label, set()).add(codename)
        q = Q(pk__in=[])
        for app_label, codenames in by_app.items():
            q |= Q(content_type__app_label=app_label, codename__in=codenames)
        perms = list(Permission.objects.using(using).filter(q))
        group.permissions.set(perms)


def user_sync_admin_access(*, user: User) -> User:
    """Admin access follows the roles: superusers and centre staff, nobody else."""
    is_staff = user.is_superuser or user.groups.filter(name=Role.CENTRE_STAFF).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    return user


def user_update_profile(*, user: User, full_name: str, phone: str, language: str) -> User:
    user.full_name = full_name
    user.phone = phone
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone", "language"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    if language not in Language.values:
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def api_token_obtain(*, user: User) -> Token:
    """The user's API token, created on first use."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


# --- Sites ---------------------------------------------------------------------------


def site_create(
    *,
    name: str,
    code: str,
    name_en: str = "",
    kind: str = "incubator",
    address: str = "",
    total_area_m2: Decimal | None = None,
    opened_on=None,
) -> Site:
    site = Site(
        name=name,
        code=code,
        name_en=name_en,
        kind=kind,
        address=address,
        total_area_m2=total_area_m2,
        opened_on=opened_on,
    )
    site.full_clean()
    site.save()
    return site


# --- Notifications -------------------------------------------------------------------


def render_notification(*, kind: str, recipient: User, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject and body of a message, in the recipient's language."""
    spec = registry.notification_kind(kind)
    language = recipient.language or settings.LANGUAGE_CODE
    full_context = {"recipient": recipient, "site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(spec.subject_template, full_context)
        body = render_to_string(spec.body_template, full_context)
    subject = " ".join(subject.split())[:250]
    return language, subject, body.strip() + "\n"


def notification_enqueue(
    *,
    recipient: User,
    kind: str,
    dedupe_key: str,
    context: dict[str, Any] | None = None,
    send_after: datetime | None = None,
) -> tuple[Notification, bool]:
    """Queue a message once: a second call with the same `dedupe_key` returns the first row.

    The dispatcher is woken when the transaction commits.
    """
    existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
    if existing:
        return existing, False
    language, subject, body = render_notification(kind=kind, recipient=recipient, context=context or {})
    notification = Notification(
        recipient=recipient,
        kind=kind,
        language=language,
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        send_after=send_after or timezone.now(),
    )
    try:
        # A savepoint, so that losing a race to a concurrent enqueue leaves the caller's
        # transaction usable.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key), False
    if notification.send_after <= timezone.now():
        _wake_dispatcher_on_commit()
    return notification, True


def _wake_dispatcher() -> None:
    from .tasks import notifications_dispatch

    notifications_dispatch.delay()


_wake_dispatcher.incubator_dispatch = True


def _wake_dispatcher_on_commit() -> None:
    """Queue one dispatcher run when the transaction commits, however many messages it queued."""
    from django.db import connection

    if connection.in_atomic_block and any(
        getattr(func, "incubator_dispatch", False) for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_wake_dispatcher)


@dataclass
class DispatchResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def _claimable(now: datetime) -> Q:
    return Q(status=NotificationStatus.PENDING, send_after__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


# Errors after which sending again later may succeed.
TRANSIENT_SEND_ERRORS = (smtplib.SMTPException, OSError, TimeoutError)


def notifications_dispatch(*, limit: int = 200) -> DispatchResult:
    """Send every message that is due, each exactly once.

    Each message is claimed by a conditional UPDATE that only one dispatcher can win, and
    the claim is committed before the message leaves; it is marked sent right after. A
    worker killed before sending leaves a claim that expires after
    `NOTIFICATION_CLAIM_SECONDS`, so the message is sent later rather than lost. The only
    window for a repeat is a crash between the mail server's acceptance and the next
    statement; the Message-ID is derived from the dedupe key so that a repeat is
    recognisable as the same message.
    """
    result = DispatchResult()
    now = timezone.now()
    due_ids = list(
        Notification.objects.filter(_claimable(now)).order_by("send_after", "id").values_list("id", flat=True)[:limit]
    )
    for pk in due_ids:
        token = uuid.uuid4()
        claim_time = timezone.now()
        claimed = Notification.objects.filter(_claimable(claim_time), pk=pk).update(
            claim_token=token,
            claimed_until=claim_time + timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
        if not claimed:
            result.skipped += 1
            continue
        notification = Notification.objects.select_related("recipient").get(pk=pk)
        mine = Notification.objects.filter(pk=pk, claim_token=token)
        if not notification.recipient.is_active or not notification.recipient.email:
            mine.update(status=NotificationStatus.FAILED, claimed_until=None, last_error="inactive recipient")
            result.failed += 1
            continue
        try:
            _send(notification)
        except TRANSIENT_SEND_ERRORS as exc:
            give_up = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
            logger.warning("Sending notification %s failed (attempt %s): %s", pk, notification.attempts, exc)
            mine.update(
                status=NotificationStatus.FAILED if give_up else NotificationStatus.PENDING,
                claimed_until=None,
                send_after=timezone.now() + _retry_delay(notification.attempts),
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            result.failed += 1
            continue
        mine.update(status=NotificationStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error="")
        result.sent += 1
    return result


def _send(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        to=[notification.recipient.email],
        headers={"Message-ID": notification.message_id, "X-Incubator-Kind": notification.kind},
    )
    message.send(fail_silently=False)


# --- Heartbeat -----------------------------------------------------------------------


def heartbeat_record(*, name: str = "worker", hostname: str = "") -> Heartbeat:
    heartbeat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now(), "hostname": hostname[:200]}
    )
    return heartbeat


# --- Beat schedule -------------------------------------------------------------------


def periodic_jobs_install(*, using: str = "default") -> int:
    """Add the registered default jobs to the beat schedule; idempotent.

    A job that already exists is left as it is, so that what staff changed in the admin
    (its interval, or that it is disabled) survives upgrades. Returns how many were added.
    """
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    added = 0
    for job in registry.periodic_jobs.values():
        if PeriodicTask.objects.using(using).filter(name=job.name).exists():
            continue
        fields: dict[str, Any] = {"name": job.name, "task": job.task, "description": job.description}
        if job.every_seconds is not None:
            fields["interval"], _c = IntervalSchedule.objects.using(using).get_or_create(
                every=job.every_seconds, period=IntervalSchedule.SECONDS
            )
        else:
            spec = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
            spec.update(job.crontab or {})
            fields["crontab"], _c = CrontabSchedule.objects.using(using).get_or_create(
                **spec, timezone=settings.TIME_ZONE
            )
        PeriodicTask.objects.using(using).create(**fields)
        added += 1
    return added
