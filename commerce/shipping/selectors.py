"""Parcel reads for the API and the admin, with their orders loaded up front."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bidangil.errors import NotFound
from commerce.orders.models import Order, OrderEvent
from commerce.shipping.models import Parcel


def parcels_queryset() -> QuerySet[Parcel]:
    return Parcel.objects.select_related("shipment").prefetch_related(
        Prefetch("orders", queryset=Order.objects.select_related("user").order_by("pk"))
    )


def parcel_for_customer(user, parcel_id: int) -> Parcel:
    """The customer's parcel (one holding an order of theirs); anyone else's is a 404, like a missing one."""
    parcel = parcels_queryset().filter(pk=parcel_id, order__user=user).distinct().first()
    if parcel is None:
        raise NotFound(_("No such parcel."))
    return parcel


def waiting_for_payment_q(*, longer_than_free_storage: bool = False, longer_than_days: int | None = None) -> Q:
    """Measured parcels whose orders still wait for the delivery payment (optionally past the free storage, or
    longer than a number of days)."""
    unpaid = Order.objects.filter(parcel=OuterRef("pk"), status=Order.Status.DELIVERY_QUOTED)
    q = Q(Exists(unpaid), received_at__isnull=False)
    if longer_than_free_storage:
        longer_than_days = settings.STORAGE_FREE_DAYS
    if longer_than_days is not None:
        q &= Q(received_at__lt=timezone.now() - timedelta(days=longer_than_days))
    return q


def days_waiting_for_payment(parcel: Parcel, now=None) -> int | None:
    """Whole days since the intake while the delivery fee is unpaid (orders prefetched); None otherwise."""
    if parcel.received_at is None or not any(o.status == Order.Status.DELIVERY_QUOTED for o in parcel.orders.all()):
        return None
    return ((now or timezone.now()) - parcel.received_at).days


def last_intake_data(order_id: int) -> dict:
    """The data of the order's latest INTAKE event (weight, fee, which source priced it), {} before any intake."""
    event = OrderEvent.objects.filter(order_id=order_id, kind=OrderEvent.Kind.INTAKE).order_by("-pk").first()
    return event.data if event else {}
