"""Parcels received at the warehouse, delivery rates and shipments to the customer."""

import os
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from bidangil.money import format_usd_cents
from bidangil.storage import private_storage


class Parcel(models.Model):
    """One box leaving the Korean warehouse: the parcel of one order, or of several orders the customer asked to
    ship together (`Order.parcel`). Weight, sides and fee are empty until the warehouse records the intake."""

    weight_g = models.PositiveIntegerField(null=True, blank=True)
    length_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    billable_weight_g = models.PositiveIntegerField(null=True, blank=True)
    delivery_fee_cents = models.PositiveBigIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    consolidation_requested_at = models.DateTimeField(
        null=True, blank=True, help_text=_lazy("When the customer asked to ship several orders together.")
    )
    received_at = models.DateTimeField(null=True, blank=True, help_text=_lazy("Warehouse intake (weight and photos)."))
    storage_reminded_at = models.DateTimeField(null=True, blank=True, help_text=_lazy("Last storage reminder sent."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Parcel P{self.pk}"

    @property
    def consolidated(self) -> bool:
        return self.consolidation_requested_at is not None


def parcel_photo_path(instance, filename) -> str:
    """A random name: nothing about the order or the upload, and nothing to guess."""
    return f"parcels/{secrets.token_urlsafe(24)}{os.path.splitext(filename)[1].lower()}"


class ParcelPhoto(models.Model):
    """A warehouse photo: private to the order's customer and staff (see commerce.shipping.documents)."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=parcel_photo_path, storage=private_storage)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.image.name


class DeliveryRate(models.Model):
    """One weight band of the international delivery price list (editable by staff)."""

    country = models.CharField(max_length=2, default="US", help_text=_lazy("Destination, ISO 3166-1 alpha-2."))
    max_weight_g = models.PositiveIntegerField(help_text=_lazy("Upper bound of the band, billable grams, inclusive."))
    price_cents = models.PositiveIntegerField()

    class Meta:
        ordering = ["country", "max_weight_g"]
        constraints = [models.UniqueConstraint(fields=["country", "max_weight_g"], name="unique_delivery_band")]

    def __str__(self):
        return f"{self.country} ≤ {self.max_weight_g} g: {format_usd_cents(self.price_cents)}"


def label_path(instance, filename) -> str:
    return f"labels/{secrets.token_urlsafe(24)}.pdf"


class Shipment(models.Model):
    class Carrier(models.TextChoices):
        FEDEX = "fedex", _lazy("FedEx")

    parcel = models.OneToOneField(Parcel, on_delete=models.CASCADE, related_name="shipment")
    carrier = models.CharField(max_length=20, choices=Carrier.choices, default=Carrier.FEDEX)
    tracking_number = models.CharField(max_length=40, db_index=True)
    status_code = models.CharField(max_length=10, blank=True)
    status_description = models.CharField(max_length=200, blank=True)
    estimated_delivery_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # The carrier's label when staff booked the shipment through its API ("Create label"); private to Order staff.
    label = models.FileField(upload_to=label_path, storage=private_storage, blank=True)

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


class CustomsLine(models.Model):
    """One line of a parcel's customs declaration (commercial invoice); values in USD cents."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="customs_lines")
    item = models.ForeignKey("commerce.OrderItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.ForeignKey(
        "commerce.HsCategory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(max_length=200)
    hs_code = models.CharField(max_length=10, blank=True)
    quantity = models.PositiveIntegerField()
    unit_value_cents = models.PositiveIntegerField()
    origin_country = models.CharField(max_length=2, default="KR")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.quantity} × {self.description}"

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_value_cents
