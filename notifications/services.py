"""Writes of the notifications app: store-and-push, marking read."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

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
    Texts of the payload given lazily (gettext_lazy, format_lazy) are stored in the recipient's language.
    """
    return notify_many([(user_id, type, payload)], email=email)[0]


def notify_many(items: list[tuple[int, str, dict]], *, email: bool = False) -> list[Notification]:
    """notify() for many (user_id, type, payload) at once: one INSERT (and one language lookup), one push."""
    payloads = _in_languages_of([user_id for user_id, _type, _payload in items], [p for _u, _t, p in items])
    delivery = Notification.Delivery.PENDING if email else Notification.Delivery.NONE
    rows = [
        Notification(user_id=user_id, type=kind, payload=payload, delivery=delivery)
        for (user_id, kind, _lazy_payload), payload in zip(items, payloads, strict=True)
    ]
    notifications = Notification.objects.bulk_create(rows)
    for notification in notifications:
        push_on_commit(notification.user_id, notification.as_message())
        if email:
            jobs.enqueue_on_commit("notifications.send", notification.pk)
    return notifications


def _in_languages_of(user_ids: list[int], payloads: list[dict]) -> list[dict]:
    """The payloads with their lazy texts rendered in each recipient's language (one query for all)."""
    lazy = {user_id for user_id, payload in zip(user_ids, payloads, strict=True) if _has_lazy(payload)}
    if not lazy:
        return payloads
    languages = dict(get_user_model().objects.filter(pk__in=lazy).values_list("pk", "language"))
    by_language: dict[str, list[int]] = {}  # one switch of the active language per language, not per payload
    for index, user_id in enumerate(user_ids):
        if user_id in lazy:
            by_language.setdefault(languages.get(user_id) or settings.LANGUAGE_CODE, []).append(index)
    rendered = list(payloads)
    for language, indexes in by_language.items():
        with translation.override(language):
            for index in indexes:
                rendered[index] = {
                    key: str(value) if isinstance(value, Promise) else value for key, value in payloads[index].items()
                }
    return rendered


def _has_lazy(payload: dict) -> bool:
    return any(isinstance(value, Promise) for value in payload.values())


def mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the given notifications of `user` read (all unread ones when `ids` is None); returns how many changed."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        if len(ids) > 500:
            message = _("At most 500 ids at once.")
            raise InvalidInput(message, fields={"ids": [message]})
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())
