"""Account emails (verification and reset codes, the repeated sign-up notice), from templates/accounts/email/."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from bidangil.errors import Unavailable

from . import error_codes
from .models import EmailCode

logger = logging.getLogger(__name__)

TEMPLATES = {
    EmailCode.Purpose.SIGNUP: "accounts/email/verification_code",
    EmailCode.Purpose.PASSWORD_RESET: "accounts/email/password_reset_code",
}
SIGNUP_PENDING_TEMPLATE = "accounts/email/signup_pending"


def _send(*, template: str, email: str, context: dict) -> None:
    context = {"minutes": settings.VERIFICATION_CODE_TTL_SECONDS // 60, "email": email, **context}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(subject, render_to_string(f"{template}.txt", context), to=[email])
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    try:
        message.send()
    except Exception as exc:  # SMTP, socket and provider errors all mean the same to the user
        logger.warning("could not send %s email: %s", template.rsplit("/", 1)[-1], exc)
        raise Unavailable(
            _("We could not send the email right now. Please try again in a few minutes."),
            code=error_codes.EMAIL_UNAVAILABLE,
        ) from exc


def send_code_email(*, email: str, code: str, purpose: str) -> None:
    """Send a 6-digit code; raises Unavailable when the mail backend fails."""
    _send(template=TEMPLATES[purpose], email=email, context={"code": code})


def send_signup_pending_email(*, email: str) -> None:
    """Tell the mailbox that a sign-up was asked for again while its first one waits for verification."""
    _send(template=SIGNUP_PENDING_TEMPLATE, email=email, context={})
