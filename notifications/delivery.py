"""Email and SMS fan-out of stored notifications, honouring the user's preferences.

`notify(..., email=True)` leaves the notification `delivery=pending`; the job claims it (bidangil.claims),
sends each channel and marks it sent only after the provider took it, in the transaction that checks the
claim is still held. A worker killed mid-send leaves a claim that expires; the sweep enqueues the job again,
and channels already marked sent are not sent twice.
"""

import contextlib
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.language import in_language_of
from bidangil import claims, jobs
from commerce.orders.models import Order
from integrations.backends import get_backend

from .models import Notification
from .services import ORDER_TYPES

logger = logging.getLogger(__name__)

# A provider failing this many runs in a row (Huey's retries and the sweep's) ends with delivery=failed.
MAX_ATTEMPTS = 6
SWEEP_BATCH = 5000


@jobs.retry(times=3, delay=30)
def deliver(notification_id: int) -> dict:
    """Send a pending notification by email and/or SMS as the user opted in; returns which channels were sent."""
    pending = Notification.objects.filter(pk=notification_id, delivery=Notification.Delivery.PENDING)
    token = claims.take(pending, seconds=settings.JOB_CLAIM_SECONDS)
    if token is None:
        return {"email": False, "sms": False}  # sent already, or another run holds it
    mine = claims.held(Notification.objects.filter(pk=notification_id), token)
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    try:
        with in_language_of(notification.user):
            sent = {"email": _send_email(notification, mine), "sms": _send_sms(notification, mine)}
    except Exception:
        claims.release(mine, token)
        raise
    mine.update(delivery=Notification.Delivery.DONE, claim_token="", claimed_until=None)
    return sent


def _mark_sent(mine, field: str, send) -> None:
    """Send, then mark the channel sent while still holding the claim, in one transaction.

    A backend that writes to the database (an outbox) commits with the mark or not at all; for SMTP and
    SMS the only repeat left is a worker killed between the provider's answer and this commit.
    """
    with transaction.atomic():
        send()
        if not mine.filter(**{f"{field}__isnull": True}).update(**{field: timezone.now()}):
            raise claims.ClaimLost(f"notification {field}: the claim expired and was taken over")


def _send_email(notification: Notification, mine) -> bool:
    user = notification.user
    if notification.emailed_at or not user.notify_by_email or not user.email:
        return False
    context = {
        "user": user,
        "notification": notification,
        "payload": notification.payload,
        "site_url": settings.SITE_URL,
        "frontend_url": settings.FRONTEND_URL,
    }
    base = f"notifications/email/{notification.type.replace('.', '_')}"
    try:
        subject = render_to_string(f"{base}_subject.txt", context).strip()
        text = render_to_string(f"{base}.txt", context)
    except TemplateDoesNotExist:
        base = "notifications/email/generic"
        subject = render_to_string(f"{base}_subject.txt", context).strip()
        text = render_to_string(f"{base}.txt", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    with contextlib.suppress(TemplateDoesNotExist):
        message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    _mark_sent(mine, "emailed_at", message.send)
    return True


@jobs.pending("notifications", job="notifications.send")
def stalled_ids(now=None) -> list[int]:
    """Pending notifications whose job died or was lost: give up on those out of attempts, return the others."""
    now = now or timezone.now()
    stalled = claims.stalled(
        Notification.objects.filter(delivery=Notification.Delivery.PENDING),
        now,
    )
    given_up = stalled.filter(attempts__gte=MAX_ATTEMPTS).update(delivery=Notification.Delivery.FAILED)
    if given_up:
        logger.warning("%d notifications not sent after %d attempts", given_up, MAX_ATTEMPTS)
    return list(stalled.order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])


def sms_text(notification: Notification) -> str:
    """The text message, in the active language (the recipient's, in deliver())."""
    payload = notification.payload
    if payload.get("message"):
        text = str(payload["message"])
    elif notification.type == Notification.Type.ORDER_STATUS and payload.get("order"):
        status = Order.Status(payload["status"]).label.lower() if payload.get("status") in Order.Status.values else ""
        text = _("Order %(order)s is now %(status)s.") % {"order": payload["order"], "status": status}
    elif payload.get("order"):
        text = _("Update on order %(order)s.") % {"order": payload["order"]}
    else:
        text = _("There is an update on your account.")
    return (_("Bidangil: %(text)s") % {"text": text})[:300]


def _send_sms(notification: Notification, mine) -> bool:
    """Order steps only, and only to members with a phone number who opted in to text messages."""
    user = notification.user
    if notification.texted_at or notification.type not in ORDER_TYPES or not user.notify_by_sms or not user.phone:
        return False
    _mark_sent(mine, "texted_at", lambda: get_backend("sms").send(user.phone, sms_text(notification)))
    return True
