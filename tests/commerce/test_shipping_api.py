import os

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from commerce.orders.models import Order, OrderEvent
from commerce.shipping.models import Parcel, ParcelPhoto, Shipment
from notifications.models import Notification
from tests.accounts.factories import EditorFactory, UserFactory
from tests.commerce.factories import delivery_paid_order, order_in, purchased_order, shipped_order, us_rates
from tests.commerce.shipping_helpers import image_upload, text_upload

pytestmark = pytest.mark.django_db

GOOD_INTAKE = {"weight_g": 1800, "length_cm": "30", "width_cm": "20", "height_cm": "10.5", "notes": "Two boxes taped"}


def intake_url(order):
    return f"/api/v1/staff/orders/{order.number}/intake/"


def ship_url(order):
    return f"/api/v1/staff/orders/{order.number}/ship/"


def media_files(settings):
    """Files stored anywhere: public media and the private folder parcel photos go to."""
    found = []
    for folder in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        for root, _dirs, files in os.walk(folder):
            found.extend(os.path.join(root, f) for f in files)
    return found


def assert_error(response, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    if field:
        assert field in body["error"]["fields"], body


def assert_nothing_saved(order, settings, status=Order.Status.PURCHASED):
    order.refresh_from_db()
    assert order.status == status
    assert order.delivery_fee_cents is None
    assert not Parcel.objects.filter(order=order).exists()
    assert not ParcelPhoto.objects.exists()
    assert not order.events.filter(kind=OrderEvent.Kind.INTAKE).exists()
    assert not Notification.objects.filter(user=order.user, payload__status=Order.Status.DELIVERY_QUOTED).exists()
    assert media_files(settings) == []


# --- intake ------------------------------------------------------------------------------------


def test_intake_with_photos_quotes_the_delivery_fee(staff_client, settings):
    us_rates()
    order = purchased_order()
    data = {**GOOD_INTAKE, "photos": [image_upload("front.png"), image_upload("side.jpg", "JPEG")]}

    response = staff_client.post(intake_url(order), data, format="multipart")

    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERY_QUOTED
    # volumetric 30×20×10.5/5 = 1260 g < 1800 g actual → 1800 g → the ≤2000 g band
    assert order.delivery_fee_cents == 3200
    parcel = order.parcel
    assert (parcel.weight_g, parcel.billable_weight_g, parcel.delivery_fee_cents) == (1800, 1800, 3200)
    assert str(parcel.height_cm) == "10.5"
    assert parcel.received_by == staff_client.user
    assert parcel.notes == "Two boxes taped"
    photos = list(parcel.photos.all())
    assert len(photos) == 2
    assert all(p.image.storage.exists(p.image.name) for p in photos)
    assert photos[0].image.name.startswith("parcels/") and photos[1].image.name.endswith(".jpg")
    event = order.events.latest("pk")
    assert event.kind == OrderEvent.Kind.INTAKE and event.actor == staff_client.user
    assert event.data["billable_weight_g"] == 1800 and event.data["photos"] == 2
    note = Notification.objects.filter(user=order.user).latest("pk")
    assert note.type == "order.status"
    assert note.payload["status"] == "delivery_quoted" and note.payload["step"] == 2
    assert note.payload["order"] == order.number and note.payload["title"] and note.payload["message"]


def test_intake_json_without_photos_uses_volumetric_weight(staff_client):
    us_rates()
    order = purchased_order()
    response = staff_client.post(
        intake_url(order), {"weight_g": 900, "length_cm": 50, "width_cm": 40, "height_cm": 30}, format="json"
    )
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.parcel.billable_weight_g == 12000
    assert order.delivery_fee_cents == 21000


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weight_g": -1}, "weight_g"),
        ({"weight_g": 0}, "weight_g"),
        ({"weight_g": 10**9}, "weight_g"),
        ({"weight_g": "heavy"}, "weight_g"),
        ({"weight_g": 12.5}, "weight_g"),
        ({"length_cm": 0}, "length_cm"),
        ({"width_cm": -3}, "width_cm"),
        ({"height_cm": 5000}, "height_cm"),
        ({"height_cm": "NaN"}, "height_cm"),
        ({"length_cm": "1e9"}, "length_cm"),
        ({"length_cm": "10.25"}, "length_cm"),
        ({"weight_g": None}, "weight_g"),
        ({"notes": "x" * 2001}, "notes"),
    ],
)
def test_bad_measurements_are_400_and_nothing_is_saved(staff_client, settings, change, field):
    us_rates()
    order = purchased_order()
    response = staff_client.post(intake_url(order), {**GOOD_INTAKE, **change}, format="json")
    assert_error(response, 400, field)
    assert_nothing_saved(order, settings)


