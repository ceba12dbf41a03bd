"""Order lists in the Wagtail admin: step and waiting filters, the carrier-exception badge, page titles."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from commerce.orders.models import Order, OrderEvent
from commerce.payments.models import Payment
from commerce.selectors import waiting_on_staff_q
from commerce.shipping import services as shipping
from integrations.carriers import TrackEvent, TrackResult
from tests.accounts.factories import OrderStaffFactory

from .factories import fedex_shipment, paid_order, quoted_order, requested_order

pytestmark = pytest.mark.django_db
SNIPPETS = "/admin/snippets/commerce/order/"
DESK = "/admin/commerce/order/"


def badge(client, url) -> bool:
    """The status badge, not the event log's "Carrier exception" row."""
    return bool(re.search(r'w-status--primary">\s*Carrier exception', client.get(url).content.decode()))


@pytest.fixture
def desk(db):
    client = Client()
    client.force_login(OrderStaffFactory())
    return client


def listed(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def raise_exception(shipment, code="DE"):
    """What a poll does when the carrier reports an exception scan."""
    scan = TrackEvent(datetime(2025, 1, 4, 15, tzinfo=UTC), code, "Customer not available", "Los Angeles")
    outcome = shipping.apply_tracking(
        shipment.pk, TrackResult(shipment.tracking_number, status_code=code, events=[scan])
    )
    assert outcome.exceptions == 1


@pytest.fixture
def orders(api_client):
    shipped = fedex_shipment().parcel.orders.get()
    calm = fedex_shipment().parcel.orders.get()
    return {
        "requested": requested_order(),
        "quoted": quoted_order(),
        "paid": paid_order(api_client),
        "shipped": shipped,
        "calm": calm,
    }


@pytest.mark.parametrize("base", [SNIPPETS, DESK])
@pytest.mark.parametrize(
    "query, expected",
    [
        ("step=0", {"requested"}),
        ("step=1", {"quoted"}),
        ("step=2", {"paid"}),
        ("step=4", {"shipped", "calm"}),
        ("step=5", set()),
        ("waiting=1", {"requested", "paid", "shipped"}),
        ("waiting=0", {"quoted", "calm"}),
        ("step=4&waiting=1", {"shipped"}),
        ("status=quoted", {"quoted"}),
        ("alert=carrier_exception", {"shipped"}),
        ("requested=1", {"requested", "quoted", "paid", "shipped", "calm"}),
    ],
)
def test_step_and_waiting_filters(desk, orders, base, query, expected):
    raise_exception(orders["shipped"].shipment)
    numbers = {name: order.number for name, order in orders.items()}
    shown = listed(desk, f"{base}?{query}")
    assert {name for name, number in numbers.items() if number in shown} == expected


def test_carrier_exception_waits_on_staff_until_a_staff_note(desk, orders):
    shipped = orders["shipped"]

    def waiting():
        return set(Order.objects.filter(waiting_on_staff_q()))

    assert shipped not in waiting()
    raise_exception(shipped.shipment)
    assert shipped in waiting() and orders["calm"] not in waiting()

    for url in [SNIPPETS, DESK, f"/admin/orders/{shipped.pk}/"]:
        assert badge(desk, url), url
    assert not badge(desk, f"/admin/orders/{orders['calm'].pk}/")
    # The customer's own activity does not count as handling it.
    OrderEvent.objects.create(order=shipped, kind=OrderEvent.Kind.NOTE, actor=shipped.user)
    assert shipped in waiting()

    response = desk.post(f"/admin/orders/{shipped.pk}/note/", {"note": "Called FedEx, redelivery tomorrow"})
    assert response.status_code == 302
    assert shipped not in waiting()
    assert not badge(desk, f"/admin/orders/{shipped.pk}/")
    assert not badge(desk, DESK) and not badge(desk, SNIPPETS)

    # A later exception is a new alert.
    raise_exception(shipped.shipment, code="SE")
    assert shipped in waiting()


def test_empty_note_is_refused(desk, orders):
    shipped = orders["shipped"]
    assert desk.post(f"/admin/orders/{shipped.pk}/note/", {"note": ""}).status_code == 200
    assert not shipped.events.filter(kind=OrderEvent.Kind.NOTE).exists()


def test_staff_api_list_waiting_includes_carrier_exceptions(staff_client, orders):
    raise_exception(orders["shipped"].shipment)
    numbers = [o["number"] for o in staff_client.get("/api/v1/staff/orders/?waiting=1").json()["results"]]
    assert orders["shipped"].number in numbers and orders["calm"].number not in numbers


def test_order_screens_have_a_page_title(desk):
    order = requested_order()
    for url, title in [
        (f"/admin/orders/{order.pk}/", f"Order {order.number}"),
        (f"/admin/orders/{order.pk}/quote/", f"Approve quote: {order.number}"),
        (f"/admin/orders/{order.pk}/reject/", f"Reject order: {order.number}"),
    ]:
        html = desk.get(url).content.decode()
        assert re.search(r"<title>\s*(.*?)\s*</title>", html, re.S).group(1).startswith(title), url


@pytest.mark.parametrize("base", [SNIPPETS, DESK])
def test_requested_within_and_alert_filters_apply_in_both_lists(desk, base):
    old, new = requested_order(), requested_order()
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    flagged = quoted_order()
    Payment.objects.create(order=flagged, stage="items", amount_cents=100, session_id="cs_f", status="flagged")
    numbers = {"old": old.number, "new": new.number, "flagged": flagged.number}

    def shown(query):
        page = listed(desk, f"{base}?{query}")
        return {name for name, number in numbers.items() if number in page}

    assert shown("requested=7") == {"new", "flagged"}
    assert shown("requested=30") == {"old", "new", "flagged"}
    assert shown("alert=flagged_payment") == {"flagged"}
    assert shown("requested=bogus") == {"old", "new", "flagged"}  # an unknown choice filters nothing


def test_both_lists_offer_the_same_row_actions(desk, api_client):
    order = paid_order(api_client)
    for base in (SNIPPETS, DESK):
        page = listed(desk, base)
        assert f"/admin/orders/{order.pk}/purchase/" in page and f"/admin/orders/{order.pk}/refund/" in page, base
        assert f"/admin/orders/{order.pk}/quote/" not in page, base
