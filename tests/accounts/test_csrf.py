"""Browsers must send X-CSRFToken on unsafe requests, signed in or not; token clients are exempt."""

import pytest
from django.contrib.auth import SESSION_KEY

from accounts.models import User
from tests.accounts.conftest import STRONG_PASSWORD
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


def csrf_token(client) -> str:
    return client.get("/api/v1/auth/csrf/").json()["csrfToken"]


def login(client, user, **headers):
    body = {"email": user.email, "password": PASSWORD}
    return client.post("/api/v1/auth/login/", body, format="json", headers=headers)


def test_browser_login_without_the_csrf_header_is_refused(csrf_client, user):
    csrf_token(csrf_client)  # the browser now holds the cookie

    response = login(csrf_client, user)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert SESSION_KEY not in csrf_client.session


def test_cross_site_login_without_any_cookie_is_refused(csrf_client, user):
    response = login(csrf_client, user, Origin="https://evil.example")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_browser_login_with_the_csrf_header_works(csrf_client, user):
    token = csrf_token(csrf_client)
    assert login(csrf_client, user, **{"X-CSRFToken": token}).status_code == 200


def test_browser_signup_needs_the_csrf_header(csrf_client, db):
    body = {"email": "new@example.com", "password": STRONG_PASSWORD, "nickname": "newbie"}
    token = csrf_token(csrf_client)

    refused = csrf_client.post("/api/v1/auth/signup/", body, format="json")
    assert refused.status_code == 403
    assert not User.objects.exists()

    accepted = csrf_client.post("/api/v1/auth/signup/", body, format="json", headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_client_without_cookies_or_origin_is_not_a_browser_and_needs_no_csrf(csrf_client, user):
    response = login(csrf_client, user)
    assert response.status_code == 200
    assert response.json()["token"]


def test_session_requests_after_login_use_the_token_returned_by_login(csrf_client, user):
    before = csrf_token(csrf_client)
    response = login(csrf_client, user, **{"X-CSRFToken": before})
    after = response.json()["csrfToken"]

    body = {"first_name": "Minho"}
    assert csrf_client.patch("/api/v1/me/", body, format="json").status_code == 403
    stale = csrf_client.patch("/api/v1/me/", body, format="json", headers={"X-CSRFToken": before})
    assert stale.status_code == 403  # sign-in rotated the token
    fresh = csrf_client.patch("/api/v1/me/", body, format="json", headers={"X-CSRFToken": after})
    assert fresh.status_code == 200
    assert fresh.json()["first_name"] == "Minho"


def test_session_logout_needs_the_csrf_header(csrf_client, user):
    token = login(csrf_client, user, **{"X-CSRFToken": csrf_token(csrf_client)}).json()["csrfToken"]

    assert csrf_client.post("/api/v1/auth/logout/").status_code == 403
    assert SESSION_KEY in csrf_client.session
    assert csrf_client.post("/api/v1/auth/logout/", headers={"X-CSRFToken": token}).status_code == 204
    assert SESSION_KEY not in csrf_client.session


def test_token_clients_are_exempt(csrf_client, user):
    token = login(csrf_client, user).json()["token"]
    csrf_client.cookies.clear()
    csrf_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = csrf_client.patch("/api/v1/me/", {"last_name": "Kim"}, format="json")

    assert response.status_code == 200
    assert response.json()["last_name"] == "Kim"


def test_trusted_frontend_origin_with_the_token_can_log_in(csrf_client, user, settings):
    token = csrf_token(csrf_client)
    frontend = settings.CSRF_TRUSTED_ORIGINS[0]

    assert login(csrf_client, user, Origin=frontend, **{"X-CSRFToken": token}).status_code == 200


def test_untrusted_origin_is_refused_even_with_the_token(csrf_client, user):
    token = csrf_token(csrf_client)

    response = login(csrf_client, user, Origin="https://evil.example", **{"X-CSRFToken": token})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
