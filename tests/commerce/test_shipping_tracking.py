"""Applying carrier answers to shipped orders: scans stored once, delivered, exceptions, carrier failures."""

import pytest

from commerce.orders.models import Order, OrderEvent
from commerce.shipping import services as shipping
from commerce.shipping.models import Shipment, ShipmentEvent
from integrations.carriers import TrackEvent, TrackResult
from integrations.carriers.dummy import DummyCarrierBackend
from integrations.carriers.fake_fedex import FakeFedEx
from notifications.models import Notification
from tests.commerce.factories import delivered_order, fedex_shipment
from tests.integrations.fake_fedex import fake_fedex_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
scan = FakeFedEx.scan


def shipments(n):
    return [fedex_shipment() for _ in range(n)]


def since_shipped(order):
    """The order's events after it was shipped."""
    return order.events.filter(pk__gt=order.events.get(kind=OrderEvent.Kind.SHIPPED).pk)


def order_state(shipment):
    shipment.refresh_from_db()
    order = shipment.parcel.orders.get()
    return (order.status, shipment.status_code, shipment.events.count(), since_shipped(order).count())


def test_poll_twice_stores_each_scan_once(fake_fedex):
    [shipment] = shipments(1)
    first = shipping.poll_shipments()
    second = shipping.poll_shipments()
    assert (first.polled, first.new_events) == (1, 3)
    assert (second.polled, second.new_events) == (1, 0)
    shipment.refresh_from_db()
    assert list(shipment.events.values_list("code", flat=True)) == ["AR", "DP", "PU"]  # newest first
    assert shipment.events.first().location == "Memphis, TN, US"
    assert shipment.status_code == "IT" and shipment.status_description == "In transit"
    assert shipment.estimated_delivery_at.isoformat() == "2025-01-06T18:00:00+00:00"
    assert shipment.last_polled_at is not None
    assert shipment.parcel.orders.get().status == Order.Status.SHIPPED
    # One tracking notification for the poll that brought news, none for the repeat; no email for scans.
    notes = Notification.objects.filter(user=shipment.parcel.orders.get().user).exclude(type="order.status")
    assert [n.type for n in notes] == ["order.tracking"]
    assert notes[0].payload["step"] == 4 and notes[0].payload["order"] == shipment.parcel.orders.get().number


def test_new_scans_are_added_to_the_known_ones(fake_fedex):
    [shipment] = shipments(1)
    shipping.poll_shipments()
    result = fake_fedex.default_result(shipment.tracking_number)
    fake_fedex.set_result(
        shipment.tracking_number,
        status="OD",
        scans=[scan("OD", "On FedEx vehicle for delivery", "2025-01-05T08:00:00-08:00"), *result["scanEvents"]],
    )
    report = shipping.poll_shipments()
    assert report.new_events == 1
    assert shipment.events.count() == 4
    shipment.refresh_from_db()
    assert shipment.status_code == "OD"


def test_delivered_moves_the_order_and_notifies_by_email(fake_fedex):
    [shipment] = shipments(1)
    fake_fedex.set_result(
        shipment.tracking_number,
        status="DL",
        description="Delivered",
        delivered="2025-01-05T14:03:00-05:00",
        scans=[scan("DL", "Delivered", "2025-01-05T14:03:00-05:00"), scan("PU", "Picked up", "2025-01-02T09:00Z")],
    )
    report = shipping.poll_shipments()
    assert report.delivered == 1
    shipment.refresh_from_db()
    order = shipment.parcel.orders.get()
    assert order.status == Order.Status.DELIVERED
    assert shipment.delivered_at.isoformat() == "2025-01-05T19:03:00+00:00"
    assert list(since_shipped(order).values_list("kind", flat=True)) == [OrderEvent.Kind.DELIVERED]
    note = Notification.objects.filter(user=order.user, type="order.status").latest("pk")
    assert note.payload["status"] == "delivered" and note.payload["step"] == 5

    again = shipping.poll_shipments()  # delivered orders are no longer polled
    assert again.total == 0
    assert since_shipped(order).count() == 1


