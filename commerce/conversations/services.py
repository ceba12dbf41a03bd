"""Writes of the order conversation: posting a message (with its images), marking messages read.

A message is no state change: the order keeps its status. It is appended to the order's event log (a MESSAGE
event) under the order's lock, and the other side is notified: pushed over the WebSocket to every open tab, and
emailed when they have no socket open (notifications.presence).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bidangil.errors import InvalidInput, NotFound
from bidangil.images import prepare_uploads
from commerce import error_codes, limits
from commerce.conversations.models import OrderMessage, OrderMessageImage, ReplyTemplate
from commerce.orders import pages
from commerce.orders.models import Order, OrderEvent
from commerce.orders.selectors import ORDER_STAFF_GROUP
from commerce.orders.services import lock_order, record_event
from notifications import presence
from notifications.models import Notification
from notifications.services import notify

PREVIEW_LENGTH = 200


def _clean_body(body) -> str:
    body = (body or "").strip()
    if not body:
        message = _("Write a message.")
        raise InvalidInput(message, code=error_codes.EMPTY_MESSAGE, fields={"body": [message]})
    if len(body) > limits.MESSAGE_MAX_LENGTH:
        message = _("At most %(max)s characters.") % {"max": limits.MESSAGE_MAX_LENGTH}
        raise InvalidInput(message, code=error_codes.MESSAGE_TOO_LONG, fields={"body": [message]})
    return body


def _order_staff(exclude_id: int):
    """Everyone who answers customers: active Order staff and superusers."""
    staff = Q(is_superuser=True) | Q(groups__name=ORDER_STAFF_GROUP)
    return (
        get_user_model()
        .objects.filter(staff, is_active=True)
        .exclude(pk=exclude_id)
        .distinct()
        .values_list("pk", flat=True)
    )


def _notify_recipients(order: Order, message: OrderMessage) -> None:
    preview = message.body if len(message.body) <= PREVIEW_LENGTH else message.body[: PREVIEW_LENGTH - 1] + "…"
    if message.from_staff:
        recipients = [order.user_id]
        url = f"{settings.FRONTEND_URL}/orders/{order.number}"
        title = format_lazy(_lazy("New message about your order {}"), order.number)
    else:
        recipients = list(_order_staff(exclude_id=order.user_id))
        url = settings.SITE_URL + reverse("commerce_order_conversation", args=[order.pk])
        title = format_lazy(_lazy("Customer message on order {}"), order.number)
    payload = {
        "order": order.number,
        "message_id": message.pk,
        "from": "staff" if message.from_staff else "customer",
        "title": title,
        "message": preview,
        "url": url,
    }
    for user_id in recipients:
        # Email only those with no socket open: a connected user gets the push in the page they have open.
        notify(user_id, Notification.Type.ORDER_MESSAGE, payload, email=not presence.is_connected(user_id))


def _mark_read(order_id: int, *, from_staff: bool) -> int:
    unread = OrderMessage.objects.filter(order_id=order_id, from_staff=from_staff, read_at__isnull=True)
    marked = unread.update(read_at=timezone.now())
    if marked:
        pages.changed(orders=[order_id])  # the unread counts
    return marked


def post_message(
    *, order_id: int, author, body: str, images=(), from_staff: bool, template_id: int | None = None
) -> OrderMessage:
    """A message on the order by its customer (`from_staff=False`) or by staff, with up to 5 images.

    Staff may name a reply template: its text is sent when `body` is empty. Everything is checked before anything
    is written; files written before a failure are deleted. A staff reply also marks the customer's messages read.
    """
    if template_id is not None and from_staff and not (body or "").strip():
        template = ReplyTemplate.objects.filter(pk=template_id).first()
        if template is None:
            message = _("No such reply template.")
            raise InvalidInput(message, fields={"template": [message]})
        body = template.body
    body = _clean_body(body)
    prepared = prepare_uploads(
        images,
        max_count=limits.MESSAGE_MAX_IMAGES,
        too_many=_("A message can have at most %(max)s images.") % {"max": limits.MESSAGE_MAX_IMAGES},
    )
    stored = []
    try:
        with transaction.atomic():
            order = lock_order(order_id)
            if not from_staff and order.user_id != author.pk:
                raise NotFound(_("No such order."))
            message = OrderMessage.objects.create(order=order, author=author, from_staff=from_staff, body=body)
            for upload in prepared:
                row = OrderMessageImage(message=message, width=upload.image.width, height=upload.image.height)
                row.image.save(upload.name, ContentFile(upload.image.content), save=False)
                stored.append(row.image)
                row.save()
            record_event(
                order,
                OrderEvent.Kind.MESSAGE,
                actor=author,
                data={"message": message.pk, "from": "staff" if from_staff else "customer", "images": len(stored)},
            )
            if from_staff:
                _mark_read(order.pk, from_staff=False)
            _notify_recipients(order, message)
    except BaseException:
        for field_file in stored:  # the rows are rolled back; their files must go too
            field_file.storage.delete(field_file.name)
        raise
    return message


def mark_read(*, order_id: int, by_staff: bool) -> int:
    """Mark the other side's messages on the order read; returns how many changed."""
    return _mark_read(order_id, from_staff=not by_staff)


def erase_conversations(*, user) -> None:
    """Delete the conversations on a closing customer's orders, both sides (they name the person) and their
    images; the files go on commit. The MESSAGE events stay in the order history, without the text."""
    images = OrderMessageImage.objects.filter(message__order__user=user)
    storage = OrderMessageImage._meta.get_field("image").storage
    names = list(images.values_list("image", flat=True))
    images.delete()
    OrderMessage.objects.filter(order__user=user).delete()
    pages.changed(users=[user])

    def delete_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
