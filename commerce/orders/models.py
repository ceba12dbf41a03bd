"""Orders, their items and events. State changes happen only in commerce.orders.services."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bidangil.errors import Conflict
from commerce import error_codes, limits


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
        REQUESTED = "requested", _lazy("Requested")
        QUOTED = "quoted", _lazy("Quoted")
        ITEMS_PAID = "items_paid", _lazy("Items paid")
        PURCHASED = "purchased", _lazy("Purchased")
        DELIVERY_QUOTED = "delivery_quoted", _lazy("Delivery fee quoted")
        DELIVERY_PAID = "delivery_paid", _lazy("Delivery fee paid")
        SHIPPED = "shipped", _lazy("Shipped")
        DELIVERED = "delivered", _lazy("Delivered")
        REJECTED = "rejected", _lazy("Rejected")
        CANCELLED = "cancelled", _lazy("Cancelled")
        REFUNDED = "refunded", _lazy("Refunded")

    number = models.CharField(max_length=20, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    shipping_address = models.JSONField(help_text=_lazy("Snapshot of the address at request time."))
    exchange_rate = models.ForeignKey(ExchangeRate, on_delete=models.PROTECT, related_name="orders")
    customer_note = models.TextField(blank=True, max_length=limits.NOTE_MAX_LENGTH)

    # Quote (frozen once sent; a new quote bumps quote_version).
    quote_version = models.PositiveIntegerField(default=0)
    items_subtotal_krw = models.PositiveBigIntegerField(null=True, blank=True)
    domestic_shipping_krw = models.PositiveBigIntegerField(null=True, blank=True)
    agency_fee_krw = models.PositiveBigIntegerField(null=True, blank=True)
    card_fee_krw = models.PositiveBigIntegerField(null=True, blank=True)
    total_krw = models.PositiveBigIntegerField(null=True, blank=True)
    total_cents = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_lazy("Items stage total, USD cents.")
    )
    quote_note = models.TextField(blank=True)
    quote_lines = models.JSONField(default=list, blank=True, help_text=_lazy("Frozen quote lines (KRW and USD cents)."))
    quoted_at = models.DateTimeField(null=True, blank=True)

    delivery_fee_cents = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text=_lazy("The fee of the order's parcel (shared by the orders of a consolidated one)."),
    )
    parcel = models.ForeignKey(
        "commerce.Parcel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        related_query_name="order",
        help_text=_lazy("The warehouse parcel this order ships in; several orders share one when consolidated."),
    )
    status_reason = models.TextField(blank=True, help_text=_lazy("Why an order was rejected or cancelled."))

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # (created_at, id): the whole list newest first (the staff desk), walked from its end with no sort.
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["created_at", "id"], name="commerce_order_newest"),
        ]

    def __str__(self):
        return self.number

    @property
    def shipment(self):
        """The shipment of the order's parcel; ObjectDoesNotExist while there is none (like a reverse one-to-one)."""
        if self.parcel is None:
            raise ObjectDoesNotExist("The order has no parcel yet.")
        return self.parcel.shipment

    def require_status(self, *statuses: str) -> None:
        if self.status not in statuses:
            allowed = ", ".join(self.Status(s).label.lower() for s in statuses)
            raise Conflict(
                _("Order %(number)s is %(status)s; this needs it to be %(allowed)s.")
                % {"number": self.number, "status": self.get_status_display().lower(), "allowed": allowed},
                code=error_codes.ORDER_CONFLICT,
            )


