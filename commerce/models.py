"""Orders and everything that hangs off them. State changes happen only in commerce.services."""

import os
import secrets

from django.conf import settings
from django.db import models

from bidangil.errors import DomainError
from bidangil.storage import private_storage


class OrderConflict(DomainError):
    code = "order_conflict"


class ExchangeRate(models.Model):
    """KRW per 1 USD, captured from the exchange-rate backend."""

    krw_per_usd = models.DecimalField(max_digits=12, decimal_places=4)
    source = models.CharField(max_length=50)
    captured_at = models.DateTimeField()

    class Meta:
        get_latest_by = "captured_at"

    def __str__(self):
        return f"{self.krw_per_usd} KRW/USD ({self.source}, {self.captured_at:%Y-%m-%d %H:%M})"


class Order(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        QUOTED = "quoted", "Quoted"
        ITEMS_PAID = "items_paid", "Items paid"
        PURCHASED = "purchased", "Purchased"
        DELIVERY_QUOTED = "delivery_quoted", "Delivery fee quoted"
        DELIVERY_PAID = "delivery_paid", "Delivery fee paid"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    number = models.CharField(max_length=20, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    shipping_address = models.JSONField(help_text="Snapshot of the address at request time.")
    exchange_rate = models.ForeignKey(ExchangeRate, on_delete=models.PROTECT, related_name="orders")
    customer_note = models.TextField(blank=True, max_length=2000)

    # Quote (frozen once sent; a new quote bumps quote_version).
    quote_version = models.PositiveIntegerField(default=0)
    items_subtotal_krw = models.PositiveBigIntegerField(null=True, blank=True)
    domestic_shipping_krw = models.PositiveBigIntegerField(null=True, blank=True)
    agency_fee_krw = models.PositiveBigIntegerField(null=True, blank=True)
    card_fee_krw = models.PositiveBigIntegerField(null=True, blank=True)
    total_krw = models.PositiveBigIntegerField(null=True, blank=True)
    total_cents = models.PositiveBigIntegerField(null=True, blank=True, help_text="Items stage total, USD cents.")
    quote_note = models.TextField(blank=True)
    quote_lines = models.JSONField(default=list, blank=True, help_text="Frozen quote lines (KRW and USD cents).")
    quoted_at = models.DateTimeField(null=True, blank=True)

    delivery_fee_cents = models.PositiveBigIntegerField(null=True, blank=True)
    status_reason = models.TextField(blank=True, help_text="Why an order was rejected or cancelled.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        return self.number

    def require_status(self, *statuses: str) -> None:
        if self.status not in statuses:
            allowed = ", ".join(self.Status(s).label.lower() for s in statuses)
            raise OrderConflict(
                f"Order {self.number} is {self.get_status_display().lower()}; this needs it to be {allowed}."
            )


class OrderItem(models.Model):
    class NameStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.URLField(max_length=2000)
    quantity = models.PositiveSmallIntegerField(default=1)
    options = models.CharField(max_length=500, blank=True)
    note = models.CharField(max_length=500, blank=True)
    name = models.CharField(max_length=200, blank=True)
    name_status = models.CharField(max_length=10, choices=NameStatus.choices, default=NameStatus.PENDING)
    # The name look-up job's claim on this item (bidangil.claims).
    name_claim_token = models.CharField(max_length=32, blank=True, editable=False)
    name_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    name_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    unit_price_krw = models.PositiveBigIntegerField(null=True, blank=True)
    restricted = models.BooleanField(default=False)
    restricted_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name or self.url

    @property
    def line_total_krw(self) -> int | None:
        return None if self.unit_price_krw is None else self.unit_price_krw * self.quantity


class OrderEvent(models.Model):
    class Kind(models.TextChoices):
        REQUESTED = "requested", "Order requested"
        QUOTED = "quoted", "Quote sent"
        REJECTED = "rejected", "Rejected"
        CHECKOUT_OPENED = "checkout_opened", "Checkout opened"
        ITEMS_PAID = "items_paid", "Items paid"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        PAYMENT_EXPIRED = "payment_expired", "Checkout expired"
        PAYMENT_FLAGGED = "payment_flagged", "Payment flagged for review"
        PURCHASED = "purchased", "Items purchased"
        INTAKE = "intake", "Parcel received at warehouse"
        DELIVERY_PAID = "delivery_paid", "Delivery fee paid"
        SHIPPED = "shipped", "Shipped"
        SCAN = "scan", "Carrier scan"
        CARRIER_EXCEPTION = "carrier_exception", "Carrier exception"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        REFUND_ISSUED = "refund_issued", "Refund issued"
        NOTE = "note", "Staff note"
        ACCOUNT_CLOSED = "account_closed", "Customer closed their account"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "created_at"]), models.Index(fields=["kind", "-created_at"])]

    def __str__(self):
        return f"{self.order_id}: {self.get_kind_display()}"


