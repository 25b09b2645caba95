"""Platform tasks: the notification dispatcher and the worker heartbeat.

Tasks take primary keys, call one service and are safe to run twice (STYLE.md, rule 7).
Transient failures (a database or mail server that is briefly away) are retried with
exponential backoff.
"""

import logging
import socket

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
RETRY_POLICY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="incubator.notifications_dispatch", **RETRY_POLICY)
def notifications_dispatch() -> dict:
    result = services.notifications_dispatch()
    if result.sent or result.failed:
        logger.info("Notifications: %s sent, %s failed, %s skipped", result.sent, result.failed, result.skipped)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@shared_task(name="incubator.heartbeat_record", **RETRY_POLICY)
def heartbeat_record() -> str:
    heartbeat = services.heartbeat_record(name="worker", hostname=socket.gethostname())
    return heartbeat.beat_at.isoformat()
