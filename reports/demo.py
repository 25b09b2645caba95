"""Demo data of the reports app: the district's scheduled reports for the last month and
quarter, produced by the worker as they would be on the 1st."""

from typing import Any

from incubator.models import User

from .choices import ExportKind
from .services import scheduled_report_create


def seed_reports(*, users: dict[str, User], stdout: Any = None) -> None:
    created = [scheduled_report_create(kind=kind)[1] for kind in (ExportKind.MONTHLY, ExportKind.QUARTERLY)]
    if stdout is not None and any(created):
        stdout.write("Reports: last month's and last quarter's district reports queued.")
