"""`make test`: SQLite and in-process everything, unless DATABASE_URL / REDIS_URL point elsewhere."""

from .base import *  # noqa: F403
from .base import HUEY, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A real worker process started by a test may be given a mail backend whose sent messages the test can count.
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = "/tmp/bidangil-test-media"  # each test gets its own folders (tests/conftest.py)
PRIVATE_MEDIA_ROOT = "/tmp/bidangil-test-private"
# HUEY_IMMEDIATE=0 lets a test start a real `run_huey` worker process on the same settings.
HUEY = {**HUEY, "immediate": env.bool("HUEY_IMMEDIATE", default=True)}
HUEY_EMBEDDED = False
STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
SITE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILAPI_BASE_URL = SITE_URL
LOGGING["root"]["level"] = env("TEST_LOG_LEVEL", default="WARNING")  # noqa: F405 (a worker a test reads: INFO)
WHITENOISE_AUTOREFRESH = True  # no static scan at start-up: tests never collect static files
# The suite never asks DNS: product pages fail to resolve unless a test replaces integrations.fetch.resolve.
FETCH_OFFLINE = True
# The read replica is the test database itself (Django's test mirror); tests/test_replicas.py turns routing on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_REPLICA_READS = False
