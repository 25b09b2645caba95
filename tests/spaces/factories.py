"""factory_boy factories for the spaces app. Allocations in tests are made through the
services, so that every fixture obeys the rules; `AllocationFactory` writes a row directly,
for the tests of the database's own constraints."""

from datetime import date
from decimal import Decimal

import factory

from spaces.models import Allocation, Space, SpaceRequest
from tests.factories import SiteFactory


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    site = factory.SubFactory(SiteFactory)
    code = factory.Sequence(lambda n: f"B2-{301 + n}")
    kind = "office"
    floor = 3
    area_m2 = Decimal("40.00")
    desks = 4
    monthly_rent = Decimal("2400.00")


def office(site, **kwargs) -> Space:
    return SpaceFactory(site=site, **kwargs)


def open_desks(site, desks: int = 10, **kwargs) -> Space:
    kwargs.setdefault("area_m2", Decimal("100.00"))
    kwargs.setdefault("monthly_rent", Decimal("450.00"))
    kwargs.setdefault("floor", 1)
    return SpaceFactory(site=site, kind="open_desks", desks=desks, **kwargs)


def workshop(site, **kwargs) -> Space:
    kwargs.setdefault("area_m2", Decimal("80.00"))
    kwargs.setdefault("desks", 6)
    kwargs.setdefault("floor", 1)
    return SpaceFactory(site=site, kind="workshop", **kwargs)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    space = factory.SubFactory(SpaceFactory)
    company = None
    starts_on = date(2026, 3, 1)
    ends_on = None
    desks = factory.LazyAttribute(lambda a: a.space.desks)
    exclusive = factory.LazyAttribute(lambda a: a.space.is_exclusive)
    monthly_rent = factory.LazyAttribute(lambda a: a.space.monthly_rent)


class SpaceRequestFactory(factory.django.DjangoModelFactory):
    """An open request, written directly (the rule "one open request per kind" is the service's)."""

    class Meta:
        model = SpaceRequest

    company = None
    site = None
    kind = "open_desks"
    desks = 2
    wanted_from = date(2026, 6, 1)
    reason = "新成员入职，需要工位。"