def test_missing_dimensions_are_400(staff_client, settings):
    us_rates()
    order = purchased_order()
    response = staff_client.post(intake_url(order), {"weight_g": 1000}, format="json")
    assert_error(response, 400, "length_cm")
    assert_nothing_saved(order, settings)


@pytest.mark.parametrize(
    "photos",
    [
        pytest.param([text_upload()], id="not-an-image"),
        pytest.param([image_upload(), text_upload("evil.jpg")], id="one-bad-of-two"),
        pytest.param([image_upload("anim.gif", "GIF")], id="gif-not-accepted"),
        pytest.param([image_upload(f"p{i}.png") for i in range(11)], id="eleven-photos"),
    ],
)
def test_bad_photos_are_400_and_nothing_is_saved(staff_client, settings, photos):
    us_rates()
    order = purchased_order()
    response = staff_client.post(intake_url(order), {**GOOD_INTAKE, "photos": photos}, format="multipart")
    assert_error(response, 400, "photos")
    assert_nothing_saved(order, settings)


def test_photo_over_the_size_limit_is_400(staff_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 2000
    us_rates()
    order = purchased_order()
    big = image_upload("big.png", size=(100, 100), noise=True)
    big_bytes = len(big.read())
    big.seek(0)
    assert big_bytes > 2000
    response = staff_client.post(intake_url(order), {**GOOD_INTAKE, "photos": [big]}, format="multipart")
    assert_error(response, 400, "photos")
    assert "larger than" in response.json()["error"]["message"]
    assert_nothing_saved(order, settings)


def test_ten_photos_are_accepted(staff_client):
    us_rates()
    order = purchased_order()
    photos = [image_upload(f"p{i}.png") for i in range(10)]
    response = staff_client.post(intake_url(order), {**GOOD_INTAKE, "photos": photos}, format="multipart")
    assert response.status_code == 200, response.content
    assert ParcelPhoto.objects.filter(parcel__order=order).count() == 10


def test_destination_without_rates_is_400_and_nothing_saved(staff_client, settings):
    us_rates()
    order = purchased_order(address={"country": "NZ", "city": "Auckland"})
    response = staff_client.post(intake_url(order), {**GOOD_INTAKE, "photos": [image_upload()]}, format="multipart")
    assert_error(response, 400)
    assert response.json()["error"]["code"] == "no_delivery_rate"
    assert_nothing_saved(order, settings)


@pytest.mark.parametrize("status", [Order.Status.ITEMS_PAID, Order.Status.DELIVERY_QUOTED, Order.Status.SHIPPED])
def test_intake_in_the_wrong_state_is_409(staff_client, settings, status):
    us_rates()
    order = order_in(status)
    events = order.events.count()
    response = staff_client.post(intake_url(order), GOOD_INTAKE, format="json")
    assert_error(response, 409)
    order.refresh_from_db()
    assert order.status == status and order.events.count() == events


def test_intake_of_unknown_order_is_404(staff_client):
    response = staff_client.post("/api/v1/staff/orders/BD-NOPE/intake/", GOOD_INTAKE, format="json")
    assert_error(response, 404)


# --- ship --------------------------------------------------------------------------------------


def test_ship_creates_the_shipment(staff_client):
    order = delivery_paid_order()
    response = staff_client.post(ship_url(order), {"carrier": "fedex", "tracking_number": "7946 1234-5678"})
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert order.shipment.tracking_number == "794612345678"  # spaces and dashes from the label dropped
    assert order.shipment.carrier == "fedex"
    event = order.events.latest("pk")
    assert event.kind == OrderEvent.Kind.SHIPPED and event.data["tracking_number"] == "794612345678"
    note = Notification.objects.filter(user=order.user).latest("pk")
    assert note.payload["status"] == "shipped" and note.payload["step"] == 4


@pytest.mark.parametrize("number", ["123456789012345", "12345678901234567890", "1234567890123456789012"])
def test_ship_accepts_every_fedex_length(staff_client, number):
    order = delivery_paid_order()
    response = staff_client.post(ship_url(order), {"carrier": "fedex", "tracking_number": number})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"carrier": "ups", "tracking_number": "794612345678"}, "carrier"),
        ({"carrier": "", "tracking_number": "794612345678"}, "carrier"),
        ({"carrier": "fedex", "tracking_number": "12345"}, "tracking_number"),
        ({"carrier": "fedex", "tracking_number": "7946123456789"}, "tracking_number"),  # 13 digits
        ({"carrier": "fedex", "tracking_number": "ABCDEFGHIJKL"}, "tracking_number"),
        ({"carrier": "fedex", "tracking_number": "١٢٣٤٥٦٧٨٩٠١٢"}, "tracking_number"),  # non-ASCII digits
        ({"carrier": "fedex", "tracking_number": ""}, "tracking_number"),
        ({"carrier": "fedex"}, "tracking_number"),
    ],
)
def test_bad_carrier_or_tracking_number_is_400(staff_client, body, field):
    order = delivery_paid_order()
    response = staff_client.post(ship_url(order), body, format="json")
    assert_error(response, 400, field)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERY_PAID
    assert not Shipment.objects.exists() and not order.events.filter(kind=OrderEvent.Kind.SHIPPED).exists()


