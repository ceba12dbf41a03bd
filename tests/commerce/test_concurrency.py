"""Row locks keep one order consistent when two actors race (needs MariaDB/MySQL: SQLite has no row locks)."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from bidangil.errors import Conflict
from commerce.orders import services
from commerce.orders.models import Order, OrderEvent
from commerce.payments import services as payments
from commerce.payments.models import Payment
from tests.accounts.factories import UserFactory

from .factories import quoted_order, requested_order

pytestmark = [
    pytest.mark.mysql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql", reason="needs MariaDB row locks"
    ),
]


def race(*calls):
    """Run the calls at the same moment, each in its own thread (own connection); return outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "ok"
        except Conflict:
            outcomes[index] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("attempt", range(3))
def test_two_staff_quote_and_reject_at_once(attempt):
    order = requested_order(items=2)
    alice, bob = UserFactory(is_staff=True), UserFactory(is_staff=True)  # the services do not check roles
    lines = [{"id": pk, "unit_price_krw": 10_000} for pk in order.items.values_list("pk", flat=True)]
    outcomes = race(
        lambda: services.quote_order(order_id=order.pk, actor=alice, items=lines, domestic_shipping_krw=0),
        lambda: services.reject_order(order_id=order.pk, actor=bob, reason="Not available"),
    )
    assert sorted(outcomes) == ["conflict", "ok"]
    order.refresh_from_db()
    assert order.status in (Order.Status.QUOTED, Order.Status.REJECTED)
    assert order.events.filter(kind__in=[OrderEvent.Kind.QUOTED, OrderEvent.Kind.REJECTED]).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_webhook_races_a_cancel(attempt):
    order = quoted_order(staff=UserFactory(is_staff=True))
    payment = payments.start_checkout(order_id=order.pk, stage="items")
    results = {}

    def settle():
        results["webhook"] = payments.settle_checkout(
            session_id=payment.session_id, amount_total=payment.amount_cents, currency="usd", payment_intent_id="pi_1"
        )

    outcomes = race(settle, lambda: payments.cancel_order(order_id=order.pk, actor=order.user))
    order.refresh_from_db()
    payment.refresh_from_db()
    if order.status == Order.Status.ITEMS_PAID:
        # The payment won: the cancel saw a paid order and was refused.
        assert outcomes == ["ok", "conflict"] and payment.status == Payment.Status.PAID
    else:
        # The cancel won: the money is flagged for a refund, the order stays cancelled.
        assert order.status == Order.Status.CANCELLED and outcomes == ["ok", "ok"]
        assert payment.status == Payment.Status.FLAGGED and results["webhook"].startswith("flagged")
    assert order.events.filter(kind__in=[OrderEvent.Kind.ITEMS_PAID, OrderEvent.Kind.CANCELLED]).count() == 1
