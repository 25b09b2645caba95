from celery import shared_task

from incubator.tasks import RETRY_POLICY

from . import services


@shared_task(name="spaces.allocation_reminders_send", **RETRY_POLICY)
def allocation_reminders_send() -> int:
    return services.allocation_reminders_send()
