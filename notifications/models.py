from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class Notification(models.Model):
    """Every message pushed to a user is stored, so nothing is lost while the socket is closed."""

    class Type(models.TextChoices):
        """The kinds of message; the same string is the `type` of the WebSocket message."""

        ORDER_STATUS = "order.status", _lazy("Order status changed")
        ORDER_PAYMENT = "order.payment", _lazy("Payment received or refunded")
        ORDER_TRACKING = "order.tracking", _lazy("Parcel tracking update")
        ORDER_MESSAGE = "order.message", _lazy("New message on an order")
        COMMENT_CREATED = "comment.created", _lazy("New comment or reply")
        AVATAR_READY = "avatar.ready", _lazy("Avatar ready")
        AVATAR_FAILED = "avatar.failed", _lazy("Avatar failed")

    class Delivery(models.TextChoices):
        NONE = "none", _lazy("Inbox only")
        PENDING = "pending", _lazy("Email / SMS to send")
        DONE = "done", _lazy("Sent")
        FAILED = "failed", _lazy("Gave up")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    type = models.CharField(max_length=40, choices=Type.choices)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Email / SMS fan-out: pending until the job has sent every channel (bidangil.claims).
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.NONE)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # Set once the email / text message was handed to the provider, so a repeated job sends nothing twice.
    emailed_at = models.DateTimeField(null=True, blank=True)
    texted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"]),
            models.Index(fields=["delivery", "created_at"]),
        ]

    def __str__(self):
        return f"{self.type} for {self.user_id}"

    def as_message(self) -> dict:
        return {**self.payload, "type": self.type, "id": self.pk, "created_at": self.created_at.isoformat()}
