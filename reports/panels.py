"""What the reports app shows on the portal home page."""

from . import selectors


def latest_reports(request) -> dict:
    return {"exports": selectors.latest_exports(request.user)}
