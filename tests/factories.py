"""factory_boy factories for the platform's models."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from incubator.models import Heartbeat, Notification, Site, User

PASSWORD = "correct-horse-battery-staple"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"河西创新孵化器{n}号")
    name_en = factory.Sequence(lambda n: f"Hexi Innovation Incubator {n}")
    code = factory.Sequence(lambda n: f"site-{n}")
    address = "天津市河西区"
    total_area_m2 = Decimal("5000.00")
    opened_on = date(2016, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="zh_CN")
    language = "zh-hans"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "account.password_reset"
    language = "zh-hans"
    subject = "测试消息"
    body = "正文\n"
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")


class HeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Heartbeat
        django_get_or_create = ("name",)

    name = "worker"
    beat_at = factory.LazyFunction(timezone.now)


# --- companies -------------------------------------------------------------------------

from companies.models import Admission, Company, Membership, Residency  # noqa: E402


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"天津测试科技有限公司{n}")
    name_en = factory.Sequence(lambda n: f"Tianjin Test Technology {n}")
    status = "resident"
    admitted_on = date(2024, 3, 1)


class ResidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residency

    company = factory.SubFactory(CompanyFactory)
    site = factory.SubFactory(SiteFactory)
    starts_on = date(2024, 3, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = "member"


class AdmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Admission

    applicant = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    team_name = factory.Sequence(lambda n: f"创客团队{n}")
    project_summary = "用激光切割做模块化家具。"


def resident_company(*, site, owner=None, **kwargs) -> Company:
    """A resident company at `site`, owned by `owner` when given."""
    company = CompanyFactory(**kwargs)
    ResidencyFactory(company=company, site=site)
    if owner is not None:
        MembershipFactory(company=company, user=owner, role="owner")
    return company
