"""Carrier rates at intake and "Create label": the staff API and the admin, with the dummy carrier and the fake
FedEx (success, validation errors, timeouts), the label as a private staff document."""

import pytest
from django.test import Client

from commerce.orders.models import Order, OrderEvent, OrderItem
from commerce.shipping.models import Shipment
from tests.accounts.factories import EditorFactory
from tests.commerce.shipping_factories import PurchasedOrderFactory, us_rates
from tests.integrations.fake_fedex import fake_fedex_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

INTAKE = {"weight_g": 1800, "length_cm": "30", "width_cm": "20", "height_cm": "10"}
TABLE_FEE = 3200  # the US band covering 2000 g (tests/commerce/shipping_factories.US_BANDS)


def intake(staff_client, order):
    return staff_client.post(f"/api/v1/staff/orders/{order.number}/intake/", INTAKE, format="json")


@pytest.fixture
def measured(staff_client):
    """A purchased order with one charged item, weighed at the warehouse (rate table), delivery then paid."""
    us_rates()
    order = PurchasedOrderFactory()
    OrderItem.objects.create(order=order, url="https://shop.example.kr/p/1", name="Cotton T-shirt", quantity=2,
                             unit_price_krw=27_600)  # fmt: skip
    assert intake(staff_client, order).status_code == 200
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERY_PAID)
    return order


def create_label(client, order):
    return client.post(f"/api/v1/staff/orders/{order.number}/label/", {}, format="json")


def nothing_shipped(order):
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERY_PAID
    assert not Shipment.objects.exists()
    assert not order.events.filter(kind=OrderEvent.Kind.SHIPPED).exists()


# --- Rates at intake ---------------------------------------------------------------------------------


def test_dummy_carrier_leaves_the_fee_to_the_rate_table(staff_client):
    us_rates()
    order = PurchasedOrderFactory()
    assert intake(staff_client, order).json()["delivery_fee_cents"] == TABLE_FEE
    assert order.events.get(kind=OrderEvent.Kind.INTAKE).data["fee_source"] == "rate_table"


def test_fedex_rate_quotes_the_measured_parcel(staff_client, fake_fedex):
    fake_fedex.rate_cents = 4_275
    order = PurchasedOrderFactory()  # no rate table needed
    response = intake(staff_client, order)
    assert response.status_code == 200, response.content
    assert response.json()["delivery_fee_cents"] == 4_275
    assert order.events.get(kind=OrderEvent.Kind.INTAKE).data["fee_source"] == "carrier"
    shipment = fake_fedex.rate_requests[0]["requestedShipment"]
    assert shipment["recipient"]["address"]["postalCode"] == "90010"
    assert shipment["shipper"]["address"]["countryCode"] == "KR"


def test_fedex_down_falls_back_to_the_rate_table(staff_client, fake_fedex):
    us_rates()
    fake_fedex.fail_next(503, times=3)
    order = PurchasedOrderFactory()
    assert intake(staff_client, order).json()["delivery_fee_cents"] == TABLE_FEE
    assert order.events.get(kind=OrderEvent.Kind.INTAKE).data["fee_source"] == "rate_table"


def test_fedex_down_and_no_rate_table_is_a_clear_400(staff_client, fake_fedex):
    fake_fedex.fail_next(503, times=3)
    order = PurchasedOrderFactory()
    response = intake(staff_client, order)
    assert response.status_code == 400 and response.json()["error"]["code"] == "no_delivery_rate"
    order.refresh_from_db()
    assert order.status == Order.Status.PURCHASED


# --- Create label ------------------------------------------------------------------------------------


def test_dummy_label_ships_the_order_and_is_a_staff_document(staff_client, client_for, measured):
    response = create_label(staff_client, measured)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "shipped"
    number = body["shipment"]["tracking_number"]
    assert len(number) == 12 and number.isdigit()
    event = measured.events.get(kind=OrderEvent.Kind.SHIPPED)
    assert event.data == {"status": "shipped", "carrier": "fedex", "tracking_number": number, "label": True}

    link = body["shipment"]["label_url"]
    pdf = Client().get(link)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert Client().get(link.replace("/shipment-labels/", "/parcel-photos/")).status_code == 404
    assert Client().get(link[:-4] + "xyz/").status_code == 404
    customer_view = client_for(measured.user).get(f"/api/v1/orders/{measured.number}/").json()
    assert "label_url" not in customer_view["shipment"]


