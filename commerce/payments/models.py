"""Payments against an order: a ledger of charges and refunds, and the Stripe events seen."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from bidangil.money import format_usd_cents
from commerce.orders.models import Order


class Payment(models.Model):
    """Ledger row: one per Checkout session, one per refund. Never a mutable 'paid' flag on the order."""

    class Stage(models.TextChoices):
        ITEMS = "items", _lazy("Items")
        DELIVERY = "delivery", _lazy("Delivery")

    class Kind(models.TextChoices):
        CHARGE = "charge", _lazy("Charge")
        REFUND = "refund", _lazy("Refund")

    class Status(models.TextChoices):
        OPEN = "open", _lazy("Open")
        PAID = "paid", _lazy("Paid")
        EXPIRED = "expired", _lazy("Expired")
        FAILED = "failed", _lazy("Failed")
        FLAGGED = "flagged", _lazy("Flagged for review")
        SUCCEEDED = "succeeded", _lazy("Refund succeeded")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHARGE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    amount_cents = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    provider = models.CharField(max_length=20)
    session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    return_url = models.URLField(
        max_length=2000, blank=True, help_text=_lazy("The client page the payer returns to from Checkout.")
    )
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    quote_version = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    flagged_reason = models.CharField(max_length=300, blank=True)
    refund_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
        help_text=_lazy("The refunded charge."),
    )
    reason = models.CharField(max_length=300, blank=True, help_text=_lazy("Why a refund was made."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.stage} {format_usd_cents(self.amount_cents)} {self.currency.upper()}"

    def checkout_return(self, outcome: str) -> str:
        """The return page with `?checkout=success` or `?checkout=cancelled`."""
        page = self.return_url or settings.CHECKOUT_RETURN_URL.format(number=self.order.number)
        return f"{page}{'&' if '?' in page else '?'}checkout={outcome}"


class StripeEvent(models.Model):
    """Webhook events seen, stored before acting so a redelivery is recognised."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"{self.type} {self.event_id}"
