import pytest
from django.contrib.auth import SESSION_KEY
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.accounts.conftest import STRONG_PASSWORD, code_from_mail
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD):
    return client.post("/api/v1/auth/login/", {"email": email, "password": password}, format="json")


def test_login_returns_user_and_token_and_starts_a_session(api_client):
    user = UserFactory(email="jiwoo@example.com", profile__nickname="jiwoo")

    response = login(api_client, "JIWOO@example.com")

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == "jiwoo@example.com"
    assert body["user"]["nickname"] == "jiwoo"
    assert body["token"] == Token.objects.get(user=user).key
    assert body["csrfToken"]
    assert int(api_client.session[SESSION_KEY]) == user.pk
    assert api_client.get("/api/v1/me/").status_code == 200  # the session cookie is enough
    user.refresh_from_db()
    assert user.last_login is not None


def test_token_authenticates_without_a_session(api_client):
    user = UserFactory()
    token = login(APIClient(), user.email).json()["token"]

    assert api_client.get("/api/v1/me/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_login_twice_returns_the_same_token(api_client):
    user = UserFactory()
    assert login(APIClient(), user.email).json()["token"] == login(APIClient(), user.email).json()["token"]


def test_bad_token_is_401_with_error_shape(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_wrong_password_is_a_clear_400(api_client):
    user = UserFactory()
    response = login(api_client, user.email, "wrong-Password-1")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_credentials",
        "message": "Email or password is incorrect.",
        "fields": {},
    }
    assert SESSION_KEY not in api_client.session
    assert not Token.objects.exists()


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(api_client):
    UserFactory(email="known@example.com")
    unknown = login(api_client, "unknown@example.com")
    wrong = login(api_client, "known@example.com", "wrong-Password-1")
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.json() == wrong.json()


def test_unverified_user_cannot_log_in(signup, api_client):
    signup(email="new@example.com")
    response = login(api_client, "new@example.com", "violet-Harbor-42")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "email_not_verified"
    assert SESSION_KEY not in api_client.session


def test_unverified_user_with_wrong_password_is_not_told_about_verification(signup, api_client):
    signup(email="new@example.com")
    response = login(api_client, "new@example.com", "wrong-Password-1")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_disabled_account_cannot_log_in(api_client):
    user = UserFactory(is_active=False)
    response = login(api_client, user.email)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_disabled"


def test_full_signup_verify_login_journey(signup, api_client):
    assert signup(email="journey@example.com", nickname="traveller").status_code == 201
    code = code_from_mail("journey@example.com")
    verify = {"email": "journey@example.com", "code": code, "password": STRONG_PASSWORD}
    assert api_client.post("/api/v1/auth/verify/", verify, format="json").status_code == 200

    response = login(api_client, "journey@example.com", STRONG_PASSWORD)

    assert response.status_code == 200
    me = api_client.get("/api/v1/me/").json()
    assert me["nickname"] == "traveller"
    assert me["email_verified"] is True


def test_session_logout_ends_the_session_and_keeps_the_token(api_client):
    user = UserFactory()
    login(api_client, user.email)

    response = api_client.post("/api/v1/auth/logout/")

    assert response.status_code == 204
    assert api_client.get("/api/v1/me/").status_code in (401, 403)
    assert Token.objects.filter(user=user).exists()  # other token clients stay signed in


def test_token_logout_deletes_the_token(api_client):
    user = UserFactory()
    token = login(APIClient(), user.email).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.post("/api/v1/auth/logout/").status_code == 204

    assert not Token.objects.filter(user=user).exists()
    assert api_client.get("/api/v1/me/").status_code == 401


def test_anonymous_logout_is_harmless(api_client):
    assert api_client.post("/api/v1/auth/logout/").status_code == 204


def test_csrf_endpoint_sets_the_cookie(csrf_client):
    response = csrf_client.get("/api/v1/auth/csrf/")

    assert response.status_code == 200
    assert response.json()["csrfToken"]
    assert response.cookies["csrftoken"].value
