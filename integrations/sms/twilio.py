"""Twilio Programmable Messaging over its REST API (one form POST per message)."""

import httpx2
from django.conf import settings

from . import SMSError

TIMEOUT_SECONDS = 10


class TwilioSMSBackend:
    def __init__(self, client: httpx2.Client | None = None):
        self.client = client or httpx2.Client(timeout=TIMEOUT_SECONDS)

    def send(self, to: str, body: str) -> None:
        sid = settings.TWILIO_ACCOUNT_SID
        if not sid or not settings.TWILIO_AUTH_TOKEN or not settings.SMS_FROM:
            raise SMSError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, SMS_FROM).")
        url = f"{settings.TWILIO_API_URL.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        try:
            response = self.client.post(
                url,
                data={"To": to, "From": settings.SMS_FROM, "Body": body},
                auth=(sid, settings.TWILIO_AUTH_TOKEN),
            )
        except httpx2.HTTPError as exc:
            raise SMSError(f"Twilio unreachable: {exc.__class__.__name__}") from exc
        if response.status_code >= 400:
            try:
                detail = response.json().get("message", "")
            except ValueError:
                detail = response.text[:200]
            raise SMSError(f"Twilio answered {response.status_code}: {detail}")
