"""Stripe Checkout through the official SDK's StripeClient."""

import json
import logging
from datetime import UTC, datetime

import stripe
from django.conf import settings

from bidangil.errors import ProviderError

from . import PAYMENT_PROVIDER_ERROR, CheckoutRequest, CheckoutSession, RefundResult, WebhookSignatureError

logger = logging.getLogger(__name__)


def parse_webhook(payload: bytes, signature: str | None) -> dict:
    """Verify a Stripe-signed delivery against STRIPE_WEBHOOK_SECRET and return the event as sent."""
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except stripe.SignatureVerificationError as exc:
        raise WebhookSignatureError(str(exc)) from exc
    return json.loads(payload)


class StripePaymentBackend:
    name = "stripe"
    parse_webhook = staticmethod(parse_webhook)

    def __init__(self):
        options = {}
        if settings.STRIPE_API_BASE:
            # Lets tests and staging point the SDK at a local fake server.
            options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            http_client=stripe.RequestsClient(timeout=20),
            max_network_retries=2,  # safe: every write carries an idempotency key
            **options,
        )

    def create_checkout_session(self, request: CheckoutRequest) -> CheckoutSession:
        metadata = {
            "order_number": request.order_number,
            "stage": request.stage,
            "payment_id": str(request.payment_id),
            **request.metadata,
        }
        params = {
            "mode": "payment",
            "currency": request.currency,
            "line_items": [
                {
                    "quantity": line.quantity,
                    "price_data": {
                        "currency": request.currency,
                        "unit_amount": line.amount_cents,
                        "product_data": {"name": line.name[:250] or "Item"},
                    },
                }
                for line in request.lines
                if line.amount_cents > 0  # Checkout rejects zero-priced lines
            ],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "client_reference_id": request.order_number,
            "expires_at": int(request.expires_at.timestamp()),
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as exc:
            logger.warning("Stripe checkout session failed for %s: %s", request.order_number, exc)
            raise ProviderError(
                f"The payment provider refused the checkout: {exc.user_message or exc}", code=PAYMENT_PROVIDER_ERROR
            ) from exc
        expires_at = getattr(session, "expires_at", None)
        expires_at = datetime.fromtimestamp(expires_at, tz=UTC) if expires_at else None
        return CheckoutSession(session_id=session.id, url=session.url, expires_at=expires_at)

    def expire_checkout_session(self, session_id: str) -> None:
        try:
            self.client.v1.checkout.sessions.expire(session_id)
        except stripe.StripeError as exc:
            raise ProviderError(f"Could not expire the checkout session: {exc}", code=PAYMENT_PROVIDER_ERROR) from exc

    def refund(
        self, *, payment_intent_id: str, amount_cents: int, idempotency_key: str, metadata: dict
    ) -> RefundResult:
        try:
            refund = self.client.v1.refunds.create(
                params={
                    "payment_intent": payment_intent_id,
                    "amount": amount_cents,
                    "metadata": {key: str(value) for key, value in metadata.items()},
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            logger.warning("Stripe refund failed for %s: %s", payment_intent_id, exc)
            raise ProviderError(
                f"The payment provider refused the refund: {exc.user_message or exc}", code=PAYMENT_PROVIDER_ERROR
            ) from exc
        return RefundResult(refund_id=refund.id, status=refund.status, amount_cents=refund.amount)
