"""The Celery application.

JSON only; tasks are acknowledged after they ran and re-queued when a worker dies under
them, so every task must be safe to run twice (they are: see STYLE.md, rule 7). Each app's
`tasks.py` is found by autodiscovery.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("incubator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=15 * 60,
    task_soft_time_limit=14 * 60,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    timezone="Asia/Shanghai",
    enable_utc=True,
)
app.autodiscover_tasks()
