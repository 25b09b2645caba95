"""factory_boy factories and small builders for the funding app.

Applications and introductions are moved along through the services, so that their
history, their decision fields and the programme's running total are what the app
itself would have written.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from funding import services
from funding.choices import ApplicationStatus, IntroductionStatus, ProgrammeKind, ProgrammeLevel, SponsorKind
from funding.models import FundingApplication, Introduction, Programme, Sponsor, SponsorContact

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def today():
    return timezone.localdate()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """An open municipal subsidy: 10 million yuan, awards up to 2 million."""

    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"天津市科技型中小企业创新资金{n}")
    name_en = factory.Sequence(lambda n: f"Tianjin S&T SME Innovation Fund {n}")
    level = ProgrammeLevel.MUNICIPAL
    kind = ProgrammeKind.INNOVATION_FUND
    funder = "天津市科学技术局"
    budget = Decimal("10000000.00")
    max_award = Decimal("2000000.00")
    requires_residency = True
    opens_on = factory.LazyFunction(lambda: today() - timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: today() + timedelta(days=30))


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    name = factory.Sequence(lambda n: f"海河创投{n}号基金")
    name_en = factory.Sequence(lambda n: f"Haihe Ventures Fund {n}")
    kind = SponsorKind.INVESTOR
    focus_sectors = ["manufacturing", "electronics"]
    ticket_min = Decimal("1000000.00")
    ticket_max = Decimal("20000000.00")


class SponsorContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SponsorContact

    sponsor = factory.SubFactory(SponsorFactory)
    name = "赵经理"
    title = "投资总监"
    email = factory.Sequence(lambda n: f"contact{n}@haihe-vc.example.cn")
    phone = "022-23456789"


def application_in(
    status: str,
    *,
    company,
    programme,
    maker,
    officer,
    amount: Decimal = Decimal("1000000.00"),
    approved: Decimal | None = None,
) -> FundingApplication:
    """An application of `company` brought to `status` through the services."""
    application = services.application_create(
        company=company,
        programme=programme,
        by=maker,
        requested_amount=amount,
        purpose="研发一条榫卯构件自动化生产线。",
    )
    if status == ApplicationStatus.DRAFT:
        return application
    if status == ApplicationStatus.WITHDRAWN:
        return services.application_withdraw(application=application, by=maker)
    application = services.application_submit(application=application, by=maker)
    if status == ApplicationStatus.SUBMITTED:
        return application
    if status == ApplicationStatus.REJECTED:
        return services.application_reject(application=application, by=officer, note="预算已用完。")
    application = services.application_start_review(application=application, by=officer)
    if status == ApplicationStatus.UNDER_REVIEW:
        return application
    return services.application_approve(application=application, by=officer, approved_amount=approved)


_PATH = {
    IntroductionStatus.REQUESTED: [],
    IntroductionStatus.INTRODUCED: [IntroductionStatus.INTRODUCED],
    IntroductionStatus.MEETING_HELD: [IntroductionStatus.INTRODUCED, IntroductionStatus.MEETING_HELD],
    IntroductionStatus.TERM_SHEET: [
        IntroductionStatus.INTRODUCED,
        IntroductionStatus.MEETING_HELD,
        IntroductionStatus.TERM_SHEET,
    ],
    IntroductionStatus.INVESTED: [
        IntroductionStatus.INTRODUCED,
        IntroductionStatus.MEETING_HELD,
        IntroductionStatus.TERM_SHEET,
        IntroductionStatus.INVESTED,
    ],
    IntroductionStatus.DECLINED: [IntroductionStatus.DECLINED],
    IntroductionStatus.DORMANT: [IntroductionStatus.INTRODUCED, IntroductionStatus.DORMANT],
}


def introduction_in(status: str, *, company, sponsor, maker, officer) -> Introduction:
    introduction = services.introduction_request(company=company, sponsor=sponsor, by=maker, message="寻求A轮融资。")
    for step in _PATH[status]:
        extra = {"amount_invested": Decimal("5000000.00")} if step == IntroductionStatus.INVESTED else {}
        introduction = services.introduction_advance(introduction=introduction, by=officer, status=step, **extra)
    return introduction
