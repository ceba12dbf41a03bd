import pytest
from rest_framework.test import APIClient

from commerce.orders.models import Order, OrderEvent
from commerce.payments.models import Payment
from tests.accounts.factories import EditorFactory, UserFactory

from .factories import RestrictedItemRuleFactory, item_payload, paid_order, quoted_order, requested_order

pytestmark = pytest.mark.django_db
BASE = "/api/v1/staff/orders/"


def quote_body(order, price=13_800, **overrides):
    return {
        "items": [{"id": item.pk, "unit_price_krw": price} for item in order.items.all()],
        "domestic_shipping_krw": 3_000,
        **overrides,
    }


def test_full_happy_path_through_the_api(user_client, staff_client, api_client):
    created = user_client.post(
        "/api/v1/orders/",
        {"address": {"name": "J", "city": "LA", "line1": "1 Main", "postal_code": "90010"}, "items": [item_payload()]},
        format="json",
    ).json()
    number = created["number"]
    order = Order.objects.get(number=number)

    quoted = staff_client.post(f"{BASE}{number}/quote/", quote_body(order, note="Ships in 3 days"), format="json")
    assert quoted.status_code == 200, quoted.content
    assert quoted.json()["status"] == "quoted" and quoted.json()["quote"]["note"] == "Ships in 3 days"

    session = user_client.post(f"/api/v1/orders/{number}/checkout/", {"stage": "items"}, format="json").json()
    from .stripe_helpers import post_event, session_event

    payment = Payment.objects.get(session_id=session["session_id"])
    assert post_event(api_client, session_event("checkout.session.completed", payment)).status_code == 200

    purchased = staff_client.post(f"{BASE}{number}/purchase/", {}, format="json")
    assert purchased.json()["status"] == "purchased"
    events = [e["kind"] for e in purchased.json()["events"]]
    assert events == ["requested", "quoted", "checkout_opened", "items_paid", "purchased"]
    assert purchased.json()["events"][1]["actor"] == staff_client.user.email


def test_quote_prices_items_and_flags_restricted_ones(staff_client):
    RestrictedItemRuleFactory(keyword="battery")
    order = requested_order(items=2)
    order.items.filter(position=1).update(url="https://shop.example.kr/power-BATTERY-pack")
    response = staff_client.post(f"{BASE}{order.number}/quote/", quote_body(order), format="json")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["restricted"] for i in items] == [False, True]
    assert items[1]["restricted_reason"].startswith("battery")
    assert response.json()["quote"]["items_subtotal_krw"] == 13_800  # the restricted item is not charged
    # An explicit choice overrides the rules.
    order2 = requested_order(items=1)
    order2.items.update(url="https://shop.example.kr/battery")
    body = quote_body(order2)
    body["items"][0]["restricted"] = False
    assert (
        staff_client.post(f"{BASE}{order2.number}/quote/", body, format="json").json()["items"][0]["restricted"]
        is False
    )


@pytest.mark.parametrize(
    "mutate",
    [
        lambda body: body.update(items=[]),
        lambda body: body["items"].pop(),
        lambda body: body["items"].append(dict(body["items"][0])),
        lambda body: body["items"][0].update(unit_price_krw=-1),
        lambda body: body["items"][0].update(unit_price_krw="abc"),
        lambda body: body["items"][0].update(id=999_999),
        lambda body: body.update(domestic_shipping_krw=-5),
        lambda body: body.pop("domestic_shipping_krw"),
        lambda body: [i.update(unit_price_krw=10) for i in body["items"]] + [body.update(domestic_shipping_krw=0)],
        lambda body: [i.update(unit_price_krw=10**12) for i in body["items"]],  # above the card maximum
        lambda body: [i.update(restricted=True) for i in body["items"]],  # nothing left to charge
    ],
)
def test_quote_bad_input_is_400_and_nothing_changes(staff_client, mutate):
    order = requested_order(items=2)
    body = quote_body(order)
    mutate(body)
    response = staff_client.post(f"{BASE}{order.number}/quote/", body, format="json")
    assert response.status_code == 400, response.content
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED and order.quote_version == 0 and order.total_cents is None
    assert not order.items.exclude(unit_price_krw=None).exists()
    assert not order.events.exclude(kind=OrderEvent.Kind.REQUESTED).exists()


