"""Application numbers and class lists."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import PATENT_KINDS, FilingKind
from .rules import TYPE_DIGITS, check_digit

CN_NUMBER = re.compile(r"^(?P<body>\d{4}[12389]\d{7})\.?(?P<check>[0-9X])$")
TRADEMARK_NUMBER = re.compile(r"^\d{1,10}$")
SOFTWARE_NUMBER = re.compile(r"^\d{4}SR\d{4,8}$")


def normalise_application_number(value: str | None) -> str:
    """Upper case, without spaces or a leading CN/ZL; a CN patent number gets its dot."""
    text = re.sub(r"\s+", "", value or "").upper()
    for prefix in ("ZL", "CN"):
        if text.startswith(prefix) and text[len(prefix) : len(prefix) + 1].isdigit():
            text = text[len(prefix) :]
    match = CN_NUMBER.match(text)
    if match:
        return f"{match['body']}.{match['check']}"
    return text


def validate_application_number(value: str, kind: str) -> None:
    """A patent number in the current CN format with a correct check digit and a type digit
    that agrees with the kind; a trademark number is digits; a software registration number
    reads like 2024SR0123456."""
    if not value:
        return
    if kind in PATENT_KINDS:
        match = CN_NUMBER.match(value)
        if not match:
            raise ValidationError(
                _(
                    "Write the application number as 4 digits of the year, the type digit, 7 digits, a dot and the check digit, e.g. 202110123456.7."
                ),
                code="format",
            )
        body = match["body"]
        if check_digit(body) != match["check"]:
            raise ValidationError(_("The check digit of this application number is wrong."), code="checksum")
        if TYPE_DIGITS[body[4]] != kind:
            raise ValidationError(
                _("The type digit %(digit)s stands for %(other)s, not for %(kind)s."),
                code="type_digit",
                params={
                    "digit": body[4],
                    "other": FilingKind(TYPE_DIGITS[body[4]]).label,
                    "kind": FilingKind(kind).label,
                },
            )
    elif kind == FilingKind.TRADEMARK and not TRADEMARK_NUMBER.match(value):
        raise ValidationError(_("A trademark application number is made of digits."), code="format")
    elif kind == FilingKind.SOFTWARE and not SOFTWARE_NUMBER.match(value):
        raise ValidationError(_("A software registration number reads like 2024SR0123456."), code="format")


def validate_nice_classes(value) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ValidationError(_("Give the Nice classes as a list of numbers."), code="invalid")
    if any(not 1 <= v <= 45 for v in value):
        raise ValidationError(_("Nice classes run from 1 to 45."), code="range")
    if len(set(value)) != len(value):
        raise ValidationError(_("Each Nice class once."), code="duplicate")


def validate_inventors(value) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError(_("Give the inventors as a list of names."), code="invalid")
    if len(value) > 50 or any(len(v) > 100 for v in value):
        raise ValidationError(_("List at most 50 inventors of up to 100 characters each."), code="too_long")


IPC = re.compile(r"^[A-H]\d{2}[A-Z](\s?\d{1,4}/\d{1,6})?$")


def validate_ipc(value: str) -> None:
    """An IPC symbol such as B27F 1/00, or just its subclass (B27F)."""
    if value and not IPC.match(value.strip().upper()):
        raise ValidationError(_("Write the IPC class like B27F 1/00."), code="format")
