"""Reads shared by the portal, the API and the exports; each takes the acting user."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from incubator import permissions
from incubator.choices import Role
from incubator.models import User

from .choices import AdmissionStatus, CompanyStatus, MemberRole
from .models import Admission, Company, Designation, Membership, Residency, YearFigures


def company_roles_of(user: Any) -> dict[int, str]:
    """The user's role per company id, in one query (for pages that show many companies)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(Membership.objects.filter(user=user).values_list("company_id", "role"))


def company_role_resolver(user: Any, company: Any) -> str | None:
    """The platform's `company_role` asks here. Not cached: a role changed a moment ago counts."""
    return (
        Membership.objects.filter(user=user, company_id=getattr(company, "pk", company))
        .values_list("role", flat=True)
        .first()
    )


def companies_visible_to(user: Any) -> QuerySet[Company]:
    """Makers see their own companies; staff those resident at their sites (and those that
    applied there); the district sees all."""
    qs = Company.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if permissions.can_read_all_sites(user):
        return qs
    own = Q(memberships__user=user)
    if permissions.is_centre_staff(user):
        ids = permissions.staff_site_ids(user) or []
        at_sites = Exists(Residency.objects.filter(company=OuterRef("pk"), site_id__in=ids))
        return qs.filter(Q(at_sites) | own).distinct()
    return qs.filter(own).distinct()


def current_residencies() -> Prefetch:
    return Prefetch(
        "residencies",
        queryset=Residency.objects.filter(ends_on__isnull=True).select_related("site"),
        to_attr="current_residencies",
    )


def company_list(user: Any) -> QuerySet[Company]:
    return companies_visible_to(user).prefetch_related(current_residencies()).order_by("name")


def company_detail(user: Any, pk: int) -> Company:
    """One company the user may see, with what its page shows; `Company.DoesNotExist` otherwise."""
    return (
        companies_visible_to(user)
        .prefetch_related(
            current_residencies(),
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("user").order_by("-role", "user__email")
            ),
            "designations",
            "year_figures",
            "awards",
            "consultations",
        )
        .get(pk=pk)
    )


def memberships_visible_to(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(company__in=companies_visible_to(user)).select_related("user", "company")


def designations_visible_to(user: Any) -> QuerySet[Designation]:
    return Designation.objects.filter(company__in=companies_visible_to(user)).select_related("company")


def year_figures_visible_to(user: Any) -> QuerySet[YearFigures]:
    return YearFigures.objects.filter(company__in=companies_visible_to(user)).select_related("company")


def admissions_visible_to(user: Any) -> QuerySet[Admission]:
    """Applicants see their own applications; staff those to their sites; the district all."""
    qs = Admission.objects.select_related("applicant", "site", "decided_by", "company")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if permissions.can_read_all_sites(user):
        return qs
    if permissions.is_centre_staff(user):
        return qs.filter(Q(site_id__in=permissions.staff_site_ids(user) or []) | Q(applicant=user))
    return qs.filter(applicant=user)


def admissions_waiting(user: Any) -> QuerySet[Admission]:
    return admissions_visible_to(user).filter(status__in=[AdmissionStatus.SUBMITTED, AdmissionStatus.UNDER_REVIEW])


def designations_expiring_within(*, days: int, today: date | None = None) -> QuerySet[Designation]:
    today = today or timezone.localdate()
    return (
        Designation.objects.filter(expires_on__gt=today, expires_on__lte=today + timedelta(days=days))
        .select_related("company")
        .prefetch_related(Prefetch("company__memberships", queryset=Membership.objects.select_related("user")))
    )


def staff_for_company(company: Company) -> QuerySet[User]:
    """Centre staff who work for the company's current site (or for every site)."""
    site_id = Residency.objects.filter(company=company, ends_on__isnull=True).values_list("site_id", flat=True).first()
    staff = User.objects.filter(groups__name=Role.CENTRE_STAFF, is_active=True)
    if site_id is None:
        return staff.filter(staff_sites__isnull=True).distinct()
    return staff.filter(Q(staff_sites__isnull=True) | Q(staff_sites=site_id)).distinct()


def companies_missing_figures(*, year: int) -> QuerySet[Company]:
    return (
        Company.objects.filter(status=CompanyStatus.RESIDENT, admitted_on__lte=date(year, 12, 31))
        .exclude(year_figures__year=year)
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.filter(role=MemberRole.OWNER).select_related("user"))
        )
    )
