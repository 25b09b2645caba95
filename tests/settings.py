"""Settings for the test run: the real settings with a few test-only changes.

The database and broker are whatever the environment says (SQLite and the filesystem
broker by default; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-that-is-long-enough-for-django-checks")
os.environ.setdefault("HTTPS", "false")
# Under this checkout's var/, so that two checkouts testing at once never share a broker.
_VAR = os.environ.get("VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var"))
os.environ.setdefault("BROKER_DIR", os.path.join(_VAR, "test-broker"))

from config.settings import *  # noqa: E402,F403

CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = os.path.join(tempfile.mkdtemp(prefix="incubator-test-media-"))
# Throttling state must not leak between tests: a local cache, cleared by a fixture.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LANGUAGE_CODE = "zh-hans"
