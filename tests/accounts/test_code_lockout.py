"""Wrong code guesses are counted per address, over resends and purposes, and lock it with a growing back-off."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import CodeLockout, User
from tests.accounts.conftest import STRONG_PASSWORD, code_from_mail
from tests.legacy.conftest import ORIGIN

pytestmark = pytest.mark.django_db

EMAIL = "new@example.com"


@pytest.fixture(autouse=True)
def generous_throttle(throttle_rates):
    throttle_rates(code="1000/min")  # the lockout is under test, not the request throttle


def verify(client, code, email=EMAIL):
    body = {"email": email, "code": code, "password": STRONG_PASSWORD}
    return client.post("/api/v1/auth/verify/", body, format="json")


def resend(client, email=EMAIL):
    assert client.post("/api/v1/auth/resend/", {"email": email}, format="json").status_code == 202


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def end_lock():
    CodeLockout.objects.update(locked_until=timezone.now() - timedelta(seconds=1))


def test_ten_resends_never_reset_the_count(signup, api_client):
    signup()
    answers = []
    for _ in range(10):
        answers.append(verify(api_client, wrong(code_from_mail(EMAIL))).json()["error"]["code"])
        resend(api_client)

    assert answers[:5] == ["invalid_code"] * 4 + ["code_locked"]
    assert set(answers[5:]) == {"code_locked"}  # locked: no further guesses are even compared
    assert CodeLockout.objects.get(email=EMAIL).failures == 5
    response = verify(api_client, code_from_mail(EMAIL))  # the newest code, right, still waits for the lock
    assert response.status_code == 429
    assert not User.objects.get().is_active


def test_the_count_is_shared_by_every_kind_of_code(signup, api_client):
    signup()
    api_client.post("/api/v1/auth/password/reset/", {"email": EMAIL}, format="json")  # never verified: resettable
    reset_code = code_from_mail(EMAIL)
    confirm = "/api/v1/auth/password/reset/confirm/"
    reset_body = {"email": EMAIL, "code": wrong(reset_code), "new_password": "sunny-Garden-58"}

    signup_code = code_from_mail(EMAIL, index=0)
    answers = [verify(api_client, wrong(signup_code)).json()["error"]["code"] for _ in range(2)]
    answers += [api_client.post(confirm, reset_body, format="json").json()["error"]["code"] for _ in range(2)]
    legacy = api_client.post(
        "/api/verify_code/", {"email": EMAIL, "code": wrong(signup_code)}, format="json", HTTP_ORIGIN=ORIGIN
    )

    assert answers == ["invalid_code"] * 4
    assert legacy.status_code == 429
    assert CodeLockout.objects.get(email=EMAIL).failures == 5
    reset_body["code"] = reset_code
    assert api_client.post(confirm, reset_body, format="json").status_code == 429


def test_each_further_lock_lasts_twice_as_long_up_to_the_cap(signup, api_client, settings):
    settings.VERIFICATION_LOCK_MAX_SECONDS = 4 * settings.VERIFICATION_LOCK_SECONDS
    signup()
    lengths = []
    for _ in range(4):
        for _ in range(5):
            verify(api_client, wrong(code_from_mail(EMAIL)))
        lockout = CodeLockout.objects.get()
        lengths.append(round((lockout.locked_until - timezone.now()).total_seconds() / 60))
        end_lock()

    assert lengths == [15, 30, 60, 60]


def test_lock_message_says_how_long(signup, api_client):
    signup()
    for _ in range(5):
        response = verify(api_client, wrong(code_from_mail(EMAIL)))

    assert response.status_code == 429
    error = response.json()["error"]
    assert error["message"] == "Too many wrong codes for this email. Try again in 15 minutes."
    assert error["fields"]["code"] == [error["message"]]


def test_a_right_code_after_the_lock_clears_the_count(signup, api_client):
    signup()
    for _ in range(6):
        verify(api_client, wrong(code_from_mail(EMAIL)))
    end_lock()

    assert verify(api_client, code_from_mail(EMAIL)).status_code == 200
    assert not CodeLockout.objects.exists()
