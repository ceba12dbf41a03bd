"""Carrier rates at intake and "Create label" on the parcel model: the staff API and the admin, with the dummy carrier
and the fake FedEx (success, validation errors, timeouts), the label as a private Order staff document."""

import os

import pytest
from django.test import Client

from commerce.orders.models import Order, OrderEvent, OrderItem
from commerce.shipping.models import Parcel, Shipment
from notifications.models import Notification
from tests.accounts.factories import EditorFactory
from tests.commerce.factories import purchased_order, us_rates
from tests.integrations.fake_fedex import fake_fedex_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

INTAKE = {"weight_g": 1800, "length_cm": "30", "width_cm": "20", "height_cm": "10"}
TABLE_FEE = 3200  # the US band covering 2000 g (tests/commerce/factories.US_BANDS)


@pytest.fixture(autouse=True)
def _account(settings):
    settings.FEDEX_ACCOUNT_NUMBER = "740561073"


def with_item(order, name, quantity, amount_cents):
    item = OrderItem.objects.create(order=order, url=f"https://shop.example.kr/p/{order.pk}", name=name,
                                    quantity=quantity, unit_price_krw=27_600)  # fmt: skip
    order.quote_lines = [
        {"kind": "item", "item_id": item.pk, "label": name, "amount_krw": 27_600 * quantity,
         "amount_cents": amount_cents}
    ]  # fmt: skip
    order.save(update_fields=["quote_lines"])
    return order


@pytest.fixture
def two_orders(client_for):
    """Two purchased orders of one customer, each with a charged item, asked to ship together."""
    first = with_item(purchased_order(), "Cotton T-shirt", 2, 4000)
    second = with_item(purchased_order(first.user), "Lip balm",
                       1, 800)  # fmt: skip
    response = client_for(first.user).post("/api/v1/parcels/", {"orders": [first.number, second.number]}, format="json")
    assert response.status_code == 201, response.content
    return first, second


def intake(staff_client, order):
    return staff_client.post(f"/api/v1/staff/orders/{order.number}/intake/", INTAKE, format="json")


@pytest.fixture
def paid(staff_client, two_orders):
    """The consolidated parcel measured at the warehouse (rate table), its delivery then paid."""
    us_rates()
    assert intake(staff_client, two_orders[1]).status_code == 200
    Order.objects.filter(pk__in=[o.pk for o in two_orders]).update(status=Order.Status.DELIVERY_PAID)
    return two_orders


def create_label(client, order):
    return client.post(f"/api/v1/staff/orders/{order.number}/label/", {}, format="json")


def label_files(settings):
    folder = os.path.join(settings.PRIVATE_MEDIA_ROOT, "labels")
    return os.listdir(folder) if os.path.isdir(folder) else []


def nothing_shipped(orders, settings=None):
    for order in orders:
        order.refresh_from_db()
        assert order.status == Order.Status.DELIVERY_PAID
        assert not order.events.filter(kind=OrderEvent.Kind.SHIPPED).exists()
        assert not Notification.objects.filter(user=order.user, payload__status="shipped").exists()
    assert not Shipment.objects.exists()
    if settings is not None:
        assert label_files(settings) == []


def intake_event(order):
    return order.events.get(kind=OrderEvent.Kind.INTAKE).data


# --- Rates at intake ---------------------------------------------------------------------------------


def test_dummy_carrier_leaves_the_fee_to_the_rate_table(staff_client, two_orders):
    us_rates()
    assert intake(staff_client, two_orders[0]).json()["delivery_fee_cents"] == TABLE_FEE
    for order in two_orders:
        data = intake_event(order)
        assert data["fee_source"] == "rate_table" and "carrier_error" not in data


def test_fedex_rate_quotes_the_whole_measured_parcel(staff_client, fake_fedex, two_orders):
    fake_fedex.rate_cents = 4_275
    first, second = two_orders  # no rate table needed
    response = intake(staff_client, second)
    assert response.status_code == 200, response.content
    assert response.json()["delivery_fee_cents"] == 4_275
    assert Parcel.objects.get().delivery_fee_cents == 4_275
    for order in two_orders:
        assert intake_event(order)["fee_source"] == "carrier"
    assert fake_fedex.rate_calls == 1
    shipment = fake_fedex.rate_requests[0]["requestedShipment"]
    assert shipment["recipient"]["address"]["postalCode"] == "90010"
    assert shipment["shipper"]["address"]["countryCode"] == "KR"
    assert shipment["requestedPackageLineItems"][0]["weight"] == {"units": "KG", "value": 1.8}


