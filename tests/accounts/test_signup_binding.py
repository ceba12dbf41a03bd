"""An address belongs to its mailbox: no sign-up by someone else makes their password active on it."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.conftest import STRONG_PASSWORD, code_from_mail
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

VICTIM = "owner@example.com"
OWNER_PASSWORD = STRONG_PASSWORD
ATTACKER_PASSWORD = "attacker-Chosen-77"


def verify(client, code, password, email=VICTIM):
    return client.post("/api/v1/auth/verify/", {"email": email, "code": code, "password": password}, format="json")


def login(client, password, email=VICTIM):
    return client.post("/api/v1/auth/login/", {"email": email, "password": password}, format="json")


def reset(client, new_password, email=VICTIM):
    client.post("/api/v1/auth/password/reset/", {"email": email}, format="json")
    body = {"email": email, "code": code_from_mail(email), "new_password": new_password}
    return client.post("/api/v1/auth/password/reset/confirm/", body, format="json")


def test_a_second_sign_up_cannot_replace_the_password_the_owner_activates(signup, api_client):
    owner, attacker = APIClient(), APIClient()
    signup(email=VICTIM, password=OWNER_PASSWORD, nickname="owner", client=owner)
    code = code_from_mail(VICTIM)

    response = signup(email=VICTIM, password=ATTACKER_PASSWORD, nickname="attacker", client=attacker)
    assert response.status_code == 201

    assert verify(owner, code, OWNER_PASSWORD).status_code == 200
    assert login(attacker, ATTACKER_PASSWORD).status_code == 400
    assert login(owner, OWNER_PASSWORD).status_code == 200
    assert User.objects.get().profile.nickname == "owner"


def test_the_owner_never_activates_a_squatters_password(signup, api_client):
    squatter, owner = APIClient(), APIClient()
    signup(email=VICTIM, password=ATTACKER_PASSWORD, nickname="squatter", client=squatter)
    assert signup(email=VICTIM, password=OWNER_PASSWORD, nickname="owner", client=owner).status_code == 201
    # Whatever code the owner's mailbox holds, it activates nobody's password but the one typed with it.
    owner.post("/api/v1/auth/resend/", {"email": VICTIM}, format="json")
    code = code_from_mail(VICTIM)

    response = verify(owner, code, OWNER_PASSWORD)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signup_password_mismatch"
    assert "password" in response.json()["error"]["fields"]
    assert not User.objects.get().is_active
    assert login(squatter, ATTACKER_PASSWORD).json()["error"]["code"] == "email_not_verified"
    # The squatter, without the mailbox, cannot finish it either.
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert verify(squatter, wrong, ATTACKER_PASSWORD).json()["error"]["code"] == "invalid_code"
    assert not User.objects.get().is_active


def test_a_squatted_address_is_claimed_by_a_password_reset(signup, api_client):
    squatter, owner = APIClient(), APIClient()
    signup(email=VICTIM, password=ATTACKER_PASSWORD, nickname="squatter", client=squatter)

    response = reset(owner, OWNER_PASSWORD)

    assert response.status_code == 200
    user = User.objects.get()
    assert user.is_active and user.email_verified_at is not None
    assert login(owner, OWNER_PASSWORD).status_code == 200
    assert login(squatter, ATTACKER_PASSWORD).json()["error"]["code"] == "invalid_credentials"


def test_a_right_code_with_a_wrong_password_is_not_spent(signup, api_client):
    signup(email=VICTIM, password=OWNER_PASSWORD)
    code = code_from_mail(VICTIM)

    assert verify(api_client, code, "not-the-Password-1").json()["error"]["code"] == "signup_password_mismatch"
    assert verify(api_client, code, OWNER_PASSWORD).status_code == 200


def test_a_second_sign_up_answers_exactly_like_a_first(signup):
    signup(email="pending@example.com", password=ATTACKER_PASSWORD, nickname="squatter")

    first = signup(email="fresh@example.com", nickname="fresh_one")
    again = signup(email="pending@example.com", nickname="fresh_two")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["detail"].replace("fresh@", "X@") == again.json()["detail"].replace("pending@", "X@")
    assert set(first.json()) == set(again.json())
    # A nickname another member holds is refused the same way in both cases.
    UserFactory(profile__nickname="holder")
    refused = [signup(email=email, nickname="holder") for email in ("new2@example.com", "pending@example.com")]
    assert [r.status_code for r in refused] == [400, 400]
    assert refused[0].json() == refused[1].json()


def test_a_watcher_sees_no_change_when_the_owner_signs_up(signup, api_client):
    # The squatter keeps probing with what it knows; the owner's sign-up changes none of the answers.
    squatter = APIClient()
    signup(email=VICTIM, password=ATTACKER_PASSWORD, nickname="squatter", client=squatter)

    def probes():
        return [
            login(squatter, ATTACKER_PASSWORD).json(),
            squatter.get("/api/v1/nicknames/check/?nickname=squatter").json(),
            squatter.get("/api/v1/nicknames/check/?nickname=owner").json(),
        ]

    before = probes()
    signup(email=VICTIM, password=OWNER_PASSWORD, nickname="owner", client=APIClient())
    assert probes() == before


def test_the_repeated_sign_up_notice_goes_out_even_for_the_same_password(signup):
    signup(email=VICTIM)
    signup(email=VICTIM)

    assert [m.to for m in mail.outbox] == [[VICTIM], [VICTIM]]
    assert "waiting for verification" in mail.outbox[1].subject
