"""Order reads: who is order staff, the list querysets and the filters over them (orders and their events only)."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from commerce.orders.models import Order, OrderEvent, OrderItem, OrderStatusCount
from commerce.orders.steps import STATUS_STEP

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


def is_order_staff(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=ORDER_STAFF_GROUP).exists()


def _item_count():
    """A correlated COUNT per order: no GROUP BY over the joined items (the paginator's COUNT stays simple)."""
    items = OrderItem.objects.filter(order=OuterRef("pk")).order_by().values("order")
    return Coalesce(Subquery(items.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), Value(0))


def parcel_orders_prefetch(lookup: str = "parcel__orders") -> Prefetch:
    """The numbers of the orders sharing each parcel (what the payloads show of a consolidation)."""
    return Prefetch(lookup, queryset=Order.objects.only("pk", "number", "status", "parcel_id").order_by("pk"))


def list_queryset() -> QuerySet[Order]:
    return (
        # Joined: only nullable relations (LEFT JOINs keep the orders first, so the order index leads the plan);
        # the rate, an INNER JOIN to a table of a few rows, would lead MariaDB to sort every order.
        Order.objects.select_related("parcel")
        .annotate(item_count=_item_count())
        .prefetch_related(
            "exchange_rate",
            Prefetch("events", queryset=OrderEvent.objects.only("order_id", "kind", "created_at")),
            parcel_orders_prefetch(),
        )
        .order_by("-created_at", "-pk")
    )


def customer_orders(user, *, status: str | None = None) -> QuerySet[Order]:
    orders = list_queryset().filter(user=user)
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


def with_carrier_alert(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Annotate `carrier_exception`: a carrier exception no staff action has followed (the list badge)."""
    return queryset.annotate(
        carrier_exception=ExpressionWrapper(open_carrier_exception_q(), output_field=BooleanField())
    )


def step_q(step: int) -> Q:
    """Orders whose customer has reached exactly this step (0: not reviewed yet; 1..5 as in steps.STEPS)."""
    return Q(status__in=[status for status, reached in STATUS_STEP.items() if reached == step])


def related_or_none(order: Order, name: str):
    """The order's parcel or shipment, or None, without raising when it does not exist."""
    try:
        return getattr(order, name)
    except ObjectDoesNotExist:
        return None


def order_count(status: str | None = None) -> int:
    """Orders in `status` (all orders when None), from the maintained per-status counts: no COUNT over orders."""
    counts = OrderStatusCount.objects.filter(**({"status": status} if status else {}))
    return sum(counts.values_list("count", flat=True))