def test_illegal_transitions_are_409_and_change_nothing(staff_client, api_client):
    cancelled = requested_order()
    assert staff_client.post(f"{BASE}{cancelled.number}/cancel/", {"reason": "dup"}, format="json").status_code == 200
    for action, body in [
        ("quote", quote_body(cancelled)),
        ("reject", {"reason": "x"}),
        ("purchase", {}),
        ("cancel", {}),
        ("refund", {"reason": "x"}),
    ]:
        response = staff_client.post(f"{BASE}{cancelled.number}/{action}/", body, format="json")
        assert response.status_code == 409, (action, response.content)
        assert response.json()["error"]["message"]
    cancelled.refresh_from_db()
    assert cancelled.status == Order.Status.CANCELLED
    assert cancelled.events.count() == 2

    quoted = quoted_order()
    assert staff_client.post(f"{BASE}{quoted.number}/purchase/", {}, format="json").status_code == 409
    assert staff_client.post(f"{BASE}{quoted.number}/quote/", quote_body(quoted), format="json").status_code == 409

    paid = paid_order(api_client)
    response = staff_client.post(f"{BASE}{paid.number}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 409 and "refund" in response.json()["error"]["message"]


def test_reject_needs_a_reason(staff_client):
    order = requested_order()
    assert staff_client.post(f"{BASE}{order.number}/reject/", {}, format="json").status_code == 400
    response = staff_client.post(f"{BASE}{order.number}/reject/", {"reason": "Not sold abroad"}, format="json")
    assert response.json()["status"] == "rejected" and response.json()["status_reason"] == "Not sold abroad"


def test_full_refund_then_double_refund_is_409(staff_client, api_client):
    order = paid_order(api_client)
    response = staff_client.post(f"{BASE}{order.number}/refund/", {"reason": "Out of stock"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "refunded"
    refund = Payment.objects.get(kind=Payment.Kind.REFUND)
    assert refund.amount_cents == order.total_cents and refund.refund_id.startswith("re_dummy_")
    assert refund.refund_of.kind == Payment.Kind.CHARGE and refund.created_by == staff_client.user
    again = staff_client.post(f"{BASE}{order.number}/refund/", {"reason": "again"}, format="json")
    assert again.status_code == 409
    assert Payment.objects.filter(kind=Payment.Kind.REFUND).count() == 1


def test_partial_refund_and_over_refund(staff_client, api_client):
    order = paid_order(api_client)
    over = staff_client.post(
        f"{BASE}{order.number}/refund/", {"reason": "x", "amount_cents": order.total_cents + 1}, format="json"
    )
    assert over.status_code == 409 and "more than" in over.json()["error"]["message"]
    assert (
        staff_client.post(
            f"{BASE}{order.number}/refund/", {"reason": "x", "amount_cents": 0}, format="json"
        ).status_code
        == 400
    )
    assert not Payment.objects.filter(kind=Payment.Kind.REFUND).exists()
    partial = staff_client.post(
        f"{BASE}{order.number}/refund/", {"reason": "One item", "amount_cents": 500}, format="json"
    )
    assert partial.status_code == 200 and partial.json()["status"] == "items_paid"
    event = partial.json()["events"][-1]
    assert event["kind"] == "refund_issued" and event["data"]["amount_cents"] == 500


def test_staff_list_filters_and_search(staff_client, api_client):
    jiwoo = UserFactory(email="jiwoo.search@example.com")
    a = requested_order(jiwoo)
    b = quoted_order()
    c = paid_order(api_client)
    data = staff_client.get(BASE).json()
    assert {row["number"] for row in data["results"]} == {a.number, b.number, c.number}
    assert data["results"][0]["email"]
    assert [r["number"] for r in staff_client.get(BASE, {"status": "quoted"}).json()["results"]] == [b.number]
    assert [r["number"] for r in staff_client.get(BASE, {"q": "jiwoo.search"}).json()["results"]] == [a.number]
    assert [r["number"] for r in staff_client.get(BASE, {"q": b.number.lower()}).json()["results"]] == [b.number]
    waiting = {r["number"] for r in staff_client.get(BASE, {"waiting": "1"}).json()["results"]}
    assert waiting == {a.number, c.number}
    assert staff_client.get(BASE, {"status": "nope"}).status_code == 400


@pytest.mark.parametrize("n", [1, 50])
def test_staff_list_query_count_is_constant(staff_client, django_assert_num_queries, n):
    for _ in range(n):
        requested_order(items=2)
    # group check, TOTP device check, count, page of orders (+ shipment), rates, customers, their events
    with django_assert_num_queries(7):
        response = staff_client.get(BASE, {"page_size": 50})
    assert len(response.json()["results"]) == n


def test_customers_and_editors_get_403_anonymous_401(user_client):
    order = requested_order()
    editor = APIClient()
    editor.force_authenticate(EditorFactory())
    for client in (user_client, editor):
        assert client.get(BASE).status_code == 403
        assert client.get(f"{BASE}{order.number}/").status_code == 403
        response = client.post(f"{BASE}{order.number}/quote/", quote_body(order), format="json")
        assert response.status_code == 403
    assert APIClient().get(BASE).status_code in (401, 403)
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED


def test_superuser_is_staff(db):
    client = APIClient()
    client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(BASE).status_code == 200


def test_unknown_order_is_404(staff_client):
    assert staff_client.post(f"{BASE}BD000000-000000/purchase/", {}, format="json").status_code == 404
