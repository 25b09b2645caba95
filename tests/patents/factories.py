"""Factories for the patents app's models."""

from datetime import date

import factory

from patents.models import Filing
from patents.rules import check_digit
from tests.factories import CompanyFactory

TYPE_DIGIT = {"invention": "1", "utility_model": "2", "design": "3"}


def cn_number(kind: str, year: int, serial: int) -> str:
    """A valid CN application number: year, type digit, serial, dot, check digit."""
    body = f"{year}{TYPE_DIGIT[kind]}{serial:07d}"
    return f"{body}.{check_digit(body)}"


class FilingFactory(factory.django.DjangoModelFactory):
    """A filed utility model; pass `kind`, dates and `status` for others. Deadlines are not
    computed: use the services for that."""

    class Meta:
        model = Filing

    company = factory.SubFactory(CompanyFactory)
    kind = "utility_model"
    title = factory.Sequence(lambda n: f"一种榫卯连接结构{n}")
    filing_date = date(2024, 3, 15)
    status = "filed"
    application_number = factory.Sequence(lambda n: cn_number("utility_model", 2024, 1000000 + n))
