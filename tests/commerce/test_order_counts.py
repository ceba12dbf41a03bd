"""The per-status order counts: kept by the services in the write's transaction, read by the staff order list."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from commerce.orders.models import Order, OrderStatusCount
from commerce.payments import services as payments
from commerce.shipping import services as shipping
from tests.commerce.factories import fedex_shipment
from tests.integrations.fake_fedex import fake_fedex_fixture  # noqa: F401

from .factories import quoted_order, requested_order

pytestmark = pytest.mark.django_db
BASE = "/api/v1/staff/orders/"


def kept() -> dict[str, int]:
    return {row.status: row.count for row in OrderStatusCount.objects.all() if row.count}


def real() -> dict[str, int]:
    return dict(Order.objects.order_by().values_list("status").annotate(n=Count("pk")))


def _order_counts(queries) -> list[str]:
    """The paginator's COUNT(*) queries (the list's own rows carry correlated counts of items and messages)."""
    return [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("SELECT COUNT(*)")]


def test_counts_follow_creation_and_every_transition(staff_client, user_client):
    first = requested_order()
    second = quoted_order()
    assert kept() == real() == {"requested": 1, "quoted": 1}

    payments.cancel_order(order_id=second.pk, actor=second.user, reason="changed my mind")
    response = staff_client.post(f"{BASE}{first.number}/reject/", {"reason": "Not sold abroad"}, format="json")
    assert response.status_code == 200, response.content
    assert kept() == real() == {"cancelled": 1, "rejected": 1}


def test_a_refused_transition_changes_no_count(staff_client):
    order = quoted_order()
    before = kept()
    response = staff_client.post(f"{BASE}{order.number}/purchase/", {}, format="json")  # not paid yet
    assert response.status_code == 409, response.content
    assert kept() == before == real()


def test_a_tracking_poll_moves_the_delivered_orders_counts_in_bulk(fake_fedex):
    batch = [fedex_shipment() for _ in range(3)]
    for shipment in batch[:2]:
        fake_fedex.set_result(
            shipment.tracking_number,
            status="DL",
            description="Delivered",
            delivered="2025-01-05T14:03:00-05:00",
            scans=[fake_fedex.scan("DL", "Delivered", "2025-01-05T14:03:00-05:00", "Los Angeles", "CA", "US")],
        )
    shipping.poll_shipments()
    assert kept() == real() == {"shipped": 1, "delivered": 2}


def test_the_staff_list_reads_its_total_from_the_counts(staff_client):
    for _ in range(3):
        requested_order()
    quoted_order()
    with CaptureQueriesContext(connection) as queries:
        body = staff_client.get(f"{BASE}?page_size=2").json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    assert not _order_counts(queries)

    with CaptureQueriesContext(connection) as queries:
        body = staff_client.get(f"{BASE}?status=quoted").json()
    assert body["count"] == 1 and [row["status"] for row in body["results"]] == ["quoted"]
    assert not _order_counts(queries)

    # A search counts its own matches.
    number = Order.objects.filter(status="quoted").get().number
    with CaptureQueriesContext(connection) as queries:
        body = staff_client.get(f"{BASE}?q={number}").json()
    assert body["count"] == 1 and len(_order_counts(queries)) == 1


def test_rebuild_counts_repairs_a_count_written_around_the_services(staff_client):
    order = requested_order()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.QUOTED)  # a bulk fix, outside the services
    assert kept() == {"requested": 1}
    out = io.StringIO()
    call_command("rebuild_counts", stdout=out)
    assert kept() == real() == {"quoted": 1}
    assert out.getvalue().strip() == "quoted: 1"
    assert staff_client.get(f"{BASE}?status=quoted").json()["count"] == 1
