"""Sign-in does the same password-hashing work whether or not the account exists (no timing oracle)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.utils import timezone
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory
from tests.legacy.conftest import Browser

pytestmark = pytest.mark.django_db

WRONG = "wrong-Password-9"


@pytest.fixture
def hasher_calls(monkeypatch):
    """Counts every run of the password hasher (the test settings hash with MD5)."""
    calls = []
    encode = MD5PasswordHasher.encode

    def counted(self, password, salt):
        calls.append(1)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted)
    return calls


def v1_login(email, password):
    return APIClient().post("/api/v1/auth/login/", {"email": email, "password": password}, format="json")


def legacy_login(email, password):
    browser = Browser()
    browser.mount()
    return browser.post("/api/login/", {"useremail": email, "userpassword": password})


def _accounts():
    UserFactory(email="active@example.com")
    UserFactory(email="unverified@example.com", is_active=False, email_verified_at=None)
    UserFactory(email="disabled@example.com", is_active=False, email_verified_at=timezone.now())


@pytest.mark.parametrize("login", [v1_login, legacy_login])
def test_every_refused_login_hashes_the_same_number_of_times(login, hasher_calls, throttle_rates, settings):
    throttle_rates(login="1000/min")
    settings.AXES_FAILURE_LIMIT = 100  # six refusals from one client: the lockout is tests/accounts/test_lockout.py
    _accounts()
    counts = {}
    for email, password in [
        ("missing@example.com", WRONG),
        ("active@example.com", WRONG),
        ("unverified@example.com", WRONG),
        ("disabled@example.com", WRONG),
        ("unverified@example.com", "correct-Horse-7"),
        ("disabled@example.com", "correct-Horse-7"),
    ]:
        hasher_calls.clear()
        response = login(email, password)
        assert response.status_code in (400, 403, 404), response.content
        counts[(email, password)] = len(hasher_calls)

    assert len(set(counts.values())) == 1, counts
