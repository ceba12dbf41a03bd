import pytest

from accounts.limits import MAX_ADDRESSES
from accounts.models import Address
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/addresses/"

VALID = {
    "name": "Jiwoo Kim",
    "phone": "+1 213-555-0100",
    "country": "us",
    "state": "ca",
    "city": "Los Angeles",
    "line1": "123 Wilshire Blvd",
    "line2": "Apt 4",
    "postal_code": "90010",
}


def test_first_address_becomes_the_default(user_client):
    response = user_client.post(URL, VALID, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["is_default"] is True
    assert (body["country"], body["state"], body["phone"]) == ("US", "CA", "+12135550100")
    address = Address.objects.get()
    assert address.user == user_client.user


def test_new_default_unsets_the_old_one(user_client):
    first = AddressFactory(user=user_client.user, is_default=True)

    plain = user_client.post(URL, {**VALID, "line1": "1 Main St"}, format="json").json()
    assert plain["is_default"] is False

    chosen = user_client.post(URL, {**VALID, "line1": "2 Main St", "is_default": True}, format="json").json()
    assert chosen["is_default"] is True
    assert list(Address.objects.filter(is_default=True).values_list("pk", flat=True)) == [chosen["id"]]
    first.refresh_from_db()
    assert not first.is_default


def test_patch_is_default_moves_the_default(user_client):
    first = AddressFactory(user=user_client.user, is_default=True)
    second = AddressFactory(user=user_client.user, is_default=False)

    response = user_client.patch(f"{URL}{second.pk}/", {"is_default": True}, format="json")

    assert response.status_code == 200 and response.json()["is_default"] is True
    first.refresh_from_db()
    assert not first.is_default


def test_list_shows_only_my_addresses_default_first(user_client, django_assert_num_queries):
    AddressFactory(user=user_client.user, is_default=False, line1="old")
    default = AddressFactory(user=user_client.user, is_default=True)
    AddressFactory()  # someone else's

    with django_assert_num_queries(2):  # count + page
        response = user_client.get(URL)

    body = response.json()
    assert body["count"] == 2
    assert body["results"][0]["id"] == default.pk
    assert {"next", "previous", "results"} <= set(body)


def test_list_query_count_does_not_grow_with_rows(user_client, django_assert_num_queries):
    for _ in range(5):
        AddressFactory(user=user_client.user, is_default=False)
    with django_assert_num_queries(2):
        assert len(user_client.get(URL).json()["results"]) == 5


def test_get_patch_delete_own_address(user_client):
    address = AddressFactory(user=user_client.user)
    detail = f"{URL}{address.pk}/"

    assert user_client.get(detail).json()["line1"] == address.line1
    response = user_client.patch(detail, {"line2": "Suite 200", "postal_code": "90010-1234"}, format="json")
    assert response.status_code == 200
    assert response.json()["line2"] == "Suite 200"
    assert user_client.delete(detail).status_code == 204
    assert not Address.objects.exists()


def test_deleting_the_default_promotes_the_newest_other(user_client):
    older = AddressFactory(user=user_client.user, is_default=False)
    newer = AddressFactory(user=user_client.user, is_default=False)
    default = AddressFactory(user=user_client.user, is_default=True)

    user_client.delete(f"{URL}{default.pk}/")

    newer.refresh_from_db()
    older.refresh_from_db()
    assert newer.is_default and not older.is_default


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_users_address_is_404(user_client, method):
    theirs = AddressFactory()

    response = getattr(user_client, method)(f"{URL}{theirs.pk}/", {"city": "Seoul"}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.city == "Los Angeles"


def test_put_is_not_offered(user_client):
    address = AddressFactory(user=user_client.user)
    response = user_client.put(f"{URL}{address.pk}/", VALID, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_anonymous_cannot_use_the_address_book(api_client):
    address = AddressFactory()
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, VALID, format="json").status_code == 401
    assert api_client.delete(f"{URL}{address.pk}/").status_code == 401
    assert Address.objects.count() == 1


def test_address_book_is_capped(user_client):
    for _ in range(MAX_ADDRESSES):
        AddressFactory(user=user_client.user, is_default=False)

    response = user_client.post(URL, VALID, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "address_limit"
    assert Address.objects.count() == MAX_ADDRESSES


def test_non_us_address_keeps_free_form_state_and_postal_code(user_client):
    body = {**VALID, "country": "KR", "state": "Seoul", "postal_code": "04524", "phone": "010-1234-5678"}
    response = user_client.post(URL, body, format="json")

    assert response.status_code == 201
    assert response.json()["phone"] == "+821012345678"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "USA"}, "country"),
        ({"state": "Cali"}, "state"),
        ({"state": ""}, "state"),
        ({"postal_code": "9001"}, "postal_code"),
        ({"postal_code": "ABCDE"}, "postal_code"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "call me"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"phone": 2135550100}, "phone"),
        ({"name": ""}, "name"),
        ({"city": "x" * 101}, "city"),
        ({"line1": None}, "line1"),
        ({"is_default": "sometimes"}, "is_default"),
        ({"user": 1}, "user"),
        ({"id": 99}, "id"),
    ],
)
def test_invalid_address_is_rejected(user_client, change, field):
    response = user_client.post(URL, {**VALID, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Address.objects.exists()


@pytest.mark.parametrize("missing", ["name", "phone", "country", "city", "line1", "postal_code"])
def test_required_address_fields(user_client, missing):
    body = {k: v for k, v in VALID.items() if k != missing}
    response = user_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][missing] == ["This field is required."]


def test_patch_is_checked_against_the_stored_address(user_client):
    address = AddressFactory(user=user_client.user, country="US", state="CA", postal_code="90010")
    detail = f"{URL}{address.pk}/"

    response = user_client.patch(detail, {"state": "Texas"}, format="json")
    assert response.status_code == 400 and "state" in response.json()["error"]["fields"]

    korea = {"country": "KR", "state": "Seoul", "postal_code": "04524", "phone": "010-1234-5678"}
    assert user_client.patch(detail, korea, format="json").status_code == 200
    # Back to the US with the Korean state left in place: it is not a US state.
    response = user_client.patch(detail, {"country": "US"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"state"}
    address.refresh_from_db()
    assert (address.country, address.state, address.phone) == ("KR", "Seoul", "+821012345678")
