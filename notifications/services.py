"""Writes of the notifications app: store-and-push, marking read."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from bidangil import jobs
from bidangil.errors import InvalidInput

from .models import Notification
from .push import push_to_user

# Order notifications that may also go out by SMS when the member opted in: status changes
# (commerce.orders.services.transition) and payment problems and refunds (notify_payment). Carrier scans
# (`order.tracking`, commerce.shipping) are inbox + push only: there can be a dozen per parcel.
ORDER_TYPES = (Notification.Type.ORDER_STATUS, Notification.Type.ORDER_PAYMENT)


def notify(user_id: int, type: str, payload: dict, *, email: bool = False) -> Notification:
    """Store a notification and push it to every open socket of the user once the transaction commits.

    With `email=True` a Huey job also sends it by email (and by SMS for order steps) per the user's preferences.
    Safe to call inside or outside a transaction; nothing is pushed if the surrounding transaction rolls back.
    Texts of the payload given lazily (gettext_lazy, format_lazy) are stored in the recipient's language.
    """
    payload = _in_language_of(user_id, payload)
    delivery = Notification.Delivery.PENDING if email else Notification.Delivery.NONE
    notification = Notification.objects.create(user_id=user_id, type=type, payload=payload, delivery=delivery)
    message = notification.as_message()
    transaction.on_commit(lambda: push_to_user(user_id, message))
    if email:
        jobs.enqueue_on_commit("notifications.send", notification.pk)
    return notification


def _in_language_of(user_id: int, payload: dict) -> dict:
    if not any(isinstance(value, Promise) for value in payload.values()):
        return payload
    language = get_user_model().objects.filter(pk=user_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        return {key: str(value) if isinstance(value, Promise) else value for key, value in payload.items()}


def mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the given notifications of `user` read (all unread ones when `ids` is None); returns how many changed."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        if len(ids) > 500:
            message = _("At most 500 ids at once.")
            raise InvalidInput(message, fields={"ids": [message]})
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())
