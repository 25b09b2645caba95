from celery import shared_task

from incubator.tasks import RETRY_POLICY

from . import services


@shared_task(name="patents.deadline_reminders_send", **RETRY_POLICY)
def deadline_reminders_send() -> int:
    return services.deadline_reminders_send()


@shared_task(name="patents.deadlines_sweep", **RETRY_POLICY)
def deadlines_sweep() -> dict:
    result = services.deadlines_sweep()
    return {
        "recomputed": result.recomputed,
        "flagged": result.flagged,
        "lapsed": result.lapsed,
        "expired": result.expired,
    }
