from celery import shared_task

from incubator.tasks import RETRY_POLICY

from . import services


@shared_task(name="labs.booking_reminders_send", **RETRY_POLICY)
def booking_reminders_send() -> int:
    return services.booking_reminders_send()


@shared_task(name="labs.pending_bookings_remind_staff", **RETRY_POLICY)
def pending_bookings_remind_staff() -> int:
    return services.pending_bookings_remind_staff()


@shared_task(name="labs.bookings_complete_ended", **RETRY_POLICY)
def bookings_complete_ended() -> dict:
    result = services.bookings_complete_ended()
    return {"completed": result.completed, "expired": result.expired}
