from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import CodeLockout, EmailCode, User
from tests.accounts.conftest import STRONG_PASSWORD, code_from_mail
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "new@example.com"


def verify(client, code, email=EMAIL, password=STRONG_PASSWORD):
    return client.post("/api/v1/auth/verify/", {"email": email, "code": code, "password": password}, format="json")


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
    assert CodeLockout.objects.get(email=EMAIL).failures == 1
    assert not User.objects.get().is_active


def test_five_wrong_tries_lock_the_address(signup, api_client, throttle_rates):
    throttle_rates(code="100/min")
    signup()
    code = code_from_mail(EMAIL)
    messages = [verify(api_client, wrong(code)).json()["error"] for _ in range(5)]

    assert [m["code"] for m in messages] == ["invalid_code"] * 4 + ["code_locked"]
    assert messages[3]["message"] == "Wrong code. 1 try left."
    assert messages[4]["message"] == "Too many wrong codes for this email. Try again in 15 minutes."
    # Even the right code no longer works, nor a new one, until the lock ends.
    response = verify(api_client, code)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "code_locked"
    api_client.post("/api/v1/auth/resend/", {"email": EMAIL}, format="json")
    assert verify(api_client, code_from_mail(EMAIL)).json()["error"]["code"] == "code_locked"
    assert not User.objects.get().is_active

    CodeLockout.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert verify(api_client, code_from_mail(EMAIL)).status_code == 200
    assert not CodeLockout.objects.exists()  # a right code forgives the earlier mistakes


def test_expired_code_is_rejected(signup, api_client):
    signup()
    EmailCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = verify(api_client, code_from_mail(EMAIL))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "code_expired"
    assert not User.objects.get().is_active


def test_verify_without_a_code_on_file_looks_like_a_wrong_code(signup, api_client):
    # A watcher probing an address learns nothing of whether or when a sign-up started there.
    UserFactory(email="pending@example.com", is_active=False, email_verified_at=None)
    signup()
    answers = [verify(api_client, "123456", email=email) for email in ("pending@example.com", "nobody@example.com")]
    answers.append(verify(api_client, wrong(code_from_mail(EMAIL))))

    assert {a.status_code for a in answers} == {400}
    assert len({str(a.json()) for a in answers}) == 1
    assert answers[0].json()["error"]["code"] == "invalid_code"


@pytest.mark.parametrize(
    "body",
    [
        {"email": EMAIL, "code": "12345", "password": STRONG_PASSWORD},
        {"email": EMAIL, "code": "1234567"},
        {"email": EMAIL, "code": "12a456"},
        {"email": EMAIL, "code": 123456},
        {"email": EMAIL, "password": STRONG_PASSWORD},
        {"code": "123456", "password": STRONG_PASSWORD},
        {"email": EMAIL, "code": "123456"},
        {"email": "not-an-email", "code": "123456"},
    ],
)
def test_malformed_verify_input_is_a_field_error(signup, api_client, body):
    signup()
    response = api_client.post("/api/v1/auth/verify/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    assert not CodeLockout.objects.exists()


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
