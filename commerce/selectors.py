"""The order pages' reads (API and admin): an order with its payments, parcel and shipment loaded up front (no
N+1), and the staff filters that look at payments."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from bidangil.errors import NotFound
from commerce.orders.models import Order, OrderEvent
from commerce.orders.selectors import WAITING_ON_STAFF, list_queryset, open_carrier_exception_q, parcel_orders_prefetch
from commerce.payments.models import Payment
from commerce.shipping.models import Parcel, ParcelPhoto, ShipmentEvent


def waiting_on_staff_q() -> Q:
    flagged = Payment.objects.filter(order=OuterRef("pk"), status=Payment.Status.FLAGGED)
    return Q(status__in=WAITING_ON_STAFF) | Q(Exists(flagged)) | open_carrier_exception_q()


def staff_orders(*, status: str | None = None, q: str | None = None, waiting: bool = False) -> QuerySet[Order]:
    orders = list_queryset().select_related("user", "parcel__shipment")
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


def detail_queryset() -> QuerySet[Order]:
    return Order.objects.select_related("exchange_rate", "user").prefetch_related(
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


def order_for_customer(user, number: str) -> Order:
    """The user's own order; anyone else's is a 404, never a 403 (no probing order numbers)."""
    order = detail_queryset().filter(user=user, number=number).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def order_for_staff(number: str) -> Order:
    order = detail_queryset().filter(number=number).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order
