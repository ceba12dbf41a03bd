import pytest
from django.core import mail

from commerce.orders.models import ExchangeRate, Order, OrderEvent, OrderItem
from notifications.models import Notification
from tests.accounts.factories import AddressFactory, UserFactory

from .factories import address_payload, item_payload, quoted_order, requested_order

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


def test_create_order_with_saved_address(user_client, django_capture_on_commit_callbacks):
    address = AddressFactory(user=user_client.user, city="Irvine")
    body = {
        "address_id": address.pk,
        "items": [item_payload(1, quantity=2, options="Blue / M", note="gift"), item_payload(2)],
        "note": "Please hurry",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "requested"
    assert data["number"].startswith("BD")
    assert [item["quantity"] for item in data["items"]] == [2, 1]
    assert data["items"][0]["options"] == "Blue / M"
    assert data["exchange_rate"]["krw_per_usd"] == "1380.0000"
    assert [step["done"] for step in data["steps"]] == [False] * 5
    assert [step["label"] for step in data["steps"]][0] == "Request reviewed"

    order = Order.objects.get(number=data["number"])
    assert order.shipping_address["city"] == "Irvine"
    assert order.customer_note == "Please hurry"
    assert order.exchange_rate.source == "fixed"
    assert list(order.events.values_list("kind", flat=True)) == [OrderEvent.Kind.REQUESTED]
    notification = Notification.objects.get(user=user_client.user)
    assert notification.type == "order.status"
    assert notification.payload["order"] == order.number and notification.payload["step"] == 0
    assert len(mail.outbox) == 1
    assert order.number in mail.outbox[0].subject
    assert mail.outbox[0].alternatives  # HTML part


def test_create_order_with_inline_address_snapshots_it(user_client):
    response = user_client.post(
        URL, {"address": address_payload(country="us"), "items": [item_payload()]}, format="json"
    )
    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert order.shipping_address["country"] == "US"
    assert order.shipping_address["line2"] == ""


@pytest.mark.parametrize(
    "body_change, field",
    [
        ({"items": []}, "items"),
        ({"items": [item_payload(n) for n in range(21)]}, "items"),
        ({"items": [item_payload(url="ftp://shop.example.kr/x")]}, "items"),
        ({"items": [item_payload(url="javascript:alert(1)")]}, "items"),
        ({"items": [item_payload(url="https://shop.example.kr/" + "a" * 2000)]}, "items"),
        ({"items": [item_payload(quantity=0)]}, "items"),
        ({"items": [item_payload(quantity=100)]}, "items"),
        ({"items": [item_payload(options="x" * 501)]}, "items"),
        ({"items": "nope"}, "items"),
        ({"address": None}, "address"),
        ({"address_id": 1}, "address"),  # both given
        ({"address": {"name": "No city"}}, "address"),
    ],
)
def test_create_order_bad_input_is_400_and_writes_nothing(user_client, body_change, field):
    body = {"address": address_payload(), "items": [item_payload()], **body_change}
    if body.get("address") is None:
        body.pop("address")
    response = user_client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]
    assert not Order.objects.exists() and not ExchangeRate.objects.exists() and not OrderItem.objects.exists()


def test_create_order_with_someone_elses_address_is_400(user_client):
    other = AddressFactory()
    response = user_client.post(URL, {"address_id": other.pk, "items": [item_payload()]}, format="json")
    assert response.status_code == 400
    assert "address_id" in response.json()["error"]["fields"]
    assert not Order.objects.exists()


def test_twenty_items_and_a_2000_char_url_are_accepted(user_client):
    long_url = "https://shop.example.kr/" + "a" * (2000 - len("https://shop.example.kr/"))
    items = [item_payload(n) for n in range(19)] + [item_payload(url=long_url, quantity=99)]
    response = user_client.post(URL, {"address": address_payload(), "items": items}, format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["items"]) == 20


def test_anonymous_is_rejected(api_client):
    assert api_client.get(URL).status_code in (401, 403)
    assert api_client.post(URL, {}, format="json").status_code in (401, 403)
    assert api_client.get(f"{URL}BD000000-000000/").status_code in (401, 403)


def test_list_is_mine_newest_first_and_filters_status(user_client):
    first = requested_order(user_client.user)
    second = quoted_order(user_client.user)
    requested_order()  # someone else's
    data = user_client.get(URL).json()
    assert [row["number"] for row in data["results"]] == [second.number, first.number]
    assert data["results"][0]["steps"][0]["done"] is True and data["results"][0]["step"] == 1
    filtered = user_client.get(URL, {"status": "quoted"}).json()
    assert [row["number"] for row in filtered["results"]] == [second.number]
    assert user_client.get(URL, {"status": "bogus"}).status_code == 400


def test_someone_elses_order_is_404(user_client):
    other = requested_order()
    assert user_client.get(f"{URL}{other.number}/").status_code == 404
    assert user_client.post(f"{URL}{other.number}/cancel/").status_code == 404
    assert user_client.post(f"{URL}{other.number}/checkout/", {"stage": "items"}, format="json").status_code == 404
    other.refresh_from_db()
    assert other.status == Order.Status.REQUESTED


def test_detail_shows_quote_payments_and_hides_staff_events(user_client):
    order = quoted_order(user_client.user, items=2)
    data = user_client.get(f"{URL}{order.number}/").json()
    assert data["quote"]["total_cents"] == order.total_cents
    assert data["quote"]["lines"][-1]["kind"] == "card_fee"
    assert data["parcel"] is None and data["shipment"] is None and data["payments"] == []
    assert [event["kind"] for event in data["events"]] == ["requested", "quoted"]
    assert "actor" not in data["events"][0]
    assert data["steps"][0]["done"] and data["steps"][0]["at"]


def test_cancel_while_requested_or_quoted(user_client):
    order = quoted_order(user_client.user)
    response = user_client.post(f"{URL}{order.number}/cancel/", {"reason": "changed my mind"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = user_client.post(f"{URL}{order.number}/cancel/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "order_conflict"
    assert order.events.filter(kind=OrderEvent.Kind.CANCELLED).count() == 1


@pytest.mark.parametrize("n", [1, 50])
def test_list_query_count_is_constant(user_client, django_assert_num_queries, n):
    for _ in range(n):
        requested_order(user_client.user, items=2)
    # count, page of orders, their exchange rates, their events
    with django_assert_num_queries(4):
        response = user_client.get(URL, {"page_size": 50})
    assert len(response.json()["results"]) == n


def test_detail_query_count_does_not_grow_with_items(user_client, django_assert_max_num_queries):
    order = quoted_order(user_client.user, items=20)
    with django_assert_max_num_queries(8):
        assert user_client.get(f"{URL}{order.number}/").status_code == 200


def test_order_numbers_are_unique_per_user_flow(user_client):
    numbers = {requested_order(UserFactory()).number for _ in range(5)}
    assert len(numbers) == 5