def test_delivered_status_without_a_scan_still_delivers(fake_fedex):
    [shipment] = shipments(1)
    fake_fedex.set_result(shipment.tracking_number, status="DL", description="Delivered", scans=[])
    shipping.poll_shipments()
    shipment.refresh_from_db()
    assert shipment.parcel.orders.get().status == Order.Status.DELIVERED and shipment.delivered_at is not None


def test_each_new_exception_scan_raises_one_staff_event(fake_fedex):
    [shipment] = shipments(1)
    exception = scan("DE", "Customer not available", "2025-01-04T10:00:00-05:00")
    fake_fedex.set_result(shipment.tracking_number, status="DE", scans=[exception])
    first = shipping.poll_shipments()
    second = shipping.poll_shipments()
    assert (first.exceptions, second.exceptions) == (1, 0)
    events = OrderEvent.objects.filter(order=shipment.parcel.orders.get(), kind=OrderEvent.Kind.CARRIER_EXCEPTION)
    assert events.count() == 1
    assert events[0].data["code"] == "DE" and events[0].data["description"] == "Customer not available"
    shipment.parcel.orders.get().refresh_from_db()
    assert shipment.parcel.orders.get().status == Order.Status.SHIPPED  # an exception keeps the order shipped

    # A second, different exception scan later is a new alert.
    later = scan("SE", "Shipment exception", "2025-01-06T10:00:00-05:00")
    fake_fedex.set_result(shipment.tracking_number, status="SE", scans=[later, exception])
    assert shipping.poll_shipments().exceptions == 1
    assert events.count() == 2


def test_exception_reported_only_as_latest_status_alerts_once(fake_fedex):
    [shipment] = shipments(1)
    fake_fedex.set_result(shipment.tracking_number, status="DE", description="Delivery exception", scans=[])
    shipping.poll_shipments()
    shipping.poll_shipments()
    assert (
        OrderEvent.objects.filter(order=shipment.parcel.orders.get(), kind=OrderEvent.Kind.CARRIER_EXCEPTION).count()
        == 1
    )


def test_per_number_error_changes_nothing_but_the_poll_time(fake_fedex):
    good, bad = shipments(2)
    fake_fedex.set_not_found(bad.tracking_number)
    report = shipping.poll_shipments()
    assert (report.polled, report.errors, report.failed_ids) == (2, 1, [])
    assert order_state(bad) == (Order.Status.SHIPPED, "", 0, 0)
    assert bad.last_polled_at is not None
    assert order_state(good)[2] == 3


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(lambda fake: fake.fail_next(500, times=3), id="http-500"),
        pytest.param(lambda fake: fake.delay_next(1.5, times=3), id="timeout"),
        pytest.param(lambda fake: fake.respond_next(b'{"output": {"completeTrack'), id="garbage-json"),
    ],
)
def test_a_failing_batch_is_logged_and_the_others_still_applied(fake_fedex, caplog, failure):
    first_batch = shipments(30)
    second_batch = shipments(2)
    failure(fake_fedex)  # hits the first track call (and its retries)
    report = shipping.poll_shipments()
    assert report.failed_ids == [s.pk for s in first_batch]
    assert report.errors == 30 and report.polled == 2
    assert "Tracking batch of 30 failed" in caplog.text
    for shipment in first_batch[:3]:
        assert order_state(shipment) == (Order.Status.SHIPPED, "", 0, 0)
        assert shipment.last_polled_at is None
    assert all(order_state(s)[2] == 3 for s in second_batch)


def test_only_shipped_orders_and_the_given_shipments_are_polled(fake_fedex):
    wanted, other = shipments(2)
    delivered_order()
    assert shipping.poll_shipments().total == 2
    report = shipping.poll_shipments(shipment_ids=[wanted.pk])
    assert report.total == 1
    assert fake_fedex.track_requests[-1] == [wanted.tracking_number]