@pytest.mark.parametrize("failure", ["unavailable", "timeout"])
def test_fedex_failing_falls_back_to_the_rate_table_and_says_why(staff_client, fake_fedex, two_orders, failure):
    us_rates()
    if failure == "timeout":
        fake_fedex.delay_next(1.5, times=3)
    else:
        fake_fedex.fail_next(503, times=3)
    response = intake(staff_client, two_orders[0])
    assert response.status_code == 200, response.content
    assert response.json()["delivery_fee_cents"] == TABLE_FEE
    data = intake_event(two_orders[0])
    assert data["fee_source"] == "rate_table" and "FedEx" in data["carrier_error"]


def test_fedex_down_and_no_rate_table_is_a_clear_400_with_nothing_written(staff_client, fake_fedex, two_orders):
    fake_fedex.fail_next(503, times=3)
    response = intake(staff_client, two_orders[0])
    assert response.status_code == 400 and response.json()["error"]["code"] == "no_delivery_rate"
    for order in two_orders:
        order.refresh_from_db()
        assert order.status == Order.Status.PURCHASED and order.delivery_fee_cents is None
        assert not order.events.filter(kind=OrderEvent.Kind.INTAKE).exists()
    assert Parcel.objects.get().received_at is None


# --- Create label: staff API -------------------------------------------------------------------------


def test_dummy_label_ships_the_parcel_and_is_a_staff_document(staff_client, client_for, paid):
    first, second = paid
    response = create_label(staff_client, second)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "shipped"
    number = body["shipment"]["tracking_number"]
    assert len(number) == 12 and number.isdigit()
    shipment = Shipment.objects.get()
    assert shipment.parcel_id == Parcel.objects.get().pk and shipment.tracking_number == number
    for order in paid:
        order.refresh_from_db()
        assert order.status == Order.Status.SHIPPED
        event = order.events.get(kind=OrderEvent.Kind.SHIPPED)
        assert event.data == {"status": "shipped", "carrier": "fedex", "tracking_number": number, "label": True}

    link = body["shipment"]["label_url"]
    pdf = Client().get(link)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert Client().get(link.replace("/shipment-labels/", "/parcel-photos/")).status_code == 404
    assert Client().get(link[:-4] + "xyz/").status_code == 404
    # Only Order staff get the link: the customer's order page has none.
    customer_view = client_for(first.user).get(f"/api/v1/orders/{first.number}/").json()
    assert customer_view["shipment"]["tracking_number"] == number and "label_url" not in customer_view["shipment"]


def test_a_typed_number_has_no_label(staff_client, paid):
    response = staff_client.post(
        f"/api/v1/staff/orders/{paid[0].number}/ship/", {"tracking_number": "794612345678"}, format="json"
    )
    assert response.status_code == 200 and response.json()["shipment"]["label_url"] is None


def test_fedex_label_books_the_parcel_with_its_customs_lines(staff_client, fake_fedex, paid, settings):
    first, second = paid
    response = create_label(staff_client, first)
    assert response.status_code == 200, response.content
    assert response.json()["shipment"]["tracking_number"] == "794600000001"
    shipment = Shipment.objects.get()
    assert shipment.label.read() == fake_fedex.label_pdf
    assert len(label_files(settings)) == 1
    request = fake_fedex.ship_requests[0]["requestedShipment"]
    assert request["recipients"][0]["address"]["city"] == "Los Angeles"
    lines = request["customsClearanceDetail"]["commodities"]
    assert [(line["description"], line["quantity"]) for line in lines] == [("Cotton T-shirt", 2), ("Lip balm", 1)]
    assert lines[0]["unitPrice"] == {"amount": 20.0, "currency": "USD"}  # 40.00 paid for two
    assert fake_fedex.ship_calls == 1
    # The tracking poll takes the shipment from here.
    assert Shipment.objects.filter(parcel__order__status=Order.Status.SHIPPED).distinct().count() == 1


def test_fedex_refusing_the_address_is_a_400_and_nothing_changes(staff_client, fake_fedex, paid, settings):
    address = {**paid[0].shipping_address, "postal_code": ""}
    Order.objects.filter(pk__in=[o.pk for o in paid]).update(shipping_address=address)
    response = create_label(staff_client, paid[0])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "carrier_refused" and "Recipient address is incomplete" in error["message"]
    nothing_shipped(paid, settings)


def test_fedex_timeout_is_a_502_never_retried_and_nothing_changes(staff_client, fake_fedex, paid, settings):
    fake_fedex.delay_next(1.5)
    response = create_label(staff_client, paid[0])
    assert response.status_code == 502, response.content
    error = response.json()["error"]
    assert error["code"] == "carrier_unavailable" and "Check FedEx" in error["message"]
    assert fake_fedex.ship_calls == 1
    nothing_shipped(paid, settings)


