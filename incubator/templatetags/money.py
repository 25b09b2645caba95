"""`{{ amount|cny }}`: a yuan amount with thousands separators, e.g. ¥1,234,567.00."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def cny(value, places: int = 2) -> str:
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.{int(places)}f}"
