"""A storm of Stripe deliveries, duplicated and shuffled, through the real webhook view from several threads
(needs MariaDB/MySQL: SQLite has no row locks and one writer)."""

import json
import queue
import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from commerce.orders import services
from commerce.orders.models import Order, OrderEvent
from commerce.payments import services as payments
from commerce.payments.models import Payment, StripeEvent
from commerce.payments.selectors import payment_totals
from commerce.shipping import services as shipping
from notifications.models import Notification
from tests.accounts.factories import OrderStaffFactory

from .factories import paid_order, quoted_order, us_rates
from .stripe_helpers import WEBHOOK_URL, event, session_event, signature_header

pytestmark = [
    pytest.mark.mysql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql", reason="needs MariaDB row locks"
    ),
]

DELIVERIES = 100
THREADS = 8


def charge_refunded(charge, amount_refunded, refunds):
    return event(
        "charge.refunded",
        {
            "id": f"ch_{charge.pk}",
            "object": "charge",
            "payment_intent": charge.payment_intent_id,
            "amount_refunded": amount_refunded,
            "refunds": {"data": [{"id": rid, "amount": amount, "status": "succeeded"} for rid, amount in refunds]},
        },
    )


def deliver(bodies: list[dict]) -> list[tuple[str, int, str]]:
    """POST every body, signed, from THREADS threads (each its own client and DB connection)."""
    work = queue.Queue()
    for body in bodies:
        work.put(body)
    results, lock = [], threading.Lock()
    start = threading.Barrier(THREADS)

    def run():
        client = Client(raise_request_exception=False)  # a 500 is a result to report, not a thread crash
        try:
            start.wait()
            while True:
                try:
                    body = work.get_nowait()
                except queue.Empty:
                    return
                payload = json.dumps(body)
                response = client.generic(
                    "POST",
                    WEBHOOK_URL,
                    payload,
                    content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=signature_header(payload),
                )
                result = response.json().get("result", "") if response.status_code == 200 else response.content
                with lock:
                    results.append((body["id"], response.status_code, result))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def kinds(order) -> Counter:
    return Counter(order.events.values_list("kind", flat=True))


