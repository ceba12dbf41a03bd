from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import CodeLockout, EmailCode
from tests.accounts.conftest import code_from_mail
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password/reset/"
CONFIRM = "/api/v1/auth/password/reset/confirm/"
CHANGE = "/api/v1/auth/password/change/"
NEW = "sunny-Garden-58"


def login(client, email, password=PASSWORD):
    return client.post("/api/v1/auth/login/", {"email": email, "password": password}, format="json")


def test_reset_emails_a_code_and_confirm_sets_the_new_password(api_client):
    user = UserFactory(email="jiwoo@example.com")
    old_token = login(APIClient(), user.email).json()["token"]

    assert api_client.post(RESET, {"email": "Jiwoo@example.com"}, format="json").status_code == 202
    assert "password reset code" in mail.outbox[-1].subject
    code = code_from_mail("jiwoo@example.com")

    body = {"email": "jiwoo@example.com", "code": code, "new_password": NEW}
    response = api_client.post(CONFIRM, body, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not Token.objects.filter(key=old_token).exists()  # every signed-in client is signed out
    assert login(api_client, user.email, NEW).status_code == 200
    assert api_client.post(CONFIRM, body, format="json").json()["error"]["code"] == "invalid_code"  # used once


def test_reset_request_does_not_reveal_whether_the_email_exists(api_client):
    UserFactory(email="known@example.com")
    UserFactory(email="pending@example.com", is_active=False, email_verified_at=None)
    UserFactory(email="disabled@example.com", is_active=False)
    answers = [
        api_client.post(RESET, {"email": email}, format="json")
        for email in ("known@example.com", "unknown@example.com", "pending@example.com", "disabled@example.com")
    ]
    assert {a.status_code for a in answers} == {202}
    assert len({str(a.json()) for a in answers}) == 1
    # A never-verified sign-up gets a code too, so the mailbox's owner can claim it; a disabled account doesn't.
    assert [m.to for m in mail.outbox] == [["known@example.com"], ["pending@example.com"]]


def test_reset_mail_failure_is_not_reported(api_client, failing_mail):
    UserFactory(email="known@example.com")
    assert api_client.post(RESET, {"email": "known@example.com"}, format="json").status_code == 202
    assert not EmailCode.objects.exists()


def test_reset_with_wrong_or_expired_code(api_client):
    user = UserFactory()
    api_client.post(RESET, {"email": user.email}, format="json")
    code = code_from_mail(user.email)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    response = api_client.post(CONFIRM, {"email": user.email, "code": wrong, "new_password": NEW}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_code"

    EmailCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api_client.post(CONFIRM, {"email": user.email, "code": code, "new_password": NEW}, format="json")
    assert response.json()["error"]["code"] == "code_expired"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_confirm_checks_password_strength(api_client):
    user = UserFactory()
    api_client.post(RESET, {"email": user.email}, format="json")
    body = {"email": user.email, "code": code_from_mail(user.email), "new_password": "12345678"}

    response = api_client.post(CONFIRM, body, format="json")

    assert response.status_code == 400
    assert "new_password" in response.json()["error"]["fields"]
    assert not CodeLockout.objects.exists()  # a weak password doesn't spend a try
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_keeps_the_session_and_rotates_the_token(api_client):
    user = UserFactory()
    old_token = login(api_client, user.email).json()["token"]

    response = api_client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW}, format="json")

    assert response.status_code == 200
    new_token = response.json()["token"]
    assert new_token != old_token
    assert not Token.objects.filter(key=old_token).exists()
    assert api_client.get("/api/v1/me/").status_code == 200  # still signed in
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_change_password_with_token_auth_creates_no_session(api_client):
    user = UserFactory()
    token = login(APIClient(), user.email).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW}, format="json")

    assert response.status_code == 200
    assert SESSION_KEY not in api_client.session
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/me/").status_code == 200


def test_change_password_signs_out_other_sessions(api_client):
    user = UserFactory()
    other_device = APIClient()
    login(other_device, user.email)
    login(api_client, user.email)

    api_client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW}, format="json")

    assert other_device.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old_password": "wrong-Password-1", "new_password": NEW}, "old_password"),
        ({"old_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"old_password": PASSWORD, "new_password": "password"}, "new_password"),
        ({"old_password": PASSWORD}, "new_password"),
        ({"old_password": PASSWORD, "new_password": NEW, "confirm": NEW}, "confirm"),
        ({"old_password": PASSWORD, "new_password": "x" * 129}, "new_password"),
    ],
)
def test_change_password_bad_input(user_client, body, field):
    response = user_client.post(CHANGE, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    user = user_client.user
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_requires_sign_in(api_client):
    response = api_client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW}, format="json")
    assert response.status_code == 401
