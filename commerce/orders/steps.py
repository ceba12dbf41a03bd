"""The five steps a customer follows, as in the original product, dated from the order's event log."""

from django.utils.translation import gettext_lazy as _lazy

from commerce.orders.models import Order, OrderEvent

STEPS = [
    # number, key, label, the event that completes it
    (1, "request_reviewed", _lazy("Request reviewed"), OrderEvent.Kind.QUOTED),
    (2, "items_paid", _lazy("Items paid"), OrderEvent.Kind.ITEMS_PAID),
    (3, "delivery_paid", _lazy("Delivery fee paid"), OrderEvent.Kind.DELIVERY_PAID),
    (4, "in_transit", _lazy("In transit"), OrderEvent.Kind.SHIPPED),
    (5, "delivered", _lazy("Delivered"), OrderEvent.Kind.DELIVERED),
]

# The last step reached in each status (0: not yet reviewed). A rejection is a review too.
STATUS_STEP = {
    Order.Status.REQUESTED: 0,
    Order.Status.QUOTED: 1,
    Order.Status.REJECTED: 1,
    Order.Status.ITEMS_PAID: 2,
    Order.Status.PURCHASED: 2,
    Order.Status.DELIVERY_QUOTED: 2,
    Order.Status.DELIVERY_PAID: 3,
    Order.Status.SHIPPED: 4,
    Order.Status.DELIVERED: 5,
}


def current_step(status: str) -> int:
    return STATUS_STEP.get(status, 0)


def order_steps(order: Order, events) -> list[dict]:
    """Steps with `done` and the time of the first event that completed each (`events` already loaded)."""
    first_at = {}
    for event in events:
        first_at.setdefault(event.kind, event.created_at)
    if order.status == Order.Status.REJECTED:
        first_at.setdefault(OrderEvent.Kind.QUOTED, first_at.get(OrderEvent.Kind.REJECTED))
    return [
        {"number": number, "key": key, "label": label, "done": kind in first_at, "at": first_at.get(kind)}
        for number, key, label, kind in STEPS
    ]
