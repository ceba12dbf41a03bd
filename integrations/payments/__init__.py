"""Payment provider interface: Checkout sessions and refunds. Implementations: `stripe` and `dummy`."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

# The provider refusing or unreachable: bidangil.errors.ProviderError with code PAYMENT_PROVIDER_ERROR (HTTP 502).
PAYMENT_PROVIDER_ERROR = "payment_provider_error"


@dataclass(frozen=True)
class CheckoutLine:
    name: str
    amount_cents: int
    quantity: int = 1


@dataclass(frozen=True)
class CheckoutRequest:
    payment_id: int
    order_number: str
    stage: str
    currency: str
    lines: list[CheckoutLine]
    expires_at: datetime
    success_url: str
    cancel_url: str
    idempotency_key: str
    customer_email: str = ""
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CheckoutSession:
    session_id: str
    url: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str  # succeeded | pending | failed (Stripe's refund statuses)
    amount_cents: int


class PaymentBackend(Protocol):
    name: str

    def create_checkout_session(self, request: CheckoutRequest) -> CheckoutSession: ...

    def expire_checkout_session(self, session_id: str) -> None: ...

    def refund(
        self, *, payment_intent_id: str, amount_cents: int, idempotency_key: str, metadata: dict
    ) -> RefundResult: ...

    def parse_webhook(self, payload: bytes, signature: str | None) -> dict:
        """The verified event; raises WebhookSignatureError for a bad signature, ValueError for a bad payload."""
        ...


class WebhookSignatureError(Exception):
    """A webhook delivery whose signature does not verify."""
