"""Email (and SMS) fan-out of stored notifications, honouring the user's preferences."""

import contextlib
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from .models import Notification

logger = logging.getLogger(__name__)


def send_email_for(notification_id: int) -> bool:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.notify_by_email:
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
        subject = render_to_string("notifications/email/generic_subject.txt", context).strip()
        text = render_to_string("notifications/email/generic.txt", context)
        base = "notifications/email/generic"
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [notification.user.email])
    with contextlib.suppress(TemplateDoesNotExist):
        message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    message.send()
    return True
