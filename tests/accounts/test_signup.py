import re

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail

from accounts.models import EmailCode, User
from community.models import CommunityProfile
from tests.accounts.conftest import STRONG_PASSWORD, code_from_mail
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signup_creates_inactive_user_with_profile_and_emails_a_code(signup):
    response = signup(email="  New@Example.COM ", nickname="새친구")

    assert response.status_code == 201
    assert response.json()["email"] == "new@example.com"
    user = User.objects.get()
    assert user.email == "new@example.com"
    assert not user.is_active and user.email_verified_at is None
    assert user.check_password(STRONG_PASSWORD)
    assert user.profile.nickname == "새친구"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.com"]
    code = code_from_mail("new@example.com")
    assert code in message.alternatives[0][0]  # the HTML part carries it too
    assert "10 minutes" in message.body


def test_code_is_stored_hashed_with_expiry(signup, settings):
    signup()
    code = code_from_mail("new@example.com")
    row = EmailCode.objects.get()
    assert row.purpose == EmailCode.Purpose.SIGNUP
    assert code not in row.code_hash and len(row.code_hash) == 64
    lifetime = (row.expires_at - row.created_at).total_seconds()
    assert abs(lifetime - settings.VERIFICATION_CODE_TTL_SECONDS) < 5


def test_duplicate_verified_email_is_rejected_ignoring_case(signup):
    UserFactory(email="taken@example.com")
    response = signup(email="TAKEN@example.com", nickname="another")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "email_taken"
    assert "email" in error["fields"]
    assert User.objects.count() == 1
    assert not CommunityProfile.objects.filter(nickname="another").exists()
    assert mail.outbox == []


def test_signup_again_for_unverified_email_changes_nothing_and_tells_the_mailbox(signup):
    signup(email="again@example.com", nickname="first_try")
    first = signup(email="Again@example.com", password="another-Strong-99", nickname="second_try")

    assert first.status_code == 201
    user = User.objects.get()
    assert user.check_password(STRONG_PASSWORD)  # the first sign-up's password, nickname and code stay
    assert user.profile.nickname == "first_try"
    assert EmailCode.objects.count() == 1
    assert len(mail.outbox) == 2
    notice = mail.outbox[-1]
    assert notice.to == ["again@example.com"]
    assert "waiting for verification" in notice.body and "Forgot password" in notice.body
    assert not re.search(r"\b\d{6}\b", notice.body)  # no code: it would verify the first sign-up's password


def test_nickname_taken_is_rejected_and_nothing_is_created(signup):
    UserFactory(profile__nickname="Jiwoo")
    response = signup(nickname="jiwoo")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["nickname"] == ["This nickname is already taken."]
    assert not User.objects.filter(email="new@example.com").exists()
    assert EmailCode.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("nickname", ["a", "has space", "admin", "bad-dash"])
def test_invalid_nickname_is_rejected(signup, nickname):
    response = signup(nickname=nickname)

    assert response.status_code == 400
    assert "nickname" in response.json()["error"]["fields"]
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("8461937502", "entirely numeric"),
        ("new@example.com", "too similar"),
    ],
)
def test_weak_password_is_rejected_with_the_validator_message(signup, password, expected):
    response = signup(password=password)

    assert response.status_code == 400
    messages = " ".join(response.json()["error"]["fields"]["password"])
    assert expected in messages
    assert User.objects.count() == 0


def test_mail_failure_leaves_no_user_behind(signup, failing_mail):
    response = signup()

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "email_unavailable"
    assert User.objects.count() == 0
    assert CommunityProfile.objects.count() == 0
    assert EmailCode.objects.count() == 0


def test_mail_failure_on_repeated_signup_keeps_the_old_password(signup, settings):
    signup(email="again@example.com", nickname="first_try")
    settings.EMAIL_BACKEND = "tests.accounts.mail_backends.FailingEmailBackend"

    response = signup(email="again@example.com", password="another-Strong-99", nickname="second_try")

    assert response.status_code == 503
    user = User.objects.get()
    assert check_password(STRONG_PASSWORD, user.password)
    assert user.profile.nickname == "first_try"
