"""Consolidated parcels end to end: the customer's request, one intake, one delivery payment, one shipment, split."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bidangil.errors import Conflict
from commerce.orders.models import Order, OrderEvent
from commerce.payments.models import Payment
from commerce.payments.services import expire_stale_checkouts
from commerce.shipping import services as shipping
from commerce.shipping.models import Parcel, ParcelPhoto, Shipment
from tests.accounts.factories import OrderStaffFactory, UserFactory
from tests.commerce.factories import order_in, purchased_order, us_rates
from tests.commerce.shipping_helpers import image_upload
from tests.commerce.stripe_helpers import post_event, session_event

pytestmark = pytest.mark.django_db

INTAKE = {"weight_g": 1800, "length_cm": "30", "width_cm": "20", "height_cm": "10"}


def consolidate(client, *orders):
    return client.post("/api/v1/parcels/", {"orders": [order.number for order in orders]}, format="json")


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code, error


def assert_nothing_written(*orders):
    assert not Parcel.objects.filter(consolidation_requested_at__isnull=False).exists()
    for order in orders:
        order.refresh_from_db()
        assert order.parcel_id is None
        assert not order.events.filter(kind=OrderEvent.Kind.CONSOLIDATION_REQUESTED).exists()


@pytest.fixture
def two_orders(user):
    us_rates()
    return purchased_order(user=user), purchased_order(user=user)


def test_customer_consolidates_and_the_order_pages_show_it(user_client, two_orders):
    first, second = two_orders

    response = consolidate(user_client, first, second)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["consolidated"] is True and body["received_at"] is None and body["delivery_fee_cents"] is None
    assert [o["number"] for o in body["orders"]] == [first.number, second.number]
    for order in (first, second):
        events = order.events.filter(kind=OrderEvent.Kind.CONSOLIDATION_REQUESTED)
        assert events.get().data == {"parcel": body["id"], "orders": [first.number, second.number]}
        order.refresh_from_db()
        assert order.status == Order.Status.PURCHASED  # no status change until the warehouse measures it
    listed = {row["number"]: row for row in user_client.get("/api/v1/orders/").json()["results"]}
    assert listed[second.number]["consolidation"]["orders"] == [first.number, second.number]
    detail = user_client.get(f"/api/v1/orders/{first.number}/").json()
    assert detail["parcel"]["id"] == body["id"] and detail["parcel"]["weight_g"] is None
    assert detail["parcel"]["orders"] == [first.number, second.number]
    assert user_client.get(f"/api/v1/parcels/{body['id']}/").json() == body


def test_one_intake_one_payment_one_shipment_for_the_whole_parcel(user_client, client, two_orders):
    first, second = two_orders
    staff = OrderStaffFactory()
    parcel_id = consolidate(user_client, first, second).json()["id"]

    shipping.record_intake(order_id=second.pk, actor=staff, photos=[image_upload()], **INTAKE)

    parcel = Parcel.objects.get()
    assert parcel.pk == parcel_id and parcel.weight_g == 1800 and parcel.delivery_fee_cents == 3200
    assert ParcelPhoto.objects.filter(parcel=parcel).count() == 1
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == Order.Status.DELIVERY_QUOTED and order.delivery_fee_cents == 3200
        assert order.events.filter(kind=OrderEvent.Kind.INTAKE).get().data["orders"] == [first.number, second.number]

    # Either order's checkout is the parcel's one session, recorded on its lead (first) order.
    response = user_client.post(f"/api/v1/orders/{second.number}/checkout/", {"stage": "delivery"}, format="json")
    assert response.status_code == 200, response.content
    again = user_client.post(f"/api/v1/orders/{first.number}/checkout/", {"stage": "delivery"}, format="json")
    assert again.json()["checkout_url"] == response.json()["checkout_url"]
    payment = Payment.objects.get(stage=Payment.Stage.DELIVERY)
    assert payment.order == first and payment.amount_cents == 3200 + 128

    assert post_event(client, session_event("checkout.session.completed", payment)).status_code == 200

    for order in (first, second):
        order.refresh_from_db()
        assert order.status == Order.Status.DELIVERY_PAID
        assert order.events.filter(kind=OrderEvent.Kind.DELIVERY_PAID).count() == 1
    split = user_client.post(f"/api/v1/parcels/{parcel_id}/split/")
    assert_error(split, 409, "parcel_conflict")

    shipping.ship_order(order_id=first.pk, actor=staff, carrier="fedex", tracking_number="794612345678")
    shipment = Shipment.objects.get()
    assert shipment.parcel_id == parcel_id
    for _ in range(10):  # the dummy carrier moves one scan per poll, up to delivered
        shipping.poll_shipments()
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == Order.Status.DELIVERED
        kinds = list(order.events.values_list("kind", flat=True))
        assert kinds.count(OrderEvent.Kind.SHIPPED) == 1 and kinds.count(OrderEvent.Kind.DELIVERED) == 1
        steps = user_client.get(f"/api/v1/orders/{order.number}/").json()["steps"]
        assert [step["done"] for step in steps[2:]] == [True, True, True]  # delivery paid, in transit, delivered


def test_ship_refuses_while_another_order_of_the_parcel_is_not_paid(user_client, two_orders):
    first, second = two_orders
    consolidate(user_client, first, second)
    shipping.record_intake(order_id=first.pk, actor=OrderStaffFactory(), **INTAKE)
    Order.objects.filter(pk=first.pk).update(status=Order.Status.DELIVERY_PAID)

    with pytest.raises(Conflict):
        shipping.ship_order(order_id=first.pk, actor=None, carrier="fedex", tracking_number="794612345678")
    assert not Shipment.objects.exists()


def test_split_before_payment_puts_each_order_back_to_its_own_intake(user_client, two_orders):
    first, second = two_orders
    parcel_id = consolidate(user_client, first, second).json()["id"]
    shipping.record_intake(order_id=first.pk, actor=OrderStaffFactory(), photos=[image_upload()], **INTAKE)
    user_client.post(f"/api/v1/orders/{first.number}/checkout/", {"stage": "delivery"}, format="json")

    response = user_client.post(f"/api/v1/parcels/{parcel_id}/split/")

    assert response.status_code == 200, response.content
    assert response.json() == {"orders": [first.number, second.number]}
    assert not Parcel.objects.exists() and not ParcelPhoto.objects.exists()
    # The open delivery checkout can no longer be paid for: the payments sweep expires it at the provider.
    assert expire_stale_checkouts() == 1
    assert Payment.objects.get(stage=Payment.Stage.DELIVERY).status == Payment.Status.EXPIRED
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == Order.Status.PURCHASED
        assert order.parcel_id is None and order.delivery_fee_cents is None
        assert order.events.filter(kind=OrderEvent.Kind.PARCEL_SPLIT).count() == 1
    # Each order is measured on its own now.
    shipping.record_intake(order_id=second.pk, actor=OrderStaffFactory(), **INTAKE)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == Order.Status.DELIVERY_QUOTED and first.status == Order.Status.PURCHASED


def test_split_of_a_requested_consolidation_keeps_the_status(user_client, two_orders):
    first, second = two_orders
    parcel_id = consolidate(user_client, first, second).json()["id"]

    assert user_client.post(f"/api/v1/parcels/{parcel_id}/split/").status_code == 200

    assert not Parcel.objects.exists()
    first.refresh_from_db()
    assert first.status == Order.Status.PURCHASED and first.parcel_id is None
    assert consolidate(user_client, first, second).status_code == 201  # and they may be grouped again


def test_another_customers_order_is_404_and_nothing_written(user_client, user):
    mine = purchased_order(user=user)
    theirs = purchased_order()

    response = consolidate(user_client, mine, theirs)

    assert_error(response, 404)
    assert theirs.number in response.json()["error"]["message"]
    assert_nothing_written(mine, theirs)


@pytest.mark.parametrize("status", [Order.Status.ITEMS_PAID, Order.Status.DELIVERY_QUOTED, Order.Status.SHIPPED])
def test_an_order_not_purchased_is_409(user_client, user, status):
    mine = purchased_order(user=user)
    other = order_in(status, user)
    parcel = other.parcel_id  # the order's own parcel, from its intake

    assert_error(consolidate(user_client, mine, other), 409, "order_conflict")
    other.refresh_from_db()
    assert other.parcel_id == parcel and not Parcel.objects.exclude(pk=parcel).exists()
    assert_nothing_written(mine)
    assert not other.events.filter(kind=OrderEvent.Kind.CONSOLIDATION_REQUESTED).exists()


def test_consolidating_twice_is_409(user_client, user, two_orders):
    first, second = two_orders
    third = purchased_order(user=user)
    parcel_id = consolidate(user_client, first, second).json()["id"]

    assert_error(consolidate(user_client, second, third), 409, "parcel_conflict")

    third.refresh_from_db()
    assert third.parcel_id is None and Parcel.objects.get().pk == parcel_id
    assert list(Parcel.objects.get().orders.order_by("pk")) == [first, second]


@pytest.mark.parametrize(
    "body",
    [
        {"orders": []},
        {"orders": ["BD-ONLY-ONE"]},
        {"orders": "BD-1,BD-2"},
        {"orders": [1, 2]},
        {"orders": ["BD-1", "BD-2"], "weight_g": 10},
        {},
    ],
)
def test_bad_requests_are_400(user_client, body):
    assert_error(user_client.post("/api/v1/parcels/", body, format="json"), 400)
    assert not Parcel.objects.exists()


def test_the_same_order_twice_is_one_order_so_400(user_client, user):
    order = purchased_order(user=user)
    assert_error(consolidate(user_client, order, order), 400)
    assert_nothing_written(order)


def test_orders_to_different_addresses_are_400(user_client, user):
    first = purchased_order(user=user)
    second = purchased_order(user=user, address={**first.shipping_address, "city": "San Diego"})

    assert_error(consolidate(user_client, first, second), 400, "addresses_differ")
    assert_nothing_written(first, second)


def test_someone_elses_parcel_is_404(client_for, user_client, two_orders):
    parcel_id = consolidate(user_client, *two_orders).json()["id"]
    stranger = client_for(UserFactory())

    assert_error(stranger.get(f"/api/v1/parcels/{parcel_id}/"), 404)
    assert_error(stranger.post(f"/api/v1/parcels/{parcel_id}/split/"), 404)
    assert Parcel.objects.filter(pk=parcel_id).exists()


def test_signed_out_is_401(api_client, two_orders):
    assert consolidate(api_client, *two_orders).status_code == 401
    assert api_client.post("/api/v1/parcels/1/split/").status_code == 401


def test_a_single_orders_parcel_cannot_be_split(user_client, user):
    us_rates()
    order = purchased_order(user=user)
    order = shipping.record_intake(order_id=order.pk, actor=OrderStaffFactory(), **INTAKE)

    assert_error(user_client.post(f"/api/v1/parcels/{order.parcel_id}/split/"), 409, "parcel_conflict")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERY_QUOTED and order.parcel_id is not None


def test_order_list_shows_consolidations_in_a_fixed_number_of_queries(user_client, user):
    def pair():
        consolidate(user_client, purchased_order(user=user), purchased_order(user=user))

    pair()
    with CaptureQueriesContext(connection) as few:
        assert len(user_client.get("/api/v1/orders/").json()["results"]) == 2
    for _ in range(4):
        pair()
    with CaptureQueriesContext(connection) as many:
        rows = user_client.get("/api/v1/orders/").json()["results"]
    assert len(rows) == 10 and all(len(row["consolidation"]["orders"]) == 2 for row in rows)
    assert len(many.captured_queries) == len(few.captured_queries)
