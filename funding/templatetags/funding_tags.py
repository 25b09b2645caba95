"""Small helpers for the funding pages."""

from django import template

register = template.Library()

_BADGES = {
    "draft": "neutral",
    "submitted": "info",
    "under_review": "warn",
    "approved": "ok",
    "rejected": "danger",
    "withdrawn": "neutral",
    "requested": "info",
    "introduced": "info",
    "meeting_held": "info",
    "term_sheet": "warn",
    "invested": "ok",
    "declined": "danger",
    "dormant": "neutral",
}


@register.filter
def badge(status: str) -> str:
    """The badge modifier for a status: `<span class="badge badge--{{ s|badge }}">`."""
    return _BADGES.get(status, "neutral")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (e.g. the page number)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else {}
    for key, value in changes.items():
        params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def reads_totals(user) -> bool:
    """Staff and the district read the funding totals."""
    from funding.selectors import can_read_totals

    return can_read_totals(user)
