"""Login and code endpoints are limited per client IP and per email address: 429 with the error shape."""

import pytest
from django.core import mail

from accounts.models import User
from tests.accounts.conftest import STRONG_PASSWORD
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def post(client, path, body, ip="203.0.113.1", **extra):
    return client.post(f"/api/v1/auth/{path}/", body, format="json", REMOTE_ADDR=ip, **extra)


def assert_throttled(response):
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert error["message"].startswith("Too many requests. Try again in")
    assert int(response["Retry-After"]) > 0


def test_login_is_limited_per_ip(api_client, throttle_rates):
    throttle_rates(login="3/min")
    user = UserFactory()
    for n in range(3):
        response = post(api_client, "login", {"email": f"someone{n}@example.com", "password": "x"})
        assert response.status_code == 400

    assert_throttled(post(api_client, "login", {"email": user.email, "password": "correct-Horse-7"}))
    # Another client is not affected.
    assert (
        post(api_client, "login", {"email": user.email, "password": "correct-Horse-7"}, ip="198.51.100.7").status_code
        == 200
    )


def test_login_is_limited_per_email_across_ips(api_client, throttle_rates):
    throttle_rates(login="3/min")
    user = UserFactory()
    for n in range(3):
        post(api_client, "login", {"email": user.email, "password": "wrong"}, ip=f"198.51.100.{n}")

    assert_throttled(post(api_client, "login", {"email": user.email.upper(), "password": "x"}, ip="192.0.2.99"))


def test_forwarded_for_header_does_not_reset_the_ip_limit(api_client, throttle_rates):
    throttle_rates(login="2/min")
    for n in range(2):
        post(api_client, "login", {"email": f"a{n}@example.com", "password": "x"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = post(api_client, "login", {"email": "b@example.com", "password": "x"}, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert_throttled(response)


def test_resend_is_rate_limited(api_client, throttle_rates):
    throttle_rates(code="2/min")
    UserFactory(email="pending@example.com", is_active=False, email_verified_at=None)
    for _ in range(2):
        assert post(api_client, "resend", {"email": "pending@example.com"}).status_code == 202

    assert_throttled(post(api_client, "resend", {"email": "pending@example.com"}, ip="192.0.2.50"))
    assert len(mail.outbox) == 2


def test_verify_is_rate_limited(api_client, throttle_rates):
    throttle_rates(code="2/min")
    for _ in range(2):
        body = {"email": "a@example.com", "code": "123456", "password": STRONG_PASSWORD}
        assert post(api_client, "verify", body).status_code == 400
    assert_throttled(post(api_client, "verify", body))


def test_password_reset_is_rate_limited(api_client, throttle_rates):
    throttle_rates(code="1/min")
    assert post(api_client, "password/reset", {"email": "a@example.com"}).status_code == 202
    assert_throttled(post(api_client, "password/reset", {"email": "b@example.com"}))


def test_signup_is_rate_limited(api_client, throttle_rates):
    throttle_rates(signup="2/min")
    for n in range(2):
        body = {"email": f"new{n}@example.com", "password": STRONG_PASSWORD, "nickname": f"newbie{n}"}
        assert post(api_client, "signup", body).status_code == 201

    body = {"email": "new9@example.com", "password": STRONG_PASSWORD, "nickname": "newbie9"}
    assert_throttled(post(api_client, "signup", body))
    assert User.objects.count() == 2


def test_default_rates_apply_without_overrides(api_client, settings):
    """The configured login rate (10/min unless THROTTLE_LOGIN says otherwise) is what production gets."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"]
    limit = int(rate.split("/")[0])
    for _ in range(limit):
        post(api_client, "login", {"email": "a@example.com", "password": "x"})
    assert_throttled(post(api_client, "login", {"email": "a@example.com", "password": "x"}))
