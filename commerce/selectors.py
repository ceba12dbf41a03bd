"""The order pages' reads (API and admin): an order with its payments, parcel and shipment loaded up front (no
N+1), and the staff filters that look at payments."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from bidangil.errors import NotFound
from commerce.conversations.selectors import unanswered_q, with_unread_messages
from commerce.orders import selectors as order_selectors
from commerce.orders.models import Order, OrderEvent
from commerce.orders.selectors import (
    WAITING_ON_STAFF,
    list_queryset,
    open_carrier_exception_q,
    parcel_orders_prefetch,
    step_q,
)
from commerce.orders.steps import STATUS_STEP
from commerce.payments.models import Payment
from commerce.shipping.models import Parcel, ParcelPhoto, ShipmentEvent
from commerce.shipping.selectors import waiting_for_payment_q


def flagged_payment_q() -> Q:
    return Q(Exists(Payment.objects.filter(order=OuterRef("pk"), status=Payment.Status.FLAGGED)))


def waiting_on_staff_q() -> Q:
    return Q(status__in=WAITING_ON_STAFF) | flagged_payment_q() | open_carrier_exception_q() | unanswered_q()


def customer_orders(user, *, status: str | None = None) -> QuerySet[Order]:
    """The customer's order list, with the staff messages they have not read."""
    return with_unread_messages(order_selectors.customer_orders(user, status=status), for_staff=False)


# The alerts an order list can be filtered by (the staff desk links to them).
ORDER_ALERTS = {
    "carrier_exception": open_carrier_exception_q,
    "flagged_payment": flagged_payment_q,
}


@dataclass(frozen=True)
class StaffDesk:
    waiting_by_step: dict[int, int]  # orders waiting on staff, by the customer's step (0 = not reviewed yet)
    flagged_payments: int  # payments flagged for review
    carrier_exceptions: int  # orders with an open carrier exception
    parcels_unpaid: int  # parcels waiting for their delivery fee longer than STORAGE_REMINDER_DAYS


def staff_desk() -> StaffDesk:
    """The Order staff's counts for the admin home, in three queries whatever the data."""
    waiting = waiting_on_staff_q()
    steps = sorted(set(STATUS_STEP.values()))
    counts = Order.objects.aggregate(
        **{f"step_{step}": Count("pk", filter=waiting & step_q(step)) for step in steps},
        carrier_exceptions=Count("pk", filter=open_carrier_exception_q()),
    )
    return StaffDesk(
        waiting_by_step={step: counts[f"step_{step}"] for step in steps},
        flagged_payments=Payment.objects.filter(status=Payment.Status.FLAGGED).count(),
        carrier_exceptions=counts["carrier_exceptions"],
        parcels_unpaid=Parcel.objects.filter(
            waiting_for_payment_q(longer_than_days=settings.STORAGE_REMINDER_DAYS)
        ).count(),
    )


def staff_orders(*, status: str | None = None, q: str | None = None, waiting: bool = False) -> QuerySet[Order]:
    # The customer by prefetch, not join: see list_queryset.
    orders = list_queryset().select_related("parcel__shipment").prefetch_related("user")
    orders = with_unread_messages(orders, for_staff=True)
    if status:
        orders = orders.filter(status=status)
    if waiting:
        orders = orders.filter(waiting_on_staff_q())
    if q:
        q = q.strip()
        orders = orders.filter(
            Q(number__icontains=q) | Q(user__email__icontains=q) | Q(parcel__shipment__tracking_number__icontains=q)
        )
    return orders


def detail_queryset(*, for_staff: bool = False) -> QuerySet[Order]:
    """One order page; `unread_messages` counts the other side's messages (staff's for the customer)."""
    orders = Order.objects.select_related("exchange_rate", "user").prefetch_related(
        "items",
        Prefetch("payments", queryset=Payment.objects.order_by("created_at", "pk")),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
        Prefetch(
            "parcel",
            queryset=Parcel.objects.select_related("shipment").prefetch_related(
                Prefetch("photos", ParcelPhoto.objects.all()),
                Prefetch("shipment__events", ShipmentEvent.objects.all()),
                parcel_orders_prefetch("orders"),
            ),
        ),
    )
    return with_unread_messages(orders, for_staff=for_staff)


def order_for_customer(user, number: str) -> Order:
    """The user's own order; anyone else's is a 404, never a 403 (no probing order numbers)."""
    order = detail_queryset().filter(user=user, number=number).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def order_for_staff(number: str) -> Order:
    order = detail_queryset(for_staff=True).filter(number=number).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order
