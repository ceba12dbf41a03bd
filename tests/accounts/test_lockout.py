"""django-axes on every password form: a client, and an account, are locked after AXES_FAILURE_LIMIT failures."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, EditorFactory, UserFactory
from tests.legacy.conftest import Browser

pytestmark = pytest.mark.django_db

WRONG = "wrong-Password-9"
LIMIT = 5


@pytest.fixture(autouse=True)
def _roomy_throttles(throttle_rates):
    # The DRF rate limits are a separate control; here only the axes lockout may refuse.
    throttle_rates(login="1000/min")


def api_login(client, email, password, ip="10.0.0.1"):
    return client.post("/api/v1/auth/login/", {"email": email, "password": password}, format="json", REMOTE_ADDR=ip)


def test_api_login_is_locked_after_the_limit_even_with_the_right_password():
    user = UserFactory()
    client = APIClient()
    statuses = [api_login(client, user.email, WRONG).status_code for _ in range(LIMIT)]
    assert statuses == [400] * (LIMIT - 1) + [429]  # the failure that reaches the limit locks

    response = api_login(client, user.email, PASSWORD)

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert SESSION_KEY not in client.session


def test_an_account_is_locked_from_every_client():
    user = UserFactory()
    for number in range(LIMIT):
        api_login(APIClient(), user.email, WRONG, ip=f"10.0.1.{number}")  # a guess from each of many clients

    assert api_login(APIClient(), user.email, PASSWORD, ip="10.0.0.9").status_code == 429
    assert api_login(APIClient(), user.email.upper(), PASSWORD, ip="10.0.0.9").status_code == 429  # any case


def test_a_client_is_locked_for_every_account():
    user, other = UserFactory(), UserFactory()
    for number in range(LIMIT):
        api_login(APIClient(), f"guess{number}@example.com", WRONG)  # one client trying many accounts

    assert api_login(APIClient(), user.email, PASSWORD).status_code == 429
    assert api_login(APIClient(), other.email, PASSWORD, ip="10.0.0.2").status_code == 200  # another client


def test_a_password_reset_unlocks_the_account(throttle_rates):
    from django.core import mail

    from accounts import services

    user = UserFactory()
    for number in range(LIMIT):
        api_login(APIClient(), user.email, WRONG, ip=f"10.0.1.{number}")
    services.request_password_reset(email=user.email)
    code = next(word for word in mail.outbox[-1].body.split() if word.isdigit() and len(word) == 6)

    services.reset_password(email=user.email, code=code, new_password="another-Horse-8")

    assert api_login(APIClient(), user.email, "another-Horse-8", ip="10.0.0.9").status_code == 200


def test_a_successful_login_clears_the_failures():
    user = UserFactory()
    for _ in range(LIMIT - 1):
        api_login(APIClient(), user.email, WRONG)
    assert api_login(APIClient(), user.email, PASSWORD).status_code == 200

    for _ in range(LIMIT - 1):
        api_login(APIClient(), user.email, WRONG)
    assert api_login(APIClient(), user.email, PASSWORD).status_code == 200


def test_unknown_accounts_are_locked_too():
    for _ in range(LIMIT):
        api_login(APIClient(), "nobody@example.com", WRONG)

    assert api_login(APIClient(), "nobody@example.com", WRONG).status_code == 429


def test_legacy_login_is_locked_in_the_legacy_error_shape():
    user = UserFactory()
    browser = Browser()
    browser.mount()
    for _ in range(LIMIT - 1):
        assert browser.post("/api/login/", {"useremail": user.email, "userpassword": WRONG}).status_code == 404
    browser.post("/api/login/", {"useremail": user.email, "userpassword": WRONG})

    response = browser.post("/api/login/", {"useremail": user.email, "userpassword": PASSWORD})

    assert response.status_code == 429
    assert response.json()["msg"] == "locked_out"
    assert SESSION_KEY not in browser.client.session


def test_password_change_counts_wrong_current_passwords():
    user = UserFactory()
    client = APIClient()
    client.force_authenticate(user)
    body = {"old_password": WRONG, "new_password": "sunny-Garden-58"}
    statuses = [client.post("/api/v1/auth/password/change/", body, format="json").status_code for _ in range(LIMIT)]
    assert statuses == [400] * (LIMIT - 1) + [429]

    body["old_password"] = PASSWORD
    response = client.post("/api/v1/auth/password/change/", body, format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "path, superuser",
    [("/admin/login/", False), ("/django-admin/login/", True)],
)
def test_admin_logins_are_locked_with_a_page(path, superuser):
    user = EditorFactory(is_superuser=superuser)
    client = Client()
    for _ in range(LIMIT - 1):
        response = client.post(path, {"username": user.email, "password": WRONG})
        assert response.status_code == 200  # the form again, with its error
    client.post(path, {"username": user.email, "password": WRONG})

    response = client.post(path, {"username": user.email, "password": PASSWORD})

    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert b"Sign-in locked" in response.content
    assert SESSION_KEY not in client.session


def test_failures_on_one_door_count_on_the_others():
    user = EditorFactory()
    for _ in range(LIMIT):
        Client().post("/admin/login/", {"username": user.email, "password": WRONG}, REMOTE_ADDR="10.0.0.1")

    assert api_login(APIClient(), user.email, PASSWORD).status_code == 429
