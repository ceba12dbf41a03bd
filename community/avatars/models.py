"""Avatar generation requests, defined beside community.models and imported there."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class AvatarRequest(models.Model):
    """One quiz answer sheet sent for image generation; the result lands on CommunityProfile.avatar."""

    class Status(models.TextChoices):
        PENDING = "pending", _lazy("Pending")
        READY = "ready", _lazy("Ready")
        FAILED = "failed", _lazy("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="avatar_requests")
    species = models.CharField(max_length=20)
    answers = models.JSONField(help_text=_lazy("Four answer indexes 0-3, one per quiz question."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The generation job's claim (bidangil.claims).
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    image = models.CharField(max_length=200, blank=True, help_text=_lazy("Storage name of the generated image."))
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self):
        return f"{self.species} avatar for {self.user_id} ({self.status})"
