"""Which cached order pages a write changes (bidangil/page_cache.py keeps them).

A member's order list and order pages are cached under the member's scope; the staff order list under one scope
for all order staff, which every order write renews. A row saved or deleted through the ORM that those pages show
(an order, its items, events, payments and messages, a parcel, its photos, its shipment and scans, a customer's
email) renews the scope of the member whose orders show it, and the staff list's: `connect()` wires the model
signals. A write that goes around them (`bulk_create`, `bulk_update`, `update()`) calls `changed()` itself, once per
transaction is enough: the versions change again when it commits.
"""

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete

from bidangil import page_cache
from commerce.orders.models import Order

STAFF = "order-pages:staff"


def member_scope(user_id: int) -> str:
    return f"order-pages:member:{user_id}"


def page(request, build, *, scope: str) -> dict:
    """The order page at the request's URL, from the cache or built."""
    return page_cache.page(request.build_absolute_uri(), build, scope=scope, timeout=settings.ORDER_PAGES_CACHE_SECONDS)


def changed(*, users=(), orders=(), parcels=(), shipments=()) -> None:
    """The pages of these members, of the owners of these orders, parcels and shipments (rows or ids), and the
    staff list are out of date."""
    members = {getattr(user, "pk", user) for user in users}
    members |= {order.user_id for order in orders if isinstance(order, Order)}
    lookups = Q()
    for lookup, rows in (("pk__in", orders), ("parcel__in", parcels), ("parcel__shipment__in", shipments)):
        ids = [getattr(row, "pk", row) for row in rows if not isinstance(row, Order)]
        if ids:
            lookups |= Q(**{lookup: ids})
    if lookups:
        members |= set(Order.objects.filter(lookups).order_by().values_list("user_id", flat=True).distinct())
    page_cache.changed(STAFF, *(member_scope(member) for member in members))


def _order_saved(instance, **_signal):
    changed(users=[instance.user_id])


def _order_row_saved(sender, instance, **_signal):
    # The order row loaded with it (as the services build their rows) names the owner without a query.
    if sender._meta.get_field("order").is_cached(instance):
        changed(orders=[instance.order])
    else:
        changed(orders=[instance.order_id])


def _parcel_saved(instance, **_signal):
    changed(parcels=[instance.pk])


def _parcel_row_saved(instance, **_signal):
    changed(parcels=[instance.parcel_id])


def _scan_saved(instance, **_signal):
    changed(shipments=[instance.shipment_id])


def _user_saved(instance, created, update_fields=None, **_signal):
    # The staff list shows customers' emails; a new account has no orders, a sign-in changes only `last_login`.
    if not created and set(update_fields or ()) != {"last_login"}:
        changed(users=[instance.pk])


def connect() -> None:
    """Wire the model signals (CommerceConfig.ready)."""
    receivers = [
        ("commerce.Order", _order_saved),
        ("commerce.OrderItem", _order_row_saved),
        ("commerce.OrderEvent", _order_row_saved),
        ("commerce.Payment", _order_row_saved),
        ("commerce.OrderMessage", _order_row_saved),
        ("commerce.ParcelPhoto", _parcel_row_saved),
        ("commerce.Shipment", _parcel_row_saved),
        ("commerce.ShipmentEvent", _scan_saved),
    ]
    for sender, receiver in receivers:
        uid = f"order-pages:{sender}"
        post_save.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)
        post_delete.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)
    # A parcel's orders let go of it when it is deleted: their owners are found before.
    post_save.connect(_parcel_saved, sender="commerce.Parcel", weak=False, dispatch_uid="order-pages:parcel")
    pre_delete.connect(_parcel_saved, sender="commerce.Parcel", weak=False, dispatch_uid="order-pages:parcel")
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, weak=False, dispatch_uid="order-pages:user")
