"""Daily reminders; each task calls one service, which is safe to run twice (dedupe keys)."""

from celery import shared_task

from incubator.tasks import RETRY_POLICY

from . import services


@shared_task(name="funding.programme_closing_reminders_send", **RETRY_POLICY)
def programme_closing_reminders_send() -> int:
    return services.programme_closing_reminders_send()


@shared_task(name="funding.introduction_quiet_reminders_send", **RETRY_POLICY)
def introduction_quiet_reminders_send() -> int:
    return services.introduction_quiet_reminders_send()


@shared_task(name="funding.disbursement_due_reminders_send", **RETRY_POLICY)
def disbursement_due_reminders_send() -> int:
    return services.disbursement_due_reminders_send()
