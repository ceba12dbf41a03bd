"""Account emails (verification and password-reset codes), rendered from templates/accounts/email/."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from bidangil.errors import DomainError

from .models import EmailCode

logger = logging.getLogger(__name__)

TEMPLATES = {
    EmailCode.Purpose.SIGNUP: "accounts/email/verification_code",
    EmailCode.Purpose.PASSWORD_RESET: "accounts/email/password_reset_code",
}


class EmailUnavailable(DomainError):
    """The mail server refused or could not be reached; the caller's transaction rolls back (HTTP 503)."""

    status_code = 503
    code = "email_unavailable"


def send_code_email(*, email: str, code: str, purpose: str) -> None:
    """Send a 6-digit code; raises EmailUnavailable when the mail backend fails."""
    template = TEMPLATES[purpose]
    context = {"code": code, "minutes": settings.VERIFICATION_CODE_TTL_SECONDS // 60, "email": email}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(subject, render_to_string(f"{template}.txt", context), to=[email])
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    try:
        message.send()
    except Exception as exc:  # SMTP, socket and provider errors all mean the same to the user
        logger.warning("could not send %s code email: %s", purpose, exc)
        raise EmailUnavailable("We could not send the email right now. Please try again in a few minutes.") from exc