def status_notifications(order) -> Counter:
    rows = Notification.objects.filter(user=order.user, type="order.status").values_list("payload", flat=True)
    return Counter(payload["status"] for payload in rows if payload["order"] == order.number)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_storm_of_duplicated_shuffled_deliveries_changes_each_thing_once(seed):
    staff = OrderStaffFactory()
    us_rates()

    # Items paid in one session.
    items = quoted_order(staff=staff)
    items_payment = payments.start_checkout(order_id=items.pk, stage=Payment.Stage.ITEMS)
    # Delivery fee paid (the items were paid before the storm).
    delivery = paid_order(Client(), staff=staff)
    services.mark_purchased(order_id=delivery.pk, actor=staff)
    shipping.record_intake(order_id=delivery.pk, actor=staff, weight_g=1800, length_cm=30, width_cm=20, height_cm=10)
    delivery_payment = payments.start_checkout(order_id=delivery.pk, stage=Payment.Stage.DELIVERY)
    # A session that only expires.
    expired = quoted_order(staff=staff)
    expired_payment = payments.start_checkout(order_id=expired.pk, stage=Payment.Stage.ITEMS)
    # Paid twice: a session we already marked expired was paid at Stripe, and so was its replacement.
    twice = quoted_order(staff=staff)
    first = payments.start_checkout(order_id=twice.pk, stage=Payment.Stage.ITEMS)
    Payment.objects.filter(pk=first.pk).update(expires_at=timezone.now())
    second = payments.start_checkout(order_id=twice.pk, stage=Payment.Stage.ITEMS)
    assert first.pk != second.pk
    # A wrong amount, a declined card then success, an asynchronous payment.
    mismatch = quoted_order(staff=staff)
    mismatch_payment = payments.start_checkout(order_id=mismatch.pk, stage=Payment.Stage.ITEMS)
    declined = quoted_order(staff=staff)
    declined_payment = payments.start_checkout(order_id=declined.pk, stage=Payment.Stage.ITEMS)
    delayed = quoted_order(staff=staff)
    delayed_payment = payments.start_checkout(order_id=delayed.pk, stage=Payment.Stage.ITEMS)
    # Refunds made in the Stripe dashboard: two partial ones, and a partial one followed by the rest.
    partly = paid_order(Client(), staff=staff)
    partly_charge = partly.payments.get()
    fully = paid_order(Client(), staff=staff)
    fully_charge = fully.payments.get()
    full = fully_charge.amount_cents

    unique = [
        session_event("checkout.session.completed", items_payment),
        session_event("checkout.session.completed", delivery_payment),
        session_event("checkout.session.expired", expired_payment, payment_status="unpaid"),
        session_event("checkout.session.completed", first),
        session_event("checkout.session.completed", second),
        session_event("checkout.session.completed", mismatch_payment, amount=mismatch_payment.amount_cents - 1),
        event(
            "payment_intent.payment_failed",
            {
                "id": f"pi_test_{declined_payment.pk}",
                "metadata": {"payment_id": str(declined_payment.pk)},
                "last_payment_error": {"message": "Your card was declined."},
            },
        ),
        session_event("checkout.session.completed", declined_payment),
        session_event("checkout.session.completed", delayed_payment, payment_status="unpaid"),
        session_event("checkout.session.async_payment_succeeded", delayed_payment),
        charge_refunded(partly_charge, 300, [("re_p1", 300)]),
        charge_refunded(partly_charge, 700, [("re_p2", 400), ("re_p1", 300)]),
        charge_refunded(fully_charge, 500, [("re_f1", 500)]),
        charge_refunded(fully_charge, full, [("re_f2", full - 500), ("re_f1", 500)]),
        event("customer.created", {"id": "cus_1", "object": "customer"}),
    ]
    rng = random.Random(seed)
    bodies = unique + [rng.choice(unique) for _ in range(DELIVERIES - len(unique))]
    rng.shuffle(bodies)
    before = {order.pk: kinds(order) for order in Order.objects.all()}

    results = deliver(bodies)

    assert len(results) == DELIVERIES
    assert [r for r in results if r[1] != 200] == []
    # Every event was acted on by exactly one delivery; all the others were recognised as duplicates.
    acted = Counter(event_id for event_id, _, result in results if result != "duplicate")
    assert acted == Counter(body["id"] for body in unique)
    stored = StripeEvent.objects.filter(event_id__in=[body["id"] for body in unique])
    assert stored.count() == len(unique) and not stored.filter(processed_at=None).exists()

    def new_events(order) -> Counter:
        counts = kinds(order)
        counts.subtract(before[order.pk])
        return +counts

    for order in Order.objects.all():
        order.refresh_from_db()
    refresh = {order.pk: order for order in Order.objects.all()}

    items, delivery, expired, twice = (refresh[o.pk] for o in (items, delivery, expired, twice))
    mismatch, declined, delayed, partly, fully = (refresh[o.pk] for o in (mismatch, declined, delayed, partly, fully))

    assert items.status == Order.Status.ITEMS_PAID
    assert new_events(items) == {OrderEvent.Kind.ITEMS_PAID: 1}
    assert delivery.status == Order.Status.DELIVERY_PAID
    assert new_events(delivery) == {OrderEvent.Kind.DELIVERY_PAID: 1}
    assert expired.status == Order.Status.QUOTED
    assert new_events(expired) == {OrderEvent.Kind.PAYMENT_EXPIRED: 1}
    assert twice.status == Order.Status.ITEMS_PAID
    assert new_events(twice) == {OrderEvent.Kind.ITEMS_PAID: 1, OrderEvent.Kind.PAYMENT_FLAGGED: 1}
    assert sorted(twice.payments.values_list("status", flat=True)) == ["flagged", "paid"]
    assert mismatch.status == Order.Status.QUOTED
    assert new_events(mismatch) == {OrderEvent.Kind.PAYMENT_FLAGGED: 1}
    assert declined.status == Order.Status.ITEMS_PAID
    assert new_events(declined) == {OrderEvent.Kind.ITEMS_PAID: 1, OrderEvent.Kind.PAYMENT_FAILED: 1}
    assert delayed.status == Order.Status.ITEMS_PAID
    assert new_events(delayed) == {OrderEvent.Kind.ITEMS_PAID: 1}
    for order, status in [(items, "items_paid"), (delivery, "delivery_paid"), (twice, "items_paid")]:
        assert status_notifications(order)[status] == 1

    # Dashboard refunds: each Stripe refund is one ledger row, whatever order the deliveries came in.
    refunds = Payment.objects.filter(kind=Payment.Kind.REFUND)
    assert sorted(refunds.values_list("refund_id", "amount_cents")) == [
        ("re_f1", 500),
        ("re_f2", full - 500),
        ("re_p1", 300),
        ("re_p2", 400),
    ]
    assert partly.status == Order.Status.ITEMS_PAID
    assert payment_totals(partly).refundable_cents == partly_charge.amount_cents - 700
    assert set(new_events(partly)) == {OrderEvent.Kind.REFUND_ISSUED}
    assert fully.status == Order.Status.REFUNDED
    assert new_events(fully)[OrderEvent.Kind.REFUNDED] == 1
    assert set(new_events(fully)) <= {OrderEvent.Kind.REFUNDED, OrderEvent.Kind.REFUND_ISSUED}
    assert status_notifications(fully)["refunded"] == 1
    for order in (partly, fully):
        logged = order.events.filter(kind__in=[OrderEvent.Kind.REFUND_ISSUED, OrderEvent.Kind.REFUNDED])
        totals = payment_totals(order)
        assert sum(e.data["amount_cents"] for e in logged) == totals.refunded_cents
        assert totals.refunded_cents <= totals.paid_cents

    # The ledger adds up on every order: never more refunded than paid, at most one paid charge per stage.
    for order in refresh.values():
        totals = payment_totals(order)
        assert 0 <= totals.refunded_cents <= totals.paid_cents
        paid_stages = Counter(
            order.payments.filter(kind=Payment.Kind.CHARGE, status=Payment.Status.PAID).values_list("stage", flat=True)
        )
        assert all(count == 1 for count in paid_stages.values())


def test_expired_checkouts_marked_while_a_storm_runs_are_marked_once():
    """The expiry sweep and Stripe's own expiry event for the same sessions, at the same time."""
    orders = [quoted_order() for _ in range(4)]
    charges = [payments.start_checkout(order_id=o.pk, stage=Payment.Stage.ITEMS) for o in orders]
    Payment.objects.filter(pk__in=[p.pk for p in charges]).update(expires_at=timezone.now() - timedelta(minutes=1))
    bodies = [session_event("checkout.session.expired", p, payment_status="unpaid") for p in charges] * 5
    random.Random(3).shuffle(bodies)
    sweep = threading.Thread(target=lambda: (payments.expire_stale_checkouts(), connection.close()))
    sweep.start()
    results = deliver(bodies)
    sweep.join(timeout=60)
    assert {status for _, status, _ in results} == {200}
    for order in orders:
        assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_EXPIRED).count() == 1
    assert set(Payment.objects.values_list("status", flat=True)) == {"expired"}
