"""The settings the bench serves with: production settings (or BENCH_BASE_SETTINGS) with the bench's URLs.

The bench serves plain HTTP on 127.0.0.1 with the dummy providers and development origins, which the deploy checks
refuse: everything else (DEBUG off, persistent connections, Redis when REDIS_URL is set) is production's.
"""

import importlib
import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STAFF_2FA_REQUIRED", "false")

_base = importlib.import_module(os.environ.get("BENCH_BASE_SETTINGS", "bidangil.settings.production"))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

ROOT_URLCONF = "bench.urls"
DEPLOYED = False
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}  # noqa: F821 - from the base settings
# No collectstatic before a bench run: static URLs without the manifest (a dictionary lookup either way).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F821
