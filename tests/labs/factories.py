"""factory_boy factories for the labs app, and times that are always bookable."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from labs import intervals
from labs.choices import BookingStatus, EquipmentKind
from labs.models import Booking, Closure, Equipment, Lab, MaintenanceWindow, OpeningHours, Training
from tests.factories import CompanyFactory, SiteFactory, UserFactory


def next_monday(weeks: int = 1) -> date:
    """A Monday `weeks` weeks ahead (1: the coming Monday, never today)."""
    today = timezone.localdate()
    return intervals.week_start(today) + timedelta(weeks=weeks)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware moment of the site's time zone."""
    return intervals.at(day, time(hour, minute))


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lab
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"激光加工工坊{n}")
    name_en = factory.Sequence(lambda n: f"Laser workshop {n}")
    room = "A座二层"

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        """Open every day 08:00–20:00 unless `hours=[(weekday, "HH:MM", "HH:MM"), ...]` says otherwise."""
        if not create:
            return
        spec = extracted if extracted is not None else [(d, "08:00", "20:00") for d in range(7)]
        for weekday, opens, closes in spec:
            OpeningHours.objects.create(
                lab=self, weekday=weekday, opens_at=time.fromisoformat(opens), closes_at=time.fromisoformat(closes)
            )


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    lab = factory.SubFactory(LabFactory)
    name = factory.Sequence(lambda n: f"CO₂激光切割机{n}号")
    name_en = factory.Sequence(lambda n: f"CO2 laser cutter {n}")
    kind = EquipmentKind.LASER_CUTTER
    needs_training = True
    needs_approval = False
    slot_minutes = 30
    min_minutes = 30
    max_minutes = 240
    horizon_days = 30
    cancellation_cutoff_hours = 24
    hourly_rate = Decimal("80.00")


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    lab = factory.SubFactory(LabFactory)
    starts_on = factory.LazyFunction(lambda: next_monday())
    ends_on = factory.SelfAttribute("starts_on")
    reason = "设备年检"


class MaintenanceWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaintenanceWindow

    equipment = factory.SubFactory(EquipmentFactory)
    starts_at = factory.LazyFunction(lambda: at(next_monday(), 8))
    ends_at = factory.LazyFunction(lambda: at(next_monday(), 12))
    reason = "更换激光管"


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    user = factory.SubFactory(UserFactory)
    kind = EquipmentKind.LASER_CUTTER
    granted_on = date(2024, 1, 1)
    expires_on = None


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written directly, without the service's rules (for setting the scene)."""

    class Meta:
        model = Booking

    equipment = factory.SubFactory(EquipmentFactory)
    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    starts_at = factory.LazyFunction(lambda: at(next_monday(), 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    status = BookingStatus.CONFIRMED
    amount = Decimal("80.00")
    cancelled_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == BookingStatus.CANCELLED else None)
