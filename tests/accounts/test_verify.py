from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import EmailCode, User
from tests.accounts.conftest import code_from_mail
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "new@example.com"


def verify(client, code, email=EMAIL):
    return client.post("/api/v1/auth/verify/", {"email": email, "code": code}, format="json")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_right_code_activates_the_account(signup, api_client):
    signup()
    response = verify(api_client, code_from_mail(EMAIL), email="NEW@example.com")

    assert response.status_code == 200
    body = response.json()["user"]
    assert body["email"] == EMAIL and body["email_verified"] is True and body["nickname"] == "newbie"
    user = User.objects.get()
    assert user.is_active and user.email_verified_at is not None
    assert EmailCode.objects.get().used_at is not None


def test_a_code_works_once(signup, api_client):
    signup()
    code = code_from_mail(EMAIL)
    assert verify(api_client, code).status_code == 200

    response = verify(api_client, code)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "already_verified"


def test_wrong_code_says_how_many_tries_are_left(signup, api_client, settings):
    signup()
    response = verify(api_client, wrong(code_from_mail(EMAIL)))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_code"
    assert error["message"] == f"Wrong code. {settings.VERIFICATION_CODE_MAX_ATTEMPTS - 1} tries left."
    assert error["fields"]["code"] == [error["message"]]
    assert EmailCode.objects.get().attempts == 1
    assert not User.objects.get().is_active


def test_five_wrong_tries_lock_the_code(signup, api_client, throttle_rates):
    throttle_rates(code="100/min")
    signup()
    code = code_from_mail(EMAIL)
    messages = [verify(api_client, wrong(code)).json()["error"] for _ in range(5)]

    assert [m["code"] for m in messages] == ["invalid_code"] * 4 + ["code_locked"]
    assert messages[3]["message"] == "Wrong code. 1 try left."
    # Even the right code no longer works: a new one must be requested.
    response = verify(api_client, code)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "code_locked"
    assert not User.objects.get().is_active

    api_client.post("/api/v1/auth/resend/", {"email": EMAIL}, format="json")
    assert verify(api_client, code_from_mail(EMAIL)).status_code == 200


def test_expired_code_is_rejected(signup, api_client):
    signup()
    EmailCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = verify(api_client, code_from_mail(EMAIL))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "code_expired"
    assert not User.objects.get().is_active


def test_verify_without_a_code_on_file(api_client):
    UserFactory(email="pending@example.com", is_active=False, email_verified_at=None)
    response = verify(api_client, "123456", email="pending@example.com")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_code"

    response = verify(api_client, "123456", email="nobody@example.com")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_code"


@pytest.mark.parametrize(
    "body",
    [
        {"email": EMAIL, "code": "12345"},
        {"email": EMAIL, "code": "1234567"},
        {"email": EMAIL, "code": "12a456"},
        {"email": EMAIL, "code": 123456},
        {"email": EMAIL},
        {"code": "123456"},
        {"email": "not-an-email", "code": "123456"},
    ],
)
def test_malformed_verify_input_is_a_field_error(signup, api_client, body):
    signup()
    response = api_client.post("/api/v1/auth/verify/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    assert EmailCode.objects.get().attempts == 0


def test_resend_sends_a_new_code_and_the_old_one_stops_working(signup, api_client):
    signup()
    old = code_from_mail(EMAIL)

    response = api_client.post("/api/v1/auth/resend/", {"email": "New@Example.com"}, format="json")

    assert response.status_code == 202
    assert len(mail.outbox) == 2
    assert EmailCode.objects.count() == 1
    new = code_from_mail(EMAIL)
    if new != old:
        assert verify(api_client, old).json()["error"]["code"] == "invalid_code"
    assert verify(api_client, new).status_code == 200


def test_resend_does_not_reveal_whether_the_email_exists(api_client):
    UserFactory(email="verified@example.com")
    answers = [
        api_client.post("/api/v1/auth/resend/", {"email": email}, format="json")
        for email in ("nobody@example.com", "verified@example.com")
    ]

    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert mail.outbox == []


def test_resend_mail_failure_is_not_reported(signup, api_client, settings):
    signup()
    settings.EMAIL_BACKEND = "tests.accounts.mail_backends.FailingEmailBackend"

    response = api_client.post("/api/v1/auth/resend/", {"email": EMAIL}, format="json")

    assert response.status_code == 202
    assert EmailCode.objects.count() == 1  # the earlier code is kept: the failed resend rolled back