class OrderItem(models.Model):
    class NameStatus(models.TextChoices):
        PENDING = "pending", _lazy("Pending")
        READY = "ready", _lazy("Ready")
        FAILED = "failed", _lazy("Failed")

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
        REQUESTED = "requested", _lazy("Order requested")
        QUOTED = "quoted", _lazy("Quote sent")
        REJECTED = "rejected", _lazy("Rejected")
        CHECKOUT_OPENED = "checkout_opened", _lazy("Checkout opened")
        ITEMS_PAID = "items_paid", _lazy("Items paid")
        PAYMENT_FAILED = "payment_failed", _lazy("Payment failed")
        PAYMENT_EXPIRED = "payment_expired", _lazy("Checkout expired")
        PAYMENT_FLAGGED = "payment_flagged", _lazy("Payment flagged for review")
        PURCHASED = "purchased", _lazy("Items purchased")
        CONSOLIDATION_REQUESTED = "consolidation_requested", _lazy("Consolidation requested")
        PARCEL_SPLIT = "parcel_split", _lazy("Consolidated parcel split")
        INTAKE = "intake", _lazy("Parcel received at warehouse")
        STORAGE_REMINDER = "storage_reminder", _lazy("Storage reminder sent")
        DELIVERY_PAID = "delivery_paid", _lazy("Delivery fee paid")
        SHIPPED = "shipped", _lazy("Shipped")
        SCAN = "scan", _lazy("Carrier scan")
        CARRIER_EXCEPTION = "carrier_exception", _lazy("Carrier exception")
        DELIVERED = "delivered", _lazy("Delivered")
        CANCELLED = "cancelled", _lazy("Cancelled")
        REFUNDED = "refunded", _lazy("Refunded")
        REFUND_ISSUED = "refund_issued", _lazy("Refund issued")
        NOTE = "note", _lazy("Staff note")
        MESSAGE = "message", _lazy("Message")
        ITEM_PROBLEM = "item_problem", _lazy("Item problem reported")
        ITEM_PROBLEM_ANSWERED = "item_problem_answered", _lazy("Item problem resolved")
        ACCOUNT_CLOSED = "account_closed", _lazy("Customer closed their account")

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


class OrderStatusCount(models.Model):
    """How many orders are in each status: the staff order list's total without a COUNT over the order table.

    Kept by commerce.orders.services in the transaction of each write (create_order, transition);
    `manage.py rebuild_counts` recounts it from the orders."""

    status = models.CharField(max_length=20, choices=Order.Status.choices, unique=True)
    count = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.status}: {self.count}"


class RestrictedItemRule(models.Model):
    """A keyword that flags an order item for staff review when quoting (e.g. 'battery', 'knife'), and optionally
    an HS chapter that flags every item whose category (or customs line) falls in it (e.g. 93, arms)."""

    keyword = models.CharField(max_length=100, unique=True)
    reason = models.CharField(max_length=200)
    hs_chapter = models.CharField(
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^\d{2}$", _lazy("Two digits, the first two of the HS code."))],
        help_text=_lazy("Optional: the first two digits of the HS codes this rule also restricts."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["keyword"]

    def __str__(self):
        return self.keyword


HS_CODE_PATTERN = r"^\d{6}(\d{2}){0,2}$"  # 6, 8 or 10 digits (dots and spaces are dropped first)


class HsCategory(models.Model):
    """A product category and its Harmonized System code: suggests the customs line of items that mention one of
    its keywords (editable by staff)."""

    name = models.CharField(max_length=100, unique=True)
    keywords = models.CharField(
        max_length=500, help_text=_lazy("Comma-separated words found in item names or URLs, e.g. 'serum, toner'.")
    )
    description = models.CharField(max_length=200, help_text=_lazy("English description for customs papers."))
    hs_code = models.CharField(
        max_length=10,
        validators=[RegexValidator(HS_CODE_PATTERN, _lazy("6, 8 or 10 digits."))],
        help_text=_lazy("6, 8 or 10 digits, without dots."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _lazy("HS code category")
        verbose_name_plural = _lazy("HS code categories")

    def __str__(self):
        return f"{self.name} ({self.hs_code})"

    def keyword_list(self) -> list[str]:
        return [word.strip().casefold() for word in self.keywords.split(",") if word.strip()]
