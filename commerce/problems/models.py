"""Item problems after payment: staff found a paid item unavailable or at another price; the customer chooses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from commerce.orders.models import Order, OrderItem


class ItemProblem(models.Model):
    class Kind(models.TextChoices):
        UNAVAILABLE = "unavailable", _lazy("Item unavailable")
        PRICE_CHANGED = "price_changed", _lazy("Price changed")

    class Status(models.TextChoices):
        OPEN = "open", _lazy("Waiting for the customer")
        ANSWERED = "answered", _lazy("Answered")
        DEFAULTED = "defaulted", _lazy("Default applied")

    class Choice(models.TextChoices):
        ALTERNATIVE = "alternative", _lazy("Buy an alternative product")
        REFUND_ITEM = "refund_item", _lazy("Refund the item")
        CANCEL = "cancel", _lazy("Cancel the order with a refund")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="item_problems")
    item = models.ForeignKey(OrderItem, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    new_price_krw = models.PositiveBigIntegerField(null=True, blank=True, help_text=_lazy("The shop's new unit price."))
    note = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateTimeField(db_index=True)
    choice = models.CharField(max_length=20, choices=Choice.choices, blank=True)
    alternative_url = models.URLField(max_length=2000, blank=True)
    refund_cents = models.PositiveBigIntegerField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # One open problem per item is checked under the order's lock (MariaDB has no partial unique index).
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.item}"
