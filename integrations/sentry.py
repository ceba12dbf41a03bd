"""Error reports to Sentry, only when SENTRY_DSN is set; without it the SDK is never initialised."""

from django.conf import settings


def init_sentry(*, transport=None) -> bool:
    """Initialise sentry-sdk from the settings; returns whether it was. `transport` replaces the HTTP sender.

    The SDK's defaults keep personal data (cookies, emails, IP addresses) out of the reports.
    """
    if not settings.SENTRY_DSN:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        integrations=[DjangoIntegration()],
        transport=transport,
    )
    return True
