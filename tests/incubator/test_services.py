import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from incubator import permissions, services
from incubator.choices import NotificationStatus, Role
from incubator.models import Notification, User
from incubator.registry import registry
from tests.factories import UserFactory

RESET = "account.password_reset"


def reset_context():
    return {"uid": "MQ", "token": "abc-123"}


@pytest.mark.django_db
class TestUsers:
    def test_create_normalises_email_and_rejects_duplicates_case_insensitively(self):
        user = services.user_create(email="Maker@Example.ORG", password="s3cret-pass!")
        assert user.email == "maker@example.org"
        assert user.check_password("s3cret-pass!")
        with pytest.raises(ValidationError):
            services.user_create(email="MAKER@example.org")
        assert User.objects.count() == 1

    def test_without_password_the_account_cannot_sign_in(self):
        user = services.user_create(email="invitee@example.org")
        assert not user.has_usable_password()

    def test_roles_drive_admin_access_and_site_scope(self, site_a, site_b):
        user = UserFactory()
        services.user_set_roles(user=user, roles=[Role.CENTRE_STAFF], staff_sites=[site_a])
        user = User.objects.get(pk=user.pk)
        assert user.is_staff
        assert permissions.is_centre_staff(user)
        assert permissions.is_site_staff(user, site_a)
        assert not permissions.is_site_staff(user, site_b)
        assert not permissions.can_read_all_sites(user)

        services.user_set_roles(user=user, roles=[Role.DISTRICT])
        user = User.objects.get(pk=user.pk)
        assert not user.is_staff
        assert permissions.is_district(user)
        assert not permissions.is_centre_staff(user)
        assert permissions.can_read_all_sites(user)
        assert list(user.staff_sites.all()) == []

    def test_unscoped_staff_work_for_every_site(self, site_a, site_b):
        user = services.user_set_roles(user=UserFactory(), roles=[Role.CENTRE_STAFF])
        assert permissions.staff_site_ids(user) is None
        assert permissions.is_site_staff(user, site_b)

    def test_unknown_role_is_refused(self):
        with pytest.raises(ValidationError):
            services.user_set_roles(user=UserFactory(), roles=["emperor"])

    def test_inactive_staff_has_no_role(self, staff, site_a):
        staff.is_active = False
        staff.save()
        staff = User.objects.get(pk=staff.pk)
        assert not permissions.is_centre_staff(staff)
        assert not permissions.is_site_staff(staff, site_a)

    def test_language_must_be_offered(self):
        user = UserFactory()
        with pytest.raises(ValidationError):
            services.user_set_language(user=user, language="fr")
        services.user_set_language(user=user, language="en")
        assert User.objects.get(pk=user.pk).language == "en"

    def test_company_role_helpers_ask_the_registered_resolver(self, monkeypatch, maker_a, maker_b):
        from incubator.registry import registry

        company = object()
        monkeypatch.setattr(
            registry, "company_role_resolver", lambda user, c: "owner" if (user == maker_a and c is company) else None
        )
        assert permissions.is_company_owner(maker_a, company)
        assert permissions.is_company_member(maker_a, company)
        assert not permissions.is_company_member(maker_b, company)


@pytest.mark.django_db
class TestSites:
    def test_area_cannot_be_negative(self):
        with pytest.raises(ValidationError):
            services.site_create(name="坏数据", code="bad", total_area_m2=-1)

    def test_code_is_unique(self):
        services.site_create(name="甲", code="same")
        with pytest.raises(ValidationError):
            services.site_create(name="乙", code="same")


