"""Order reads for the API and the admin, with their related rows loaded up front (no N+1)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from bidangil.errors import NotFound
from commerce.conversations.models import OrderMessage
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


def _unread_messages(*, from_staff: bool) -> Coalesce:
    """Messages of one side the other side has not read yet (a subquery: no join multiplies the item count)."""
    unread = (
        OrderMessage.objects.filter(order=OuterRef("pk"), from_staff=from_staff, read_at__isnull=True)
        .order_by()
        .values("order")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def with_unread_messages(orders: QuerySet[Order], *, for_staff: bool) -> QuerySet[Order]:
    """`unread_messages`: for the customer, staff messages they have not read; for staff, the customer's."""
    return orders.annotate(unread_messages=_unread_messages(from_staff=not for_staff))


def customer_orders(user, *, status: str | None = None) -> QuerySet[Order]:
    orders = with_unread_messages(_list_queryset().filter(user=user), for_staff=False)
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
    flagged = Payment.objects.filter(order=OuterRef("pk"), status=Payment.Status.FLAGGED)
    unanswered = OrderMessage.objects.filter(order=OuterRef("pk"), from_staff=False, read_at__isnull=True)
    return Q(status__in=WAITING_ON_STAFF) | Q(Exists(flagged)) | open_carrier_exception_q() | Q(Exists(unanswered))


def step_q(step: int) -> Q:
    """Orders whose customer has reached exactly this step (0: not reviewed yet; 1..5 as in steps.STEPS)."""
    return Q(status__in=[status for status, reached in STATUS_STEP.items() if reached == step])


def staff_orders(*, status: str | None = None, q: str | None = None, waiting: bool = False) -> QuerySet[Order]:
    orders = with_unread_messages(_list_queryset().select_related("user", "shipment"), for_staff=True)
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


def detail_queryset(*, for_staff: bool = False) -> QuerySet[Order]:
    orders = Order.objects.select_related("exchange_rate", "user").prefetch_related(
        "items",
        Prefetch("payments", queryset=Payment.objects.order_by("created_at", "pk")),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
        Prefetch("parcel", queryset=Parcel.objects.prefetch_related(Prefetch("photos", ParcelPhoto.objects.all()))),
        Prefetch(
            "shipment", queryset=Shipment.objects.prefetch_related(Prefetch("events", ShipmentEvent.objects.all()))
        ),
    )
    return with_unread_messages(orders, for_staff=for_staff)


def order_for_customer(user, number: str) -> Order:
    """The user's own order; anyone else's is a 404, never a 403 (no probing order numbers)."""
    order = detail_queryset().filter(user=user, number=number).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def order_for_staff(number: str) -> Order:
    order = detail_queryset(for_staff=True).filter(number=number).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def related_or_none(order: Order, name: str):
    """A reverse one-to-one (parcel, shipment) or None, without raising when it does not exist."""
    try:
        return getattr(order, name)
    except (Parcel.DoesNotExist, Shipment.DoesNotExist):
        return None
