"""Production: secrets and hosts from the environment, HTTPS everywhere."""

from .base import *  # noqa: F403
from .base import FRONTEND_URL, env

DEBUG = False
# Each web worker thread keeps its database connections between requests, checked before reuse after an error.
for database in DATABASES.values():  # noqa: F405
    database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    database["CONN_HEALTH_CHECKS"] = True
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Health checks and Prometheus scrapes come from inside the network, not through the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Wagtail's live preview shows the page in a same-origin iframe, so frames stay allowed for our own origin.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# Dummy providers and development defaults stop `check --deploy`, `serve`, `run_huey` and `migrate`
# (bidangil/checks.py). A staging site that really means to run on the dummies says so with ALLOW_DUMMY_PROVIDERS.
DEPLOYED = True
ALLOW_DUMMY_PROVIDERS = env.bool("ALLOW_DUMMY_PROVIDERS", default=False)
for handler in LOGGING["handlers"].values():  # noqa: F405
    handler["formatter"] = env("LOG_FORMAT", default="json")
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=True)
# Only the client's own origin may call the API with credentials, unless the environment names others.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[FRONTEND_URL])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[FRONTEND_URL])
