"""Email and SMS fan-out of stored notifications, honouring the user's preferences.

Each channel is claimed with a conditional UPDATE before sending, so a job that runs twice
(a worker killed after sending, a retry) never sends the same message twice.
"""

import contextlib
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from integrations.backends import get_backend

from .models import Notification
from .services import ORDER_TYPES

logger = logging.getLogger(__name__)


def deliver(notification_id: int) -> dict:
    """Send a notification by email and/or SMS as the user opted in; returns which channels were used."""
    return {"email": send_email_for(notification_id), "sms": send_sms_for(notification_id)}


def _claim(notification_id: int, field: str) -> bool:
    return bool(
        Notification.objects.filter(pk=notification_id, **{f"{field}__isnull": True}).update(**{field: timezone.now()})
    )


def _release(notification_id: int, field: str) -> None:
    """Give the claim back when sending failed, so the job's retry can send it."""
    Notification.objects.filter(pk=notification_id).update(**{field: None})


def send_email_for(notification_id: int) -> bool:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.notify_by_email or not notification.user.email:
        return False
    if not _claim(notification_id, "emailed_at"):
        return False
    context = {
        "user": notification.user,
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
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [notification.user.email])
    with contextlib.suppress(TemplateDoesNotExist):
        message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    try:
        message.send()
    except Exception:
        _release(notification_id, "emailed_at")
        raise
    return True


def sms_text(notification: Notification) -> str:
    payload = notification.payload
    if payload.get("message"):
        text = str(payload["message"])
    elif notification.type == "order.status" and payload.get("order"):
        text = f"Order {payload['order']} is now {str(payload.get('status', '')).replace('_', ' ')}."
    elif payload.get("order"):
        text = f"Update on order {payload['order']}."
    else:
        text = "There is an update on your account."
    return f"Bidangil: {text}"[:300]


def send_sms_for(notification_id: int) -> bool:
    """Order steps only, and only to members with a phone number who opted in to text messages."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.type not in ORDER_TYPES:
        return False
    user = notification.user
    if not user.notify_by_sms or not user.phone:
        return False
    if not _claim(notification_id, "texted_at"):
        return False
    try:
        get_backend("sms").send(user.phone, sms_text(notification))
    except Exception:
        _release(notification_id, "texted_at")
        raise
    return True
