from celery import shared_task

from incubator.tasks import RETRY_POLICY

from . import services


@shared_task(name="companies.designation_reminders_send", **RETRY_POLICY)
def designation_reminders_send() -> int:
    return services.designation_reminders_send()


@shared_task(name="companies.figures_requests_send", **RETRY_POLICY)
def figures_requests_send() -> int:
    return services.figures_requests_send()
