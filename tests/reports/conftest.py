"""The reports' tests: a district with two sites, a resident company at each (from the
platform's personas), and a clock that knows which month has just ended."""

from datetime import date, timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def last_month() -> tuple[date, date]:
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


@pytest.fixture
def district_people(db, district):
    """Two district members, one reading Chinese and one English."""
    from incubator import services
    from incubator.choices import Role
    from tests.factories import UserFactory

    english = UserFactory(email="district-en@example.org", full_name="Jane Liu", language="en")
    services.user_set_roles(user=english, roles=[Role.DISTRICT])
    return [district, english]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what the services queue on commit (the Celery task runs eagerly in the tests)."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """A media folder per test, so that a test sees only the files it made."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
