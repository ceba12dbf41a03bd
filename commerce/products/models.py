"""Product lookups (URL -> name, price, image)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class ProductLookup(models.Model):
    """One member's request to read a product page (POST /api/v1/product-info/)."""

    class Status(models.TextChoices):
        PENDING = "pending", _lazy("Pending")
        READY = "ready", _lazy("Ready")
        FAILED = "failed", _lazy("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="product_lookups")
    url = models.URLField(max_length=2000)
    cache_key = models.CharField(max_length=300, help_text=_lazy("Normalised URL or shop:product-id."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    name = models.CharField(max_length=200, blank=True)
    price_krw = models.PositiveBigIntegerField(null=True, blank=True)
    image = models.URLField(max_length=2000, blank=True)
    error = models.CharField(max_length=200, blank=True)
    # The look-up job's claim (bidangil.claims).
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return self.name or self.url
