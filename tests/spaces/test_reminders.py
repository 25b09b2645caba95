"""An allocation that ends: owners and the site's staff hear 60, 30 and 7 days before, once each."""

from datetime import timedelta

import pytest
from django.core import mail

from incubator.models import Notification
from spaces import services, tasks
from tests.factories import MembershipFactory
from tests.spaces.conftest import DEC, JUN, MAR, SEP
from tests.spaces.factories import office

pytestmark = pytest.mark.django_db


def recipients(kind="spaces.allocation_ending") -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_60_30_and_7_days_before_once_each(allocate, office_a, company_a, maker_a, staff):
    MembershipFactory(company=company_a, role="member")  # members are not reminded
    allocate(office_a, company_a, MAR, SEP)
    send = services.allocation_reminders_send
    assert send(today=SEP - timedelta(days=61)) == 0
    assert send(today=SEP - timedelta(days=60)) == 2  # the owner and the site's staff
    assert send(today=SEP - timedelta(days=59)) == 0
    assert send(today=SEP - timedelta(days=30)) == 2
    assert send(today=SEP - timedelta(days=30)) == 0  # running twice changes nothing
    assert send(today=SEP - timedelta(days=7)) == 2
    assert send(today=SEP - timedelta(days=1)) == 0
    assert send(today=SEP) == 0
    assert recipients() == {maker_a.email, staff.email}
    assert Notification.objects.count() == 6


def test_missed_days_are_caught_up_with_the_nearest_threshold(allocate, office_a, company_a, staff):
    allocation = allocate(office_a, company_a, MAR, SEP)
    assert services.allocation_reminders_send(today=SEP - timedelta(days=45)) == 2
    assert services.allocation_reminders_send(today=SEP - timedelta(days=20)) == 2
    keys = sorted(Notification.objects.values_list("dedupe_key", flat=True))
    assert all(key.startswith(f"allocation:{allocation.pk}:{SEP}:") for key in keys)
    assert {key.split(":")[3] for key in keys} == {"60", "30"}


def test_an_extension_is_reminded_of_its_new_end(allocate, office_a, company_a, staff):
    allocation = allocate(office_a, company_a, MAR, SEP)
    services.allocation_reminders_send(today=SEP - timedelta(days=7))
    services.allocation_extend(allocation=allocation, ends_on=DEC, by=staff)
    assert services.allocation_reminders_send(today=SEP - timedelta(days=6)) == 0
    assert services.allocation_reminders_send(today=DEC - timedelta(days=60)) == 2


def test_open_ended_and_moved_allocations_are_not_reminded(allocate, office_a, company_a, site_a, staff):
    allocate(office_a, company_a, MAR)
    moving = allocate(office(site_a, code="B2-306"), company_a, MAR, DEC)
    services.allocation_move(allocation=moving, space=office(site_a, code="B2-307"), on=SEP, by=staff)
    assert services.allocation_reminders_send(today=SEP - timedelta(days=30)) == 0


def test_in_the_recipients_language_and_not_to_other_sites_staff(allocate, office_b, company_b, maker_b, staff):
    allocate(office_b, company_b, JUN, SEP)
    services.allocation_reminders_send(today=SEP - timedelta(days=30))
    note = Notification.objects.get()
    assert note.recipient == maker_b and staff.email not in recipients()
    assert note.language == "en"
    assert "C-201" in note.subject and "30 days" in note.subject
    assert "free again on 2026-09-01" in note.body


def test_chinese_for_a_chinese_speaker(allocate, office_a, company_a, maker_a):
    allocate(office_a, company_a, MAR, SEP)
    services.allocation_reminders_send(today=SEP - timedelta(days=7))
    note = Notification.objects.get(recipient=maker_a)
    assert note.language == "zh-hans" and "7 天" in note.subject and "B2-305" in note.body


def test_the_task_calls_the_service_and_is_safe_to_run_twice(allocate, office_a, company_a):
    allocate(office_a, company_a, MAR, SEP)
    assert isinstance(tasks.allocation_reminders_send(), int)
    assert tasks.allocation_reminders_send() == 0
    assert len(mail.outbox) == len({m.to[0] for m in mail.outbox})


def test_the_job_is_in_the_beat_schedule():
    from incubator.registry import registry

    job = registry.periodic_jobs["spaces: allocation reminders"]
    assert job.task == tasks.allocation_reminders_send.name and job.crontab["hour"] == "8"