def test_fedex_label_books_the_parcel_with_its_customs_lines(staff_client, fake_fedex, measured):
    response = create_label(staff_client, measured)
    assert response.status_code == 200, response.content
    assert response.json()["shipment"]["tracking_number"] == "794600000001"
    shipment = Shipment.objects.get()
    assert shipment.label.read() == fake_fedex.label_pdf
    request = fake_fedex.ship_requests[0]["requestedShipment"]
    assert request["requestedPackageLineItems"][0]["customerReferences"][0]["value"] == measured.number
    line = request["customsClearanceDetail"]["commodities"][0]
    assert line["description"] == "Cotton T-shirt" and line["quantity"] == 2
    assert line["unitPrice"] == {"amount": 20.0, "currency": "USD"}  # 27,600 KRW at 1,380 KRW/USD


def test_fedex_refusing_the_address_is_a_400_and_nothing_changes(staff_client, fake_fedex, measured):
    Order.objects.filter(pk=measured.pk).update(shipping_address={**measured.shipping_address, "postal_code": ""})
    response = create_label(staff_client, measured)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "carrier_refused" and "Recipient address is incomplete" in error["message"]
    nothing_shipped(measured)


def test_fedex_timeout_is_a_502_and_nothing_changes(staff_client, fake_fedex, measured):
    fake_fedex.delay_next(1.5)
    response = create_label(staff_client, measured)
    assert response.status_code == 502 and response.json()["error"]["code"] == "carrier_unavailable"
    assert "check FedEx" in response.json()["error"]["message"]
    assert fake_fedex.ship_calls == 1
    nothing_shipped(measured)


def test_a_label_needs_a_paid_delivery(staff_client, measured):
    Order.objects.filter(pk=measured.pk).update(status=Order.Status.DELIVERY_QUOTED)
    response = create_label(staff_client, measured)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_conflict"
    assert not Shipment.objects.exists()
    assert create_label(staff_client, PurchasedOrderFactory(number="BD-NOPE")).status_code == 409


def test_label_permissions(client_for, api_client, measured):
    for client, status in ((client_for(measured.user), 403), (client_for(EditorFactory()), 403), (api_client, 401)):
        assert create_label(client, measured).status_code == status
    assert create_label(client_for(measured.user), measured).json()["error"]["code"]
    nothing_shipped(measured)


def test_unknown_body_keys_are_refused(staff_client, measured):
    response = staff_client.post(
        f"/api/v1/staff/orders/{measured.number}/label/", {"tracking_number": "1"}, format="json"
    )
    assert response.status_code == 400 and "tracking_number" in response.json()["error"]["fields"]
    nothing_shipped(measured)


# --- Admin -------------------------------------------------------------------------------------------


def test_admin_create_label(staff_user, measured):
    desk = Client()
    desk.force_login(staff_user)
    screen = desk.get(f"/admin/orders/{measured.pk}/").content.decode()
    assert f"/admin/orders/{measured.pk}/label/" in screen and "Create label" in screen
    assert desk.get(f"/admin/orders/{measured.pk}/label/").status_code == 200
    response = desk.post(f"/admin/orders/{measured.pk}/label/", {})
    assert response.status_code == 302
    measured.refresh_from_db()
    assert measured.status == Order.Status.SHIPPED
    page = desk.get(f"/admin/orders/{measured.pk}/").content.decode()
    assert "/api/v1/shipment-labels/" in page
    # Once shipped the screen no longer opens.
    assert desk.get(f"/admin/orders/{measured.pk}/label/").status_code == 302
    assert Shipment.objects.count() == 1


def test_admin_label_refused_by_the_carrier_shows_why(staff_user, fake_fedex, measured):
    Order.objects.filter(pk=measured.pk).update(shipping_address={**measured.shipping_address, "postal_code": ""})
    desk = Client()
    desk.force_login(staff_user)
    response = desk.post(f"/admin/orders/{measured.pk}/label/", {})
    assert response.status_code == 200 and "Recipient address is incomplete" in response.content.decode()
    nothing_shipped(measured)


def test_admin_label_is_for_order_staff_only(measured):
    editor = Client()
    editor.force_login(EditorFactory())
    assert editor.post(f"/admin/orders/{measured.pk}/label/", {}).status_code == 302
    nothing_shipped(measured)