def test_tracking_number_of_another_order_is_400(staff_client):
    other = shipped_order()
    order = delivery_paid_order()
    response = staff_client.post(ship_url(order), {"tracking_number": other.shipment.tracking_number})
    assert_error(response, 400, "tracking_number")
    assert other.number in response.json()["error"]["message"]
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERY_PAID


@pytest.mark.parametrize("status", [Order.Status.DELIVERY_QUOTED, Order.Status.PURCHASED, Order.Status.SHIPPED])
def test_ship_in_the_wrong_state_is_409(staff_client, status):
    order = order_in(status)
    response = staff_client.post(ship_url(order), {"tracking_number": "794612345678"})
    assert_error(response, 409)
    assert not Shipment.objects.filter(tracking_number="794612345678").exists()


# --- permissions -------------------------------------------------------------------------------


def _client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("action", ["intake", "ship"])
@pytest.mark.parametrize(
    "who",
    ["anonymous", "customer", "owner", "editor", "staff-flag-only"],
)
def test_only_order_staff_may_act(settings, action, who):
    us_rates()
    order = purchased_order() if action == "intake" else delivery_paid_order()
    user = {
        "anonymous": lambda: None,
        "customer": UserFactory,
        "owner": lambda: order.user,
        "editor": EditorFactory,
        "staff-flag-only": lambda: UserFactory(is_staff=True),
    }[who]()
    url = intake_url(order) if action == "intake" else ship_url(order)
    body = GOOD_INTAKE if action == "intake" else {"tracking_number": "794612345678"}
    events = order.events.count()
    response = _client_for(user).post(url, body, format="json")
    assert response.status_code in (401, 403) if who == "anonymous" else response.status_code == 403
    assert "error" in response.json()
    before = order.status
    order.refresh_from_db()
    assert order.status == before and order.events.count() == events


def test_superuser_may_act_without_the_group():
    us_rates()
    order = purchased_order()
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = _client_for(admin).post(intake_url(order), GOOD_INTAKE, format="json")
    assert response.status_code == 200


def test_order_staff_group_is_what_grants_access():
    us_rates()
    order = purchased_order()
    user = UserFactory(is_staff=True)
    assert _client_for(user).post(intake_url(order), GOOD_INTAKE, format="json").status_code == 403
    user.groups.add(Group.objects.get(name="Order staff"))
    assert _client_for(user).post(intake_url(order), GOOD_INTAKE, format="json").status_code == 200


def test_customer_sees_the_parcel_photos_then_the_scans(staff_client, settings):
    settings.CARRIER_BACKEND = "dummy"
    from commerce.shipping.services import poll_shipments

    us_rates()
    order = purchased_order()
    staff_client.post(intake_url(order), {**GOOD_INTAKE, "photos": [image_upload()]}, format="multipart")
    owner = _client_for(order.user)
    detail = owner.get(f"/api/v1/orders/{order.number}/").json()
    assert detail["status"] == "delivery_quoted"
    assert len(detail["parcel"]["photos"]) == 1 and detail["parcel"]["delivery_fee_cents"] == 3200

    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERY_PAID)  # the delivery checkout's job
    staff_client.post(ship_url(order), {"tracking_number": "794612345678"})
    poll_shipments()
    poll_shipments()
    shipment = owner.get(f"/api/v1/orders/{order.number}/").json()["shipment"]
    assert shipment["tracking_number"] == "794612345678" and shipment["status"] == "DP"
    assert shipment["estimated_delivery_at"]
    assert len(shipment["scans"]) == 2
