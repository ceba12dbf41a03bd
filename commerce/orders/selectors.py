"""Order reads for the API and the admin, with their related rows loaded up front (no N+1)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from bidangil.errors import NotFound
from commerce.orders.models import Order, OrderEvent
from commerce.orders.steps import STATUS_STEP
from commerce.payments.models import Payment
from commerce.shipping.models import Parcel, ParcelPhoto, Shipment, ShipmentEvent

ORDER_STAFF_GROUP = "Order staff"

# Statuses where the next move is the staff's.
WAITING_ON_STAFF = (
    Order.Status.REQUESTED,
    Order.Status.ITEMS_PAID,
    Order.Status.PURCHASED,
    Order.Status.DELIVERY_PAID,
)

# Statuses in which the order holds the customer's money, so a refund (full or partial) is possible.
REFUNDABLE_STATUSES = (
    Order.Status.ITEMS_PAID,
    Order.Status.PURCHASED,
    Order.Status.DELIVERY_QUOTED,
    Order.Status.DELIVERY_PAID,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
)


@dataclass(frozen=True)
class PaymentTotals:
    paid_cents: int  # settled charges, items and delivery
    refunded_cents: int  # refunds of those charges that went through
    refundable_cents: int  # paid - refunded, the most further refunds may take; 0 where no refund is allowed


def payment_totals(order: Order) -> PaymentTotals:
    """What the order's ledger adds up to (uses prefetched payments). A flagged charge is money we did not accept:
    it and its refunds stay out of the totals, so refunding it never counts against the order."""
    payments = list(order.payments.all())
    paid = {p.pk: p.amount_cents for p in payments if p.kind == Payment.Kind.CHARGE and p.status == Payment.Status.PAID}
    refunded = sum(
        p.amount_cents
        for p in payments
        if p.kind == Payment.Kind.REFUND and p.status == Payment.Status.SUCCEEDED and p.refund_of_id in paid
    )
    refundable = sum(paid.values()) - refunded if order.status in REFUNDABLE_STATUSES else 0
    return PaymentTotals(sum(paid.values()), refunded, refundable)


def is_order_staff(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=ORDER_STAFF_GROUP).exists()


def _list_queryset() -> QuerySet[Order]:
    return (
        Order.objects.select_related("exchange_rate")
        .annotate(item_count=Count("items", distinct=True))
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.only("order_id", "kind", "created_at")))
        .order_by("-created_at", "-pk")  # Meta.ordering does not apply to aggregated queries
    )


def customer_orders(user, *, status: str | None = None) -> QuerySet[Order]:
    orders = _list_queryset().filter(user=user)
    return orders.filter(status=status) if status else orders


def open_carrier_exception_q() -> Q:
    """Orders with a carrier exception that no staff action has followed yet.

    A staff action is any event by someone other than the customer (the carrier poll has no actor),
    so quoting, refunding or adding a note after the exception clears it.
    """
    staff_after = OrderEvent.objects.filter(
        order=OuterRef("order_id"), actor__isnull=False, created_at__gte=OuterRef("created_at")
    ).exclude(actor=OuterRef("order__user_id"))
    open_exceptions = OrderEvent.objects.filter(order=OuterRef("pk"), kind=OrderEvent.Kind.CARRIER_EXCEPTION).filter(
        ~Exists(staff_after)
    )
    return Q(Exists(open_exceptions))


def has_open_carrier_exception(order: Order, events) -> bool:
    """The same rule as open_carrier_exception_q for one order whose events are loaded (oldest first)."""
    last_exception = last_staff = None
    for event in events:
        if event.kind == OrderEvent.Kind.CARRIER_EXCEPTION:
            last_exception = event.created_at
        elif event.actor_id is not None and event.actor_id != order.user_id:
            last_staff = event.created_at
    return last_exception is not None and (last_staff is None or last_staff < last_exception)


def waiting_on_staff_q() -> Q:
    return Q(status__in=WAITING_ON_STAFF) | flagged_payment_q() | open_carrier_exception_q()


def flagged_payment_q() -> Q:
    return Q(Exists(Payment.objects.filter(order=OuterRef("pk"), status=Payment.Status.FLAGGED)))


def delivery_fee_unpaid_q(now=None) -> Q:
    """Parcels whose delivery fee has waited for the customer longer than PARCEL_PAYMENT_REMINDER_DAYS since the
    warehouse intake quoted it."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PARCEL_PAYMENT_REMINDER_DAYS)
    quoted_before = OrderEvent.objects.filter(order=OuterRef("pk"), kind=OrderEvent.Kind.INTAKE, created_at__lt=cutoff)
    return Q(status=Order.Status.DELIVERY_QUOTED) & Q(Exists(quoted_before))


