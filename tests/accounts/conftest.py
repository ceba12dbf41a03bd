import re

import pytest
from django.core import mail
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.accounts.factories import PASSWORD

STRONG_PASSWORD = "violet-Harbor-42"


def code_from_mail(email: str, index: int = -1) -> str:
    """The 6-digit code of the last email sent to this address (or of the `index`-th)."""
    message = [m for m in mail.outbox if email in m.to][index]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.fixture
def signup(api_client, db):
    """POST a sign-up and return the response."""

    def _signup(email="new@example.com", password=STRONG_PASSWORD, nickname="newbie", client=None, **extra):
        body = {"email": email, "password": password, "nickname": nickname, **extra}
        return (client or api_client).post("/api/v1/auth/signup/", body, format="json")

    return _signup


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = "tests.accounts.mail_backends.FailingEmailBackend"


@pytest.fixture
def throttle_rates(monkeypatch):
    """Set throttle rates for one test (DRF reads them into a class attribute at import)."""

    def _set(**rates):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **rates})

    return _set


@pytest.fixture
def csrf_client():
    """A browser-like client: CSRF is enforced as in production."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def password():
    return PASSWORD
