"""Offline payments: a local Checkout page whose Pay button sends a signed webhook to ourselves."""

import secrets
import time

import stripe
from django.conf import settings
from django.urls import reverse

from . import CheckoutRequest, CheckoutSession, RefundResult
from .stripe import parse_webhook


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header for `payload`, computed the way Stripe signs webhooks."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return f"t={timestamp},v1={signature}"


class DummyPaymentBackend:
    name = "dummy"
    # Its page signs deliveries the way Stripe does (signature_header), so they verify the same way.
    parse_webhook = staticmethod(parse_webhook)

    def __init__(self):
        self._refunds: dict[str, RefundResult] = {}

    def create_checkout_session(self, request: CheckoutRequest) -> CheckoutSession:
        session_id = f"cs_dummy_{secrets.token_hex(12)}"
        url = settings.SITE_URL + reverse("dummy_checkout", args=[session_id])
        return CheckoutSession(session_id=session_id, url=url, expires_at=request.expires_at)

    def expire_checkout_session(self, session_id: str) -> None:
        """Nothing to tell: the local page checks the Payment row before paying."""

    def refund(
        self, *, payment_intent_id: str, amount_cents: int, idempotency_key: str, metadata: dict
    ) -> RefundResult:
        # Same key, same refund, like the real provider.
        if idempotency_key not in self._refunds:
            self._refunds[idempotency_key] = RefundResult(
                refund_id=f"re_dummy_{secrets.token_hex(12)}", status="succeeded", amount_cents=amount_cents
            )
        return self._refunds[idempotency_key]
