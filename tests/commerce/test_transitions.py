"""Every order state change goes through commerce.orders.services.transition(): it alone writes Order.status,
and record_event() (which transition() calls) alone writes an OrderEvent. Checked in the source and at run time."""

import inspect
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from commerce.orders import services
from commerce.orders.models import Order, OrderEvent
from commerce.payments import services as payments
from commerce.payments.models import Payment
from commerce.shipping import services as shipping
from integrations.carriers import TrackEvent, TrackResult
from tests.accounts.factories import OrderStaffFactory

from .factories import paid_order, quoted_order, requested_order, us_rates
from .stripe_helpers import post_event, session_event

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "migrations", "node_modules"}
# `order.status = …`, `locked_order.status = …`, or a queryset update of an order's status.
STATUS_WRITE = re.compile(r"\b\w*order\w*\.status\s*=(?!=)|Order\.objects\b[^\n]*\.update\([^)]*\bstatus=", re.I)


def status_writes() -> list[str]:
    found = []
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if STATUS_WRITE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


def test_only_transition_writes_the_order_status():
    writes = status_writes()
    assert len(writes) == 1 and writes[0].startswith("commerce/orders/services.py:"), writes
    line = int(writes[0].rsplit(":", 1)[1])
    source = (ROOT / "commerce/orders/services.py").read_text().splitlines()
    enclosing = next(text for text in reversed(source[:line]) if text.startswith("def "))
    assert enclosing.startswith("def transition("), enclosing


EVENT_WRITE = re.compile(
    r"OrderEvent\s*\(|OrderEvent\.objects\b[^\n]*\.(create|bulk_create|update|get_or_create)\(|\bevents\.create\("
)


def test_only_record_event_creates_an_order_event():
    writes = []
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if EVENT_WRITE.search(line) and "class OrderEvent(" not in line:
                writes.append((path.relative_to(ROOT).as_posix(), number))
    assert writes and {path for path, _ in writes} == {"commerce/orders/services.py"}, writes
    source = (ROOT / "commerce/orders/services.py").read_text().splitlines()
    for _, number in writes:  # one order's entry, or a batch's in one INSERT
        enclosing = next(text for text in reversed(source[:number]) if text.startswith("def "))
        assert enclosing.startswith("def record_event("), enclosing


# --- At run time: every path of the workflow, watched at the model layer -------------------------


SERVICES = str(ROOT / "commerce/orders/services.py")
# The SQL that writes an order's status or its event log, whatever ORM call sent it (save, bulk_update, update).
EVENT_INSERT = re.compile(r"^\s*INSERT INTO [`\"]?commerce_orderevent\b", re.I)
ORDER_INSERT = re.compile(r"^\s*INSERT INTO [`\"]?commerce_order[`\"]?\s", re.I)
STATUS_UPDATE = re.compile(r"^\s*UPDATE [`\"]?commerce_order[`\"]?\s+SET\b.*[`\"]status[`\"]\s*=", re.I | re.S)


def _inside(*functions: str) -> bool:
    return any(frame.filename == SERVICES and frame.function in functions for frame in inspect.stack())


@pytest.fixture
def watched():
    """Every statement that writes an order event or an order's status, with whether the primitive sent it."""
    seen = {"events": [], "statuses": [], "orders": []}

    def watch(execute, sql, params, many, context):
        if EVENT_INSERT.search(sql):
            seen["events"].append(_inside("record_event"))
        elif ORDER_INSERT.search(sql):
            seen["orders"].append(_inside("create_order"))
        elif STATUS_UPDATE.search(sql):
            seen["statuses"].append(_inside("transition"))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield seen


def pay(api_client, order, stage):
    payment = payments.start_checkout(order_id=order.pk, stage=stage)
    assert post_event(api_client, session_event("checkout.session.completed", payment)).json()["result"] == "paid"


@pytest.mark.django_db
def test_every_path_of_the_workflow_writes_status_and_events_through_the_primitive(api_client, watched):
    staff = OrderStaffFactory()
    us_rates()
    now = timezone.now()
    # The whole way: requested → … → delivered, then refunded in two parts.
    order = paid_order(api_client, staff=staff)
    services.mark_purchased(order_id=order.pk, actor=staff)
    shipping.record_intake(order_id=order.pk, actor=staff, weight_g=1800, length_cm="30", width_cm="20", height_cm="10")
    pay(api_client, order, Payment.Stage.DELIVERY)
    shipping.ship_order(order_id=order.pk, actor=staff, carrier="fedex", tracking_number="794600000001")
    scans = [TrackEvent(now - timedelta(hours=1), "DE", "Delivery exception"), TrackEvent(now, "DL", "Delivered")]
    order.refresh_from_db()
    shipping.apply_tracking(
        order.shipment.pk, TrackResult("794600000001", status_code="DL", delivered_at=now, events=scans)
    )
    services.add_staff_note(order_id=order.pk, actor=staff, note="Customer called")
    payments.refund_order(order_id=order.pk, actor=staff, reason="Price drop", amount_cents=500)
    payments.refund_order(order_id=order.pk, actor=staff, reason="Damaged")
    # The side exits: rejected, cancelled with an open checkout, a checkout that expired, money paid twice.
    services.reject_order(order_id=requested_order().pk, actor=staff, reason="Not sold abroad")
    cancelled = quoted_order(staff=staff)
    payments.start_checkout(order_id=cancelled.pk, stage=Payment.Stage.ITEMS)
    payments.cancel_order(order_id=cancelled.pk, actor=cancelled.user)
    expired = quoted_order(staff=staff)
    payments.start_checkout(order_id=expired.pk, stage=Payment.Stage.ITEMS)
    payments.expire_stale_checkouts(now=now + timedelta(days=2))
    twice = quoted_order(staff=staff)
    first = payments.start_checkout(order_id=twice.pk, stage=Payment.Stage.ITEMS)
    Payment.objects.filter(pk=first.pk).update(expires_at=now)  # a second click opens another session
    second = payments.start_checkout(order_id=twice.pk, stage=Payment.Stage.ITEMS)
    for payment in (second, first):
        post_event(api_client, session_event("checkout.session.completed", payment))

    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    kinds = set(OrderEvent.objects.values_list("kind", flat=True))
    assert {"requested", "quoted", "delivered", "refunded", "rejected", "cancelled", "payment_flagged"} <= kinds
    assert {"note", "checkout_opened", "refund_issued", "carrier_exception", "payment_expired"} <= kinds
    assert len(watched["orders"]) == 5 and all(watched["orders"])
    assert len(watched["statuses"]) >= 14 and all(watched["statuses"]), watched["statuses"]
    assert len(watched["events"]) >= 30 and all(watched["events"]), watched["events"]
    # Each order's log ends with the status it has: no status changed without its event.
    for one in Order.objects.all():
        logged = [event.data["status"] for event in one.events.order_by("pk") if "status" in event.data]
        assert logged[-1] == one.status, (one.number, logged)


@pytest.mark.django_db
def test_a_new_order_gets_its_first_event_and_notification_from_transition(user, monkeypatch):
    calls = []
    real = services.transition
    monkeypatch.setattr(
        services, "transition", lambda *args, **kwargs: calls.append(args[1:3]) or real(*args, **kwargs)
    )
    order = requested_order(user)
    assert calls == [(Order.Status.REQUESTED, OrderEvent.Kind.REQUESTED)]
    event = order.events.get()
    assert (event.kind, event.data, event.actor) == ("requested", {"status": "requested", "items": 1}, user)
    assert user.notifications.get().payload["status"] == "requested"
