"""Build Stripe-signed webhook deliveries the way Stripe does: `t=<ts>,v1=HMAC-SHA256(secret, "<ts>.<body>")`."""

import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings

WEBHOOK_URL = "/api/v1/payments/stripe/webhook/"


def signature_header(payload: str, secret: str | None = None, timestamp: int | None = None) -> str:
    secret = settings.STRIPE_WEBHOOK_SECRET if secret is None else secret
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_type: str, obj: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test_{secrets.token_hex(8)}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def session_event(event_type: str, payment, *, amount=None, currency=None, event_id=None, payment_status="paid"):
    return event(
        event_type,
        {
            "id": payment.session_id,
            "object": "checkout.session",
            "amount_total": payment.amount_cents if amount is None else amount,
            "currency": currency or payment.currency,
            "payment_status": payment_status,
            "payment_intent": f"pi_test_{payment.pk}",
            "metadata": {"order_number": payment.order.number, "stage": payment.stage, "payment_id": str(payment.pk)},
        },
        event_id=event_id,
    )


def post_event(client, body: dict, *, secret: str | None = None, header: str | None = None):
    payload = json.dumps(body)
    return client.generic(
        "POST",
        WEBHOOK_URL,
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header if header is not None else signature_header(payload, secret),
    )
