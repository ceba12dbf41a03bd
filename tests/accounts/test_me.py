import pytest
from rest_framework.test import APIClient

from accounts.models import Address
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_shows_the_account(user_client, django_assert_num_queries):
    user = user_client.user
    address = AddressFactory(user=user)

    with django_assert_num_queries(1):
        response = user_client.get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == user.email
    assert body["nickname"] == user.profile.nickname
    assert body["default_address_id"] == address.pk
    assert body["email_verified"] is True
    assert {"phone", "first_name", "last_name", "notify_by_email", "notify_by_sms"} <= set(body)


def test_me_without_a_profile_has_no_nickname():
    client = APIClient()
    client.force_authenticate(UserFactory(profile=None))
    assert client.get("/api/v1/me/").json()["nickname"] is None


def test_patch_me_updates_editable_fields(user_client):
    body = {
        "first_name": "Minho",
        "last_name": "Lee",
        "phone": "(213) 555-0100",
        "notify_by_email": False,
        "notify_by_sms": True,
    }
    response = user_client.patch("/api/v1/me/", body, format="json")

    assert response.status_code == 200
    data = response.json()
    assert data["phone"] == "+12135550100"
    assert (data["first_name"], data["last_name"], data["notify_by_email"], data["notify_by_sms"]) == (
        "Minho",
        "Lee",
        False,
        True,
    )
    user = user_client.user
    user.refresh_from_db()
    assert user.phone == "+12135550100" and user.notify_by_sms


def test_patch_me_can_clear_the_phone(user_client):
    assert user_client.patch("/api/v1/me/", {"phone": ""}, format="json").json()["phone"] == ""


def test_patch_me_sets_the_default_address(user_client):
    first = AddressFactory(user=user_client.user, is_default=True)
    second = AddressFactory(user=user_client.user, is_default=False)

    response = user_client.patch("/api/v1/me/", {"default_address_id": second.pk}, format="json")

    assert response.status_code == 200
    assert response.json()["default_address_id"] == second.pk
    assert list(Address.objects.filter(is_default=True)) == [second]
    first.refresh_from_db()
    assert not first.is_default


def test_another_users_address_cannot_become_my_default(user_client):
    mine = AddressFactory(user=user_client.user)
    theirs = AddressFactory()

    response = user_client.patch("/api/v1/me/", {"default_address_id": theirs.pk}, format="json")

    assert response.status_code == 400
    assert "default_address_id" in response.json()["error"]["fields"]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_default and theirs.is_default


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"email": "other@example.com"}, "email", "This field is read-only."),
        ({"nickname": "renamed"}, "nickname", "This field is read-only."),
        ({"is_staff": True}, "is_staff", "This field is read-only."),
        ({"password": "x"}, "password", "Unknown field."),
        ({"phone": "12345"}, "phone", None),
        ({"phone": 2135550100}, "phone", "Not a valid string."),
        ({"first_name": "x" * 151}, "first_name", "Ensure this field has no more than 150 characters."),
        ({"first_name": ["Minho"]}, "first_name", "Not a valid string."),
        ({"notify_by_sms": "maybe"}, "notify_by_sms", "Must be a valid boolean."),
        ({"default_address_id": "abc"}, "default_address_id", "A valid integer is required."),
        ({"default_address_id": None}, "default_address_id", "This field may not be null."),
    ],
)
def test_patch_me_bad_input(user_client, body, field, message):
    before = user_client.get("/api/v1/me/").json()

    response = user_client.patch("/api/v1/me/", body, format="json")

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert field in fields
    if message:
        assert fields[field] == [message]
    assert user_client.get("/api/v1/me/").json() == before