@pytest.mark.django_db
class TestNotifications:
    def test_rendered_in_the_recipients_language(self):
        zh = UserFactory(language="zh-hans")
        en = UserFactory(language="en")
        n_zh, _ = services.notification_enqueue(recipient=zh, kind=RESET, dedupe_key="zh", context=reset_context())
        n_en, _ = services.notification_enqueue(recipient=en, kind=RESET, dedupe_key="en", context=reset_context())
        assert n_en.language == "en" and "Reset your Incubator password" in n_en.subject
        assert n_zh.language == "zh-hans" and "重置" in n_zh.subject
        assert "/password-reset/MQ/abc-123/" in n_en.body

    def test_enqueue_twice_gives_one_message(self):
        user = UserFactory()
        first, created = services.notification_enqueue(
            recipient=user, kind=RESET, dedupe_key="k", context=reset_context()
        )
        second, created_again = services.notification_enqueue(
            recipient=user, kind=RESET, dedupe_key="k", context=reset_context()
        )
        assert created and not created_again
        assert first.pk == second.pk
        assert Notification.objects.count() == 1

    def test_unknown_kind_is_an_error(self):
        with pytest.raises(LookupError):
            services.notification_enqueue(recipient=UserFactory(), kind="nope", dedupe_key="x")

    def test_dispatch_sends_due_messages_once(self):
        user = UserFactory()
        services.notification_enqueue(recipient=user, kind=RESET, dedupe_key="a", context=reset_context())
        services.notification_enqueue(
            recipient=user,
            kind=RESET,
            dedupe_key="later",
            context=reset_context(),
            send_after=timezone.now() + timedelta(days=1),
        )
        first = services.notifications_dispatch()
        second = services.notifications_dispatch()
        assert (first.sent, second.sent) == (1, 0)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [user.email]
        assert message.extra_headers["Message-ID"] == Notification.objects.get(dedupe_key="a").message_id
        sent = Notification.objects.get(dedupe_key="a")
        assert sent.status == NotificationStatus.SENT and sent.sent_at and sent.attempts == 1
        assert Notification.objects.get(dedupe_key="later").status == NotificationStatus.PENDING

    def test_a_worker_killed_mid_send_neither_loses_nor_repeats(self, monkeypatch):
        user = UserFactory()
        services.notification_enqueue(recipient=user, kind=RESET, dedupe_key="crash", context=reset_context())

        class WorkerKilled(BaseException):
            pass

        def die(notification):
            raise WorkerKilled

        monkeypatch.setattr(services, "_send", die)
        with pytest.raises(WorkerKilled):
            services.notifications_dispatch()
        monkeypatch.undo()

        # The dead worker's claim still holds: another dispatcher leaves the message alone.
        assert services.notifications_dispatch().sent == 0
        assert mail.outbox == []
        # Once the claim expires the message goes out, exactly once.
        Notification.objects.filter(dedupe_key="crash").update(claimed_until=timezone.now() - timedelta(seconds=1))
        assert services.notifications_dispatch().sent == 1
        assert services.notifications_dispatch().sent == 0
        assert len(mail.outbox) == 1
        assert Notification.objects.get(dedupe_key="crash").attempts == 2

    def test_a_transient_failure_is_retried_later_then_given_up(self, monkeypatch, settings):
        settings.NOTIFICATION_MAX_ATTEMPTS = 2
        user = UserFactory()
        services.notification_enqueue(recipient=user, kind=RESET, dedupe_key="flaky", context=reset_context())

        def refuse(notification):
            raise ConnectionRefusedError("mail server away")

        monkeypatch.setattr(services, "_send", refuse)
        assert services.notifications_dispatch().failed == 1
        row = Notification.objects.get(dedupe_key="flaky")
        assert row.status == NotificationStatus.PENDING
        assert row.send_after > timezone.now()
        assert "mail server away" in row.last_error
        # Not due yet: nothing happens.
        assert services.notifications_dispatch().failed == 0
        Notification.objects.filter(pk=row.pk).update(send_after=timezone.now())
        assert services.notifications_dispatch().failed == 1
        assert Notification.objects.get(pk=row.pk).status == NotificationStatus.FAILED
        assert mail.outbox == []

    def test_inactive_recipient_is_not_mailed(self):
        user = UserFactory(is_active=False)
        services.notification_enqueue(recipient=user, kind=RESET, dedupe_key="gone", context=reset_context())
        assert services.notifications_dispatch().failed == 1
        assert mail.outbox == []

    def test_enqueue_wakes_the_dispatcher_after_commit(self, django_capture_on_commit_callbacks):
        user = UserFactory()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.notification_enqueue(recipient=user, kind=RESET, dedupe_key="wake", context=reset_context())
            assert mail.outbox == []
        assert len(callbacks) == 1
        assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatchers_send_each_message_exactly_once():
    users = [UserFactory(email=f"c{i}@example.org") for i in range(3)]
    for i in range(30):
        services.notification_enqueue(
            recipient=users[i % 3], kind=RESET, dedupe_key=f"conc-{i}", context=reset_context()
        )
    errors = []
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait()
            services.notifications_dispatch()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == 30
    assert len(set(ids)) == 30
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 30


