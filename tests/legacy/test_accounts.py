"""send_code → verify_code → sign_up, login / logout / session_ping, through the original paths."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from accounts.models import EmailCode, User
from community.models import CommunityProfile
from tests.accounts.conftest import STRONG_PASSWORD, code_from_mail
from tests.accounts.factories import PASSWORD, UserFactory
from tests.legacy.conftest import Browser

pytestmark = pytest.mark.django_db

EMAIL = "newbie@example.com"


def sign_up_body(**overrides):
    return {"useremail": EMAIL, "userpassword": STRONG_PASSWORD, "username": "newbie", **overrides}


def verified(browser, email=EMAIL):
    assert browser.post("/api/send_code/", {"email": email}).status_code == 200
    response = browser.post("/api/verify_code/", {"email": email, "code": code_from_mail(email)}, token=False)
    assert response.status_code == 200, response.content


def assert_error_body(body):
    assert isinstance(body["error"], str) and body["error"]
    assert body["err"] == body["error"]
    assert isinstance(body["msg"], str)
    assert isinstance(body["fields"], dict)


def test_csrf_token_sets_the_cookie_and_returns_the_token(browser):
    response = browser.get("/api/csrf_token/")

    assert response.status_code == 200
    assert set(response.json()) == {"csrfToken"}
    assert isinstance(response.json()["csrfToken"], str)
    assert "csrftoken" in browser.client.cookies


def test_signup_journey_code_first_then_account_then_signed_in(browser):
    response = browser.post("/api/send_code/", {"email": EMAIL})
    assert response.status_code == 200
    assert response.json() == {"msg": "success"}
    assert not User.objects.filter(email=EMAIL).exists()  # nothing but the code before the account

    # The client sends verify_code and sign_up without any CSRF header.
    response = browser.post("/api/verify_code/", {"email": EMAIL, "code": code_from_mail(EMAIL)}, token=False)
    assert response.status_code == 200
    assert response.json() == {"msg": "success"}

    response = browser.post("/api/sign_up/", sign_up_body(), token=False)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"msg", "data"}
    assert body["data"] == "newbie"

    user = User.objects.get(email=EMAIL)
    assert user.is_active and user.email_verified_at is not None
    assert user.check_password(STRONG_PASSWORD)
    assert CommunityProfile.objects.get(user=user).nickname == "newbie"
    assert not EmailCode.objects.filter(email=EMAIL).exists()  # the proof is spent
    assert browser.get("/api/session_ping/").json() == {"authenticated": True}
    # The next POST carries the token fetched at mount, before sign-up signed the browser in.
    response = browser.post("/api/validate_nickname/", {"nickname": "someone"})
    assert response.status_code == 200, response.content


def test_send_code_to_a_registered_email_is_a_400_existing_email(browser):
    UserFactory(email="taken@example.com")

    response = browser.post("/api/send_code/", {"email": "taken@example.com"})

    assert response.status_code == 400
    assert response.json()["msg"] == "existing_email"
    assert_error_body(response.json())


@pytest.mark.parametrize("body", [{}, {"email": ""}, {"email": "not-an-email"}, {"email": ["a@b.c"]}])
def test_send_code_bad_input_is_a_clear_400(browser, body):
    response = browser.post("/api/send_code/", body)

    assert response.status_code == 400
    assert_error_body(response.json())
    assert not EmailCode.objects.exists()


def test_wrong_code_is_a_clear_400_and_verifies_nothing(browser):
    browser.post("/api/send_code/", {"email": EMAIL})
    wrong = "000000" if code_from_mail(EMAIL) != "000000" else "111111"

    response = browser.post("/api/verify_code/", {"email": EMAIL, "code": wrong}, token=False)

    assert response.status_code == 400
    assert response.json()["msg"] == "invalid_code"
    assert "4 tries left" in response.json()["error"]
    assert browser.post("/api/sign_up/", sign_up_body(), token=False).status_code == 402
    assert not User.objects.exists()


@pytest.mark.parametrize("code", ["12", "abcdef", None])
def test_malformed_code_is_a_400(browser, code):
    browser.post("/api/send_code/", {"email": EMAIL})

    response = browser.post("/api/verify_code/", {"email": EMAIL, "code": code}, token=False)

    assert response.status_code == 400
    assert_error_body(response.json())


def test_expired_code_is_401_expired(browser):
    browser.post("/api/send_code/", {"email": EMAIL})
    EmailCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = browser.post("/api/verify_code/", {"email": EMAIL, "code": code_from_mail(EMAIL)}, token=False)

    assert response.status_code == 401
    assert response.json()["msg"] == "expired"


def test_sign_up_without_a_verified_email_is_402_and_saves_nothing(browser):
    browser.post("/api/send_code/", {"email": EMAIL})  # code sent, never entered

    response = browser.post("/api/sign_up/", sign_up_body(), token=False)

    assert response.status_code == 402
    assert_error_body(response.json())
    assert not User.objects.exists()
    assert SESSION_KEY not in browser.client.session


def test_sign_up_with_a_taken_email_is_401(browser):
    UserFactory(email=EMAIL)

    response = browser.post("/api/sign_up/", sign_up_body(), token=False)

    assert response.status_code == 401
    assert User.objects.filter(email=EMAIL).count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"username": ""},
        {"userpassword": ""},
        {"useremail": ""},
        {"userpassword": "password"},  # too common: the same password rules as v1
        {"username": "bad nick!"},
        {"username": "admin"},
    ],
)
def test_sign_up_bad_input_is_400_and_nothing_is_saved(browser, overrides):
    verified(browser)

    response = browser.post("/api/sign_up/", sign_up_body(**overrides), token=False)

    assert response.status_code == 400
    assert_error_body(response.json())
    assert not User.objects.exists()
    assert EmailCode.objects.filter(email=EMAIL, used_at__isnull=False).exists()  # the proof is kept


def test_sign_up_with_a_taken_nickname_is_400_and_saves_nothing(browser):
    UserFactory(profile__nickname="newbie", profile__nickname_key="newbie")
    verified(browser)

    response = browser.post("/api/sign_up/", sign_up_body(), token=False)

    assert response.status_code == 400
    assert response.json()["msg"] == "invalid_nickname"
    assert not User.objects.filter(email=EMAIL).exists()


def test_sign_up_from_a_foreign_origin_is_refused(browser):
    verified(browser)

    response = browser.client.post("/api/sign_up/", sign_up_body(), format="json", HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 403
    assert response.json()["msg"] == "csrf_failed"
    assert not User.objects.exists()


def test_login_contract_and_session(browser, member):
    response = browser.post("/api/login/", {"useremail": member.email, "userpassword": PASSWORD})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"msg", "data"}
    assert body["data"] == {"email": member.email, "nickname": member.profile.nickname}
    assert browser.get("/api/session_ping/").status_code == 200


@pytest.mark.parametrize("password", ["wrong-password-1", ""])
def test_login_with_bad_credentials_is_404(browser, member, password):
    response = browser.post("/api/login/", {"useremail": member.email, "userpassword": password})

    assert response.status_code in (404, 400)
    assert_error_body(response.json())
    assert SESSION_KEY not in browser.client.session


def test_login_with_a_wrong_password_is_exactly_404(browser, member):
    response = browser.post("/api/login/", {"useremail": member.email, "userpassword": "wrong-password-1"})

    assert response.status_code == 404
    assert response.json()["msg"] == "invalid_credentials"


def test_login_without_the_csrf_token_or_our_origin_is_refused(browser, member):
    # Our Origin alone is enough (tests/legacy/test_client_expectations.py); without it the token is required.
    body = {"useremail": member.email, "userpassword": PASSWORD}
    response = browser.client.post("/api/login/", body, format="json")

    assert response.status_code == 403
    assert SESSION_KEY not in browser.client.session


def test_logout_and_session_ping(member_browser):
    assert member_browser.get("/api/session_ping/").json() == {"authenticated": True}

    response = member_browser.post("/api/logout/")

    assert response.status_code == 200
    assert set(response.json()) == {"msg"}
    response = member_browser.get("/api/session_ping/")
    assert response.status_code == 401
    assert response.json() == {"authenticated": False}


def test_anonymous_logout_is_403_not_500(browser):
    response = browser.post("/api/logout/")

    assert response.status_code == 403
    assert_error_body(response.json())


def test_code_guessing_is_throttled(browser):
    browser.post("/api/send_code/", {"email": EMAIL})
    statuses = [
        browser.post("/api/verify_code/", {"email": EMAIL, "code": "000000"}, token=False).status_code for _ in range(6)
    ]

    assert statuses[-1] == 429
    assert set(statuses[:-1]) <= {400, 429}


# --- The proof belongs to the browser that typed the code -----------------------------------------

ATTACKER_PASSWORD = "attacker-Chosen-77"


def test_a_code_proven_in_one_browser_cannot_sign_up_from_another(browser):
    attacker = Browser()
    attacker.mount()
    before = attacker.post("/api/sign_up/", sign_up_body(userpassword=ATTACKER_PASSWORD), token=False)
    verified(browser)

    after = attacker.post("/api/sign_up/", sign_up_body(userpassword=ATTACKER_PASSWORD), token=False)

    # The attacker's answer is the same before and after the owner proved the address: no signal to strike.
    assert (before.status_code, after.status_code) == (402, 402)
    assert before.json() == after.json()
    assert not User.objects.exists()
    assert browser.post("/api/sign_up/", sign_up_body(), token=False).status_code == 201
    user = User.objects.get(email=EMAIL)
    assert user.check_password(STRONG_PASSWORD) and not user.check_password(ATTACKER_PASSWORD)


def test_a_proof_is_for_the_address_it_proved(browser):
    verified(browser, email="other@example.com")

    response = browser.post("/api/sign_up/", sign_up_body(), token=False)

    assert response.status_code == 402
    assert not User.objects.exists()


def test_a_proof_signs_up_once(browser):
    verified(browser)
    assert browser.post("/api/sign_up/", sign_up_body(), token=False).status_code == 201
    browser.post("/api/logout/")
    User.objects.all().delete()

    response = browser.post("/api/sign_up/", sign_up_body(), token=False)

    assert response.status_code == 402


def test_the_owner_claims_an_address_squatted_through_v1(browser, api_client):
    body = {"email": EMAIL, "password": ATTACKER_PASSWORD, "nickname": "squatter"}
    assert api_client.post("/api/v1/auth/signup/", body, format="json").status_code == 201
    verified(browser)

    response = browser.post("/api/sign_up/", sign_up_body(), token=False)

    assert response.status_code == 201
    user = User.objects.get(email=EMAIL)
    assert user.check_password(STRONG_PASSWORD) and user.is_active
    assert user.profile.nickname == "newbie"
    login = {"email": EMAIL, "password": ATTACKER_PASSWORD}
    assert api_client.post("/api/v1/auth/login/", login, format="json").json()["error"]["code"] == "invalid_credentials"
