"""Writes of the notifications app: store-and-push, marking read."""

from django.utils import timezone

from bidangil import jobs
from bidangil.errors import InvalidInput

from .models import Notification
from .push import push_on_commit

# Order notifications that may also go out by SMS when the member opted in: status changes
# (commerce.orders.services.transition) and payment problems and refunds (notify_payment). Carrier scans
# (`order.tracking`, commerce.shipping) are inbox + push only: there can be a dozen per parcel.
ORDER_TYPES = (Notification.Type.ORDER_STATUS, Notification.Type.ORDER_PAYMENT)


def notify(user_id: int, type: str, payload: dict, *, email: bool = False) -> Notification:
    """Store a notification and push it to every open socket of the user once the transaction commits.

    With `email=True` a Huey job also sends it by email (and by SMS for order steps) per the user's preferences.
    Safe to call inside or outside a transaction; nothing is pushed if the surrounding transaction rolls back.
    """
    delivery = Notification.Delivery.PENDING if email else Notification.Delivery.NONE
    notification = Notification.objects.create(user_id=user_id, type=type, payload=payload, delivery=delivery)
    push_on_commit(user_id, notification.as_message())
    if email:
        jobs.enqueue_on_commit("notifications.send", notification.pk)
    return notification


def notify_many(items: list[tuple[int, str, dict]], *, email: bool = False) -> list[Notification]:
    """notify() for many (user_id, type, payload) at once: one INSERT, pushed together on commit."""
    delivery = Notification.Delivery.PENDING if email else Notification.Delivery.NONE
    notifications = Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, type=kind, payload=payload, delivery=delivery)
            for user_id, kind, payload in items
        ]
    )
    for notification in notifications:
        push_on_commit(notification.user_id, notification.as_message())
        if email:
            jobs.enqueue_on_commit("notifications.send", notification.pk)
    return notifications


def mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the given notifications of `user` read (all unread ones when `ids` is None); returns how many changed."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        if len(ids) > 500:
            raise InvalidInput("At most 500 ids at once.", fields={"ids": ["At most 500 ids at once."]})
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())