@pytest.mark.django_db
class TestScheduleAndHeartbeat:
    def test_defaults_are_installed_once_and_staff_edits_survive(self):
        names = set(PeriodicTask.objects.values_list("name", flat=True))
        assert {"incubator: worker heartbeat", "incubator: send notifications"} <= names
        PeriodicTask.objects.filter(name="incubator: worker heartbeat").update(enabled=False)
        assert services.periodic_jobs_install() == 0
        assert PeriodicTask.objects.get(name="incubator: worker heartbeat").enabled is False
        PeriodicTask.objects.filter(name="incubator: send notifications").delete()
        assert services.periodic_jobs_install() == 1

    def test_heartbeat_is_recorded(self):
        first = services.heartbeat_record(hostname="w1")
        second = services.heartbeat_record(hostname="w2")
        assert first.pk == second.pk and second.hostname == "w2" and second.beat_at >= first.beat_at

    def test_roles_install_is_idempotent(self):
        from django.contrib.auth.models import Group

        services.roles_install()
        services.roles_install()
        staff = Group.objects.get(name=Role.CENTRE_STAFF)
        assert staff.permissions.filter(codename="view_site").exists()
        assert Group.objects.filter(name=Role.DISTRICT).count() == 1


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings):
    from django.core.management import call_command

    from incubator.models import Site

    call_command("seed_demo", password="demo-pass-123", quiet=True)
    call_command("seed_demo", password="demo-pass-456", quiet=True)
    assert Site.objects.filter(code__in=["nmec", "hexi-sti"]).count() == 2
    staff = User.objects.get(email="staff@demo.local")
    assert staff.check_password("demo-pass-456")
    assert permissions.is_centre_staff(staff)
    assert list(staff.staff_sites.values_list("code", flat=True)) == ["nmec"]
    assert permissions.is_district(User.objects.get(email="district@demo.local"))
    assert User.objects.get(email="admin@demo.local").is_superuser
    assert set(
        User.objects.filter(
            email__in=[
                "admin@demo.local",
                "staff@demo.local",
                "district@demo.local",
                "maker-a@demo.local",
                "maker-b@demo.local",
            ]
        ).values_list("email", flat=True)
    ) == {"admin@demo.local", "staff@demo.local", "district@demo.local", "maker-a@demo.local", "maker-b@demo.local"}
    users_after_two_runs = User.objects.count()
    call_command("seed_demo", password="demo-pass-456", quiet=True)
    assert User.objects.count() == users_after_two_runs

    # The apps' demo data: about forty companies, a company each for the makers, and
    # applications in every state.
    from companies.models import Admission, Company, Membership

    assert Company.objects.count() >= 40
    for maker in ("maker-a@demo.local", "maker-b@demo.local"):
        assert Membership.objects.filter(user__email=maker, role="owner").exists()
    own_a = set(Membership.objects.filter(user__email="maker-a@demo.local").values_list("company", flat=True))
    own_b = set(Membership.objects.filter(user__email="maker-b@demo.local").values_list("company", flat=True))
    assert own_a and own_b and not own_a & own_b
    assert set(Admission.objects.values_list("status", flat=True)) == {
        "submitted",
        "under_review",
        "accepted",
        "rejected",
        "withdrawn",
    }


@pytest.mark.django_db
def test_one_transaction_wakes_the_dispatcher_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for i in range(5):
            services.notification_enqueue(recipient=user, kind=RESET, dedupe_key=f"batch-{i}", context=reset_context())
    assert len(callbacks) == 1
    assert len(mail.outbox) == 5


@pytest.mark.parametrize("key", sorted(registry.notification_kinds))
def test_every_mail_template_is_plain_text(key):
    """Mails are plain text: their templates turn autoescaping off, so that a name with "&" or
    "<" reaches the reader as typed (the invitation test checks one such mail end to end)."""
    from django.template.loader import get_template

    kind = registry.notification_kind(key)
    for name in (kind.subject_template, kind.body_template):
        source = get_template(name).template.source
        assert "{% autoescape off %}" in source, name
