"""Production never runs on the offline stand-ins or the development defaults.

These are ordinary system checks (not `--deploy` only), so with production settings every command that runs
checks refuses to start on them: `serve`, `run_huey`, `migrate` and `check --deploy` itself.
"""

from django.conf import settings
from django.core import checks

# Offline stand-ins for a third party: nothing reaches the customer or the provider.
DUMMY_PROVIDERS = {
    "PAYMENT_BACKEND": ("dummy",),
    "CARRIER_BACKEND": ("dummy",),
    "AI_BACKEND": ("dummy",),
    "SMS_BACKEND": ("console",),  # texts would only be logged
    "EMAIL_BACKEND": (  # verification codes and order mail would never leave the server
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    ),
}

# The environment variable that sets each one, for the hint.
VARIABLES = {"EMAIL_BACKEND": "EMAIL_URL"}

# A real provider without its credentials fails on the first customer instead of at start-up.
PROVIDER_CREDENTIALS = {
    ("PAYMENT_BACKEND", "stripe"): ("STRIPE_SECRET_KEY",),
    ("CARRIER_BACKEND", "fedex"): ("FEDEX_CLIENT_ID", "FEDEX_CLIENT_SECRET"),
    ("AI_BACKEND", "openai"): ("OPENAI_API_KEY",),
    ("SMS_BACKEND", "twilio"): ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "SMS_FROM"),
}

# Secrets published in this repository: anyone could sign sessions or forge a "paid" webhook with them.
PUBLISHED_SECRETS = {"SECRET_KEY": "DEV_SECRET_KEY", "STRIPE_WEBHOOK_SECRET": "DEV_STRIPE_WEBHOOK_SECRET"}


@checks.register(checks.Tags.security)
def development_defaults(app_configs=None, **kwargs) -> list[checks.Error]:
    if not settings.DEPLOYED:
        return []
    errors = []
    if not settings.ALLOW_DUMMY_PROVIDERS:
        for name, dummies in DUMMY_PROVIDERS.items():
            if getattr(settings, name) in dummies:
                errors.append(
                    checks.Error(
                        f"{name}={getattr(settings, name)!r} is an offline stand-in.",
                        hint=f"Name the real provider in {VARIABLES.get(name, name)}; "
                        "a staging site may set ALLOW_DUMMY_PROVIDERS=true.",
                        id="bidangil.E001",
                    )
                )
    for (backend, name), required in PROVIDER_CREDENTIALS.items():
        if getattr(settings, backend) == name:
            errors.extend(
                checks.Error(f"{backend}={name!r} needs {setting}, which is empty.", id="bidangil.E002")
                for setting in required
                if not getattr(settings, setting)
            )
    for name, published in PUBLISHED_SECRETS.items():
        if getattr(settings, name) == getattr(settings, published):
            errors.append(
                checks.Error(
                    f"{name} is the development value published in the repository.",
                    hint=f"Set {name} to a secret of this site.",
                    id="bidangil.E003",
                )
            )
    for name in ("SITE_URL", "FRONTEND_URL"):
        if not getattr(settings, name).startswith("https://"):
            errors.append(
                checks.Error(
                    f"{name}={getattr(settings, name)!r}: links in emails and payment redirects would point there.",
                    hint=f"Set {name} to the public https:// address.",
                    id="bidangil.E004",
                )
            )
    for name in ("CORS_ALLOWED_ORIGINS", "CSRF_TRUSTED_ORIGINS"):
        local = [origin for origin in getattr(settings, name) if not origin.startswith("https://")]
        if local:
            errors.append(
                checks.Error(
                    f"{name}={local!r}: browsers there could call the API with members' cookies.",
                    hint=f"Set {name} to the client's public https:// origins (default: FRONTEND_URL).",
                    id="bidangil.E004",
                )
            )
    return errors