def test_apply_tracking_directly_is_idempotent():
    [shipment] = shipments(1)
    from datetime import UTC, datetime

    result = TrackResult(
        tracking_number=shipment.tracking_number,
        status_code="AR",
        status_description="Arrived",
        events=[
            TrackEvent(datetime(2025, 1, 2, tzinfo=UTC), "AR", "Arrived", "Memphis, TN, US"),
            TrackEvent(datetime(2025, 1, 2, tzinfo=UTC), "AR", "Arrived (duplicate in one answer)", ""),
            TrackEvent(datetime(2025, 1, 1, tzinfo=UTC), "PU", "Picked up", "Incheon, KR"),
        ],
    )
    assert shipping.apply_tracking(shipment.pk, result).new_events == 2
    assert shipping.apply_tracking(shipment.pk, result).new_events == 0
    assert ShipmentEvent.objects.filter(shipment=shipment).count() == 2


def test_dummy_timeline_reaches_delivered_one_step_per_poll(settings):
    settings.CARRIER_BACKEND = "dummy"
    shipment = fedex_shipment(tracking_number="794600000001")
    seen = []
    for _ in range(8):
        shipping.poll_shipments()
        shipment.refresh_from_db()
        seen.append(shipment.status_code)
    assert seen[:6] == ["PU", "DP", "AR", "IT", "OD", "DL"]
    assert shipment.parcel.orders.get().status == Order.Status.DELIVERED
    assert shipment.events.count() == 6 and shipment.estimated_delivery_at is not None


def test_dummy_timeline_with_a_customs_exception():
    shipment = fedex_shipment(tracking_number="794600000009")
    backend = DummyCarrierBackend()
    for _ in range(7):
        shipping.poll_shipments(backend=backend)
    shipment.refresh_from_db()
    assert shipment.parcel.orders.get().status == Order.Status.DELIVERED
    assert list(since_shipped(shipment.parcel.orders.get()).values_list("kind", flat=True)) == [
        OrderEvent.Kind.CARRIER_EXCEPTION,
        OrderEvent.Kind.DELIVERED,
    ]
    assert Shipment.objects.get(pk=shipment.pk).events.filter(code="CD").count() == 1


def _poll_queries(fake_fedex, n: int, delivered: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    batch = shipments(n)
    for shipment in batch[:delivered]:
        fake_fedex.set_result(
            shipment.tracking_number,
            status="DL",
            description="Delivered",
            delivered="2025-01-05T14:03:00-05:00",
            scans=[scan("DL", "Delivered", "2025-01-05T14:03:00-05:00", "Los Angeles", "CA", "US")],
        )
    with CaptureQueriesContext(connection) as queries:
        report = shipping.poll_shipments(shipment_ids=[s.pk for s in batch])
    assert (report.polled, report.delivered, report.errors) == (n, delivered, 0)
    return len(queries.captured_queries)


def test_a_batch_takes_the_same_number_of_queries_whatever_its_size(fake_fedex):
    small = _poll_queries(fake_fedex, 3, delivered=2)
    large = _poll_queries(fake_fedex, 30, delivered=10)
    assert small == large
    # the shipments written with one UPDATE per distinct status (delivered, in transit), the status counts with one
    # per status left and entered
    assert large <= 19
    assert Order.objects.filter(status=Order.Status.DELIVERED).count() == 12
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.DELIVERED).count() == 12
    assert Notification.objects.filter(type="order.tracking").count() == 21
    delivered = Notification.objects.filter(type="order.status", payload__status=Order.Status.DELIVERED)
    assert delivered.filter(delivery="pending").count() == 12


def test_one_http_client_serves_every_batch_of_a_poll(fake_fedex, monkeypatch):
    from integrations.carriers import fedex

    opened = []

    class CountingClient(fedex.httpx.Client):
        def __init__(self, *args, **kwargs):
            opened.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(fedex.httpx, "Client", CountingClient)
    monkeypatch.setattr(fedex.FedExCarrierBackend, "max_batch_size", 2)
    shipments(5)
    opened.clear()  # the intakes on the way asked the carrier for rates
    report = shipping.poll_shipments()
    assert report.polled == 5 and len(fake_fedex.track_requests) == 3
    assert len(opened) == 1