class Payment(models.Model):
    """Ledger row: one per Checkout session, one per refund. Never a mutable 'paid' flag on the order."""

    class Stage(models.TextChoices):
        ITEMS = "items", "Items"
        DELIVERY = "delivery", "Delivery"

    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        REFUND = "refund", "Refund"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PAID = "paid", "Paid"
        EXPIRED = "expired", "Expired"
        FAILED = "failed", "Failed"
        FLAGGED = "flagged", "Flagged for review"
        SUCCEEDED = "succeeded", "Refund succeeded"

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
        help_text="The refunded charge.",
    )
    reason = models.CharField(max_length=300, blank=True, help_text="Why a refund was made.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.stage} {self.amount_cents / 100:.2f} {self.currency.upper()}"


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


class Parcel(models.Model):
    """What the Korean warehouse received for an order."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="parcel")
    weight_g = models.PositiveIntegerField()
    length_cm = models.DecimalField(max_digits=6, decimal_places=1)
    width_cm = models.DecimalField(max_digits=6, decimal_places=1)
    height_cm = models.DecimalField(max_digits=6, decimal_places=1)
    billable_weight_g = models.PositiveIntegerField()
    delivery_fee_cents = models.PositiveBigIntegerField()
    notes = models.TextField(blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Parcel for {self.order}"


def parcel_photo_path(instance, filename) -> str:
    """A random name: nothing about the order or the upload, and nothing to guess."""
    return f"parcels/{secrets.token_urlsafe(24)}{os.path.splitext(filename)[1].lower()}"


class ParcelPhoto(models.Model):
    """A warehouse photo: private to the order's customer and staff (see commerce.documents)."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=parcel_photo_path, storage=private_storage)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.image.name


class DeliveryRate(models.Model):
    """One weight band of the international delivery price list (editable by staff)."""

    country = models.CharField(max_length=2, default="US", help_text="Destination, ISO 3166-1 alpha-2.")
    max_weight_g = models.PositiveIntegerField(help_text="Upper bound of the band, billable grams, inclusive.")
    price_cents = models.PositiveIntegerField()

    class Meta:
        ordering = ["country", "max_weight_g"]
        constraints = [models.UniqueConstraint(fields=["country", "max_weight_g"], name="unique_delivery_band")]

    def __str__(self):
        return f"{self.country} ≤ {self.max_weight_g} g: ${self.price_cents / 100:.2f}"


class Shipment(models.Model):
    class Carrier(models.TextChoices):
        FEDEX = "fedex", "FedEx"

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="shipment")
    carrier = models.CharField(max_length=20, choices=Carrier.choices, default=Carrier.FEDEX)
    tracking_number = models.CharField(max_length=40, db_index=True)
    status_code = models.CharField(max_length=10, blank=True)
    status_description = models.CharField(max_length=200, blank=True)
    estimated_delivery_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.get_carrier_display()} {self.tracking_number}"


class ShipmentEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    code = models.CharField(max_length=10)
    description = models.CharField(max_length=200)
    location = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["shipment", "occurred_at", "code"], name="unique_shipment_scan")]

    def __str__(self):
        return f"{self.code} {self.description} @ {self.occurred_at}"


class RestrictedItemRule(models.Model):
    """A keyword that flags an order item for staff review when quoting (e.g. 'battery', 'knife')."""

    keyword = models.CharField(max_length=100, unique=True)
    reason = models.CharField(max_length=200)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["keyword"]

    def __str__(self):
        return self.keyword


from .product_models import *  # noqa: E402, F403
