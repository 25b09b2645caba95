"""The admin writes through the services: budgets, decisions and tranches keep their rules."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Disbursement, FundingApplication, Programme, Sponsor
from tests.funding.factories import ProgrammeFactory, application_in

pytestmark = pytest.mark.django_db


def _programme_form(**change):
    data = {
        "name": "“十三五”部委认定团队资助",
        "name_en": "",
        "level": "ministry",
        "kind": "project_subsidy",
        "funder": "科学技术部",
        "period_label": "“十三五”",
        "period_start_year": "2016",
        "period_end_year": "2020",
        "budget": "40000000",
        "annual_budget": "",
        "min_award": "",
        "max_award": "4000000",
        "requires_residency": "on",
        "required_designations": ["sme"],
        "opens_on": "",
        "closes_on": "",
        "description": "",
        "is_active": "on",
    }
    data.update(change)
    return data


def test_staff_add_a_programme_through_the_service(client_for, staff):
    response = client_for(staff).post(reverse("admin:funding_programme_add"), _programme_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    programme = Programme.objects.get()
    assert programme.required_designations == ["sme"] and programme.history.get().history_user == staff


def test_the_budget_cannot_be_cut_below_what_is_approved(client_for, maker_a, staff, company_a):
    programme = ProgrammeFactory()
    application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)
    response = client_for(staff).post(
        reverse("admin:funding_programme_change", args=[programme.pk]),
        _programme_form(name=programme.name, level="municipal", budget="900000", max_award="900000"),
    )
    assert response.status_code == 200 and "budget" in response.context["adminform"].form.errors
    assert Programme.objects.get(pk=programme.pk).budget == programme.budget


def test_approving_from_the_list_keeps_to_the_budget(
    client_for, maker_a, maker_b, staff, superuser, company_a, company_b
):
    programme = ProgrammeFactory(budget=Decimal("1500000"), max_award=Decimal("1000000"))
    a = application_in("under_review", company=company_a, programme=programme, maker=maker_a, officer=staff)
    b = application_in("under_review", company=company_b, programme=programme, maker=maker_b, officer=superuser)
    response = client_for(superuser).post(
        reverse("admin:funding_fundingapplication_changelist"),
        {"action": "approve_selected", "_selected_action": [a.pk, b.pk]},
        follow=True,
    )
    assert response.status_code == 200
    statuses = dict(FundingApplication.objects.values_list("pk", "status"))
    assert sorted(statuses.values()) == ["approved", "under_review"]
    assert any("budget" in str(m) or "预算" in str(m) for m in response.context["messages"])


def test_a_tranche_over_the_award_is_refused(client_for, maker_a, staff, company_a, programme):
    award = application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)
    url = reverse("admin:funding_disbursement_add")
    data = {
        "application": award.pk,
        "amount": "1000000.01",
        "due_on": timezone.localdate().isoformat(),
        "paid_on": "",
        "reference": "",
        "note": "",
    }
    response = client_for(staff).post(url, data, follow=True)
    assert response.status_code == 200 and not Disbursement.objects.exists()
    data["amount"] = "1000000"
    assert client_for(staff).post(url, data).status_code == 302
    assert Disbursement.objects.get().recorded_by == staff


def test_a_sponsor_with_its_contacts(client_for, staff):
    response = client_for(staff).post(
        reverse("admin:funding_sponsor_add"),
        {
            "name": "中国民营投资",
            "name_en": "China Minying Investment",
            "kind": "investor",
            "focus_sectors": ["energy", "manufacturing"],
            "ticket_min": "10000000",
            "ticket_max": "500000000",
            "website": "",
            "description": "",
            "is_active": "on",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
            "contacts-0-name": "孙总",
            "contacts-0-title": "投资总监",
            "contacts-0-email": "sun@example.cn",
            "contacts-0-phone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sponsor = Sponsor.objects.get()
    assert sponsor.focus_sectors == ["manufacturing", "energy"] and sponsor.contacts.get().name == "孙总"
