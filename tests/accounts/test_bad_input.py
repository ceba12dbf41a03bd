"""Every malformed body is a 400 with the error shape and field messages, and writes nothing."""

import pytest
from django.core import mail

from accounts.models import EmailCode, User
from tests.accounts.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
GOOD = {"email": "new@example.com", "password": STRONG_PASSWORD, "nickname": "newbie"}


def assert_nothing_written():
    assert not User.objects.exists()
    assert not EmailCode.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path", ["auth/signup/", "auth/login/", "auth/verify/", "auth/resend/", "auth/password/reset/"]
)
def test_malformed_json_is_a_400(api_client, path):
    response = api_client.post(f"/api/v1/{path}", '{"email": "a@example.com",', content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert "JSON parse error" in error["message"]


@pytest.mark.parametrize("body", ['["a@example.com"]', '"just a string"', "42", "null"])
def test_body_that_is_not_an_object_is_a_400(api_client, body):
    response = api_client.post(SIGNUP, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("invalid", "parse_error")
    assert_nothing_written()


def test_empty_body_lists_every_required_field(api_client):
    response = api_client.post(SIGNUP, {}, format="json")

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields == {name: ["This field is required."] for name in ("email", "password", "nickname")}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"is_staff": True}, "is_staff", "Unknown field."),
        ({"is_active": True}, "is_active", "Unknown field."),
        ({"username": "x"}, "username", "Unknown field."),
        ({"email": 12345}, "email", "Enter a valid email address."),
        ({"email": ["new@example.com"]}, "email", "Enter a valid email address."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": "a" * 250 + "@example.com"}, "email", "Ensure this field has no more than 254 characters."),
        ({"password": 123456789012}, "password", "Not a valid string."),
        ({"password": "Aa1!" * 40}, "password", "Ensure this field has no more than 128 characters."),
        ({"password": None}, "password", "This field may not be null."),
        ({"nickname": 12345}, "nickname", "Not a valid string."),
        ({"nickname": {"name": "x"}}, "nickname", "Not a valid string."),
        ({"nickname": "n" * 17}, "nickname", "Ensure this field has no more than 16 characters."),
        ({"nickname": ""}, "nickname", "This field may not be blank."),
    ],
)
def test_signup_bad_fields(api_client, change, field, message):
    response = api_client.post(SIGNUP, {**GOOD, **change}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"][field] == [message]
    assert error["message"] == f"{field}: {message}"
    assert_nothing_written()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("auth/login/", {"email": "a@example.com", "password": "x", "remember": True}, "remember"),
        ("auth/login/", {"email": "a@example.com"}, "password"),
        ("auth/login/", {"email": "a@example.com", "password": 123}, "password"),
        ("auth/resend/", {"email": "a@example.com", "purpose": "signup"}, "purpose"),
        ("auth/resend/", {}, "email"),
        ("auth/password/reset/", {"email": "nope"}, "email"),
        ("auth/password/reset/confirm/", {"email": "a@example.com", "code": "123456"}, "new_password"),
    ],
)
def test_other_auth_endpoints_reject_bad_bodies(api_client, path, body, field):
    response = api_client.post(f"/api/v1/{path}", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_form_encoded_signup_works_and_is_strict_too(api_client):
    assert api_client.post(SIGNUP, {**GOOD, "extra": "1"}).status_code == 400
    assert api_client.post(SIGNUP, GOOD).status_code == 201


def test_wrong_method_is_405_with_error_shape(api_client):
    response = api_client.get(SIGNUP)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_unsupported_media_type_is_415(api_client):
    response = api_client.post(SIGNUP, "<xml/>", content_type="application/xml")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
