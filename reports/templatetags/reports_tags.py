"""`{{ value|indicator:unit }}`: a snapshot value as the dashboard shows it."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from incubator.templatetags.money import cny

from ..snapshot import Unit, number

register = template.Library()


@register.filter
def indicator(value, unit: str = Unit.COUNT) -> str:
    value = number(value)
    if value is None:
        return _("no data")
    if unit == Unit.CNY:
        return cny(value, 2)
    if unit in (Unit.COUNT, Unit.YEAR):
        return f"{int(value):,}" if unit == Unit.COUNT else str(int(value))
    if unit == Unit.PERCENT:
        return f"{Decimal(value):.1f} %"
    if unit == Unit.M2:
        return f"{Decimal(value):,.2f} m²"
    if unit == Unit.HOURS:
        return f"{Decimal(value):,.1f} h"
    return f"{Decimal(value):,.2f}"


@register.filter
def signed_indicator(value, unit: str = Unit.COUNT) -> str:
    if value is None:
        return ""
    text = indicator(abs(value), unit)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text
