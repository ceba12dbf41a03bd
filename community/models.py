from django.conf import settings
from django.db import models


class CommunityProfile(models.Model):
    """A member's public face: created with the account at sign-up."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    nickname = models.CharField(max_length=16)
    # Case-folded nickname: uniqueness that behaves the same on SQLite, MySQL and MariaDB.
    nickname_key = models.CharField(max_length=16, unique=True, editable=False)
    region_state = models.CharField(max_length=2, blank=True)
    region_county = models.CharField(max_length=60, blank=True)
    bio = models.CharField(max_length=300, blank=True)
    avatar = models.ImageField(upload_to="profiles/", blank=True)
    is_banned = models.BooleanField(default=False, help_text="Banned members cannot post, comment or connect.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.nickname

    @property
    def region(self) -> str:
        return f"{self.region_county}, {self.region_state}" if self.region_county and self.region_state else ""
from .avatar_models import *  # noqa: E402, F403