# The alerts an order list can be filtered by (the staff desk links to them).
ORDER_ALERTS = {
    "carrier_exception": open_carrier_exception_q,
    "flagged_payment": flagged_payment_q,
    "delivery_fee_unpaid": delivery_fee_unpaid_q,
}


def with_carrier_alert(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Annotate `carrier_exception`: a carrier exception no staff action has followed (the list badge)."""
    return queryset.annotate(
        carrier_exception=ExpressionWrapper(open_carrier_exception_q(), output_field=BooleanField())
    )


@dataclass(frozen=True)
class StaffDesk:
    waiting_by_step: dict[int, int]  # orders waiting on staff, by the customer's step (0 = not reviewed yet)
    flagged_payments: int  # payments flagged for review
    carrier_exceptions: int  # orders with an open carrier exception
    delivery_fee_unpaid: int  # parcels waiting for the delivery fee too long


def staff_desk() -> StaffDesk:
    """The Order staff's counts for the admin home, in two queries whatever the data."""
    waiting = waiting_on_staff_q()
    steps = sorted(set(STATUS_STEP.values()))
    counts = Order.objects.aggregate(
        **{f"step_{step}": Count("pk", filter=waiting & step_q(step)) for step in steps},
        carrier_exceptions=Count("pk", filter=open_carrier_exception_q()),
        delivery_fee_unpaid=Count("pk", filter=delivery_fee_unpaid_q()),
    )
    return StaffDesk(
        waiting_by_step={step: counts[f"step_{step}"] for step in steps},
        flagged_payments=Payment.objects.filter(status=Payment.Status.FLAGGED).count(),
        carrier_exceptions=counts["carrier_exceptions"],
        delivery_fee_unpaid=counts["delivery_fee_unpaid"],
    )


def step_q(step: int) -> Q:
    """Orders whose customer has reached exactly this step (0: not reviewed yet; 1..5 as in steps.STEPS)."""
    return Q(status__in=[status for status, reached in STATUS_STEP.items() if reached == step])


def staff_orders(*, status: str | None = None, q: str | None = None, waiting: bool = False) -> QuerySet[Order]:
    orders = _list_queryset().select_related("user", "shipment")
    if status:
        orders = orders.filter(status=status)
    if waiting:
        orders = orders.filter(waiting_on_staff_q())
    if q:
        q = q.strip()
        orders = orders.filter(
            Q(number__icontains=q) | Q(user__email__icontains=q) | Q(shipment__tracking_number__icontains=q)
        )
    return orders


def detail_queryset() -> QuerySet[Order]:
    return Order.objects.select_related("exchange_rate", "user").prefetch_related(
        "items",
        Prefetch("payments", queryset=Payment.objects.order_by("created_at", "pk")),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
        Prefetch("parcel", queryset=Parcel.objects.prefetch_related(Prefetch("photos", ParcelPhoto.objects.all()))),
        Prefetch(
            "shipment", queryset=Shipment.objects.prefetch_related(Prefetch("events", ShipmentEvent.objects.all()))
        ),
    )


def order_for_customer(user, number: str) -> Order:
    """The user's own order; anyone else's is a 404, never a 403 (no probing order numbers)."""
    order = detail_queryset().filter(user=user, number=number).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def order_for_staff(number: str) -> Order:
    order = detail_queryset().filter(number=number).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def related_or_none(order: Order, name: str):
    """A reverse one-to-one (parcel, shipment) or None, without raising when it does not exist."""
    try:
        return getattr(order, name)
    except (Parcel.DoesNotExist, Shipment.DoesNotExist):
        return None