def test_a_label_needs_every_order_of_the_parcel_paid(staff_client, paid):
    Order.objects.filter(pk=paid[1].pk).update(status=Order.Status.DELIVERY_QUOTED)
    response = create_label(staff_client, paid[0])
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_conflict"
    assert not Shipment.objects.exists()
    unmeasured = purchased_order()
    assert create_label(staff_client, unmeasured).status_code == 409  # no parcel yet
    assert staff_client.post("/api/v1/staff/orders/BD-NOPE/label/", {}, format="json").status_code == 404


def test_a_second_label_is_refused(staff_client, paid):
    assert create_label(staff_client, paid[0]).status_code == 200
    response = create_label(staff_client, paid[1])
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_conflict"
    assert Shipment.objects.count() == 1


def test_label_permissions(client_for, api_client, paid):
    first = paid[0]
    for client, status in ((client_for(first.user), 403), (client_for(EditorFactory()), 403), (api_client, 401)):
        response = create_label(client, first)
        assert response.status_code == status and response.json()["error"]["code"]
    nothing_shipped(paid)


def test_unknown_body_keys_are_refused(staff_client, paid):
    response = staff_client.post(
        f"/api/v1/staff/orders/{paid[0].number}/label/", {"tracking_number": "1"}, format="json"
    )
    assert response.status_code == 400 and "tracking_number" in response.json()["error"]["fields"]
    nothing_shipped(paid)


# --- Admin -------------------------------------------------------------------------------------------


def desk_for(user):
    desk = Client()
    desk.force_login(user)
    return desk


def test_admin_intake_says_which_source_priced_the_parcel(staff_user, fake_fedex, two_orders):
    us_rates()
    fake_fedex.fail_next(503, times=3)
    desk = desk_for(staff_user)
    response = desk.post(f"/admin/orders/{two_orders[0].pk}/intake/", INTAKE, follow=True)
    page = response.content.decode()
    assert "the carrier could not quote" in page and "$32.00" in page
    assert intake_event(two_orders[0])["fee_source"] == "rate_table"


def test_admin_intake_priced_by_fedex(staff_user, fake_fedex, two_orders):
    fake_fedex.rate_cents = 4_275
    response = desk_for(staff_user).post(f"/admin/orders/{two_orders[0].pk}/intake/", INTAKE, follow=True)
    assert "the carrier quoted the delivery fee of $42.75" in response.content.decode()


def test_admin_create_label(staff_user, paid):
    first = paid[0]
    desk = desk_for(staff_user)
    screen = desk.get(f"/admin/orders/{first.pk}/").content.decode()
    assert f"/admin/orders/{first.pk}/label/" in screen and "Create label" in screen
    assert desk.get(f"/admin/orders/{first.pk}/label/").status_code == 200
    response = desk.post(f"/admin/orders/{first.pk}/label/", {})
    assert response.status_code == 302
    for order in paid:
        order.refresh_from_db()
        assert order.status == Order.Status.SHIPPED
    page = desk.get(f"/admin/orders/{paid[1].pk}/").content.decode()
    assert "/api/v1/shipment-labels/" in page
    # Once shipped the screen no longer opens.
    assert desk.get(f"/admin/orders/{first.pk}/label/").status_code == 302
    assert Shipment.objects.count() == 1


def test_admin_label_refused_by_the_carrier_shows_why(staff_user, fake_fedex, paid, settings):
    address = {**paid[0].shipping_address, "postal_code": ""}
    Order.objects.filter(pk__in=[o.pk for o in paid]).update(shipping_address=address)
    response = desk_for(staff_user).post(f"/admin/orders/{paid[0].pk}/label/", {})
    assert response.status_code == 200 and "Recipient address is incomplete" in response.content.decode()
    nothing_shipped(paid, settings)


def test_admin_label_timeout_tells_staff_to_check_fedex(staff_user, fake_fedex, paid, settings):
    fake_fedex.delay_next(1.5)
    response = desk_for(staff_user).post(f"/admin/orders/{paid[0].pk}/label/", {})
    assert response.status_code == 200 and "Check FedEx" in response.content.decode()
    assert fake_fedex.ship_calls == 1
    nothing_shipped(paid, settings)


def test_admin_label_is_for_order_staff_only(paid):
    for desk in (desk_for(EditorFactory()), Client()):
        assert desk.post(f"/admin/orders/{paid[0].pk}/label/", {}).status_code == 302
    nothing_shipped(paid)
