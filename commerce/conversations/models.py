"""The conversation on an order: messages between the customer and staff, their images, staff reply templates."""

import os
import secrets

from django.conf import settings
from django.db import models

from bidangil.storage import private_storage
from commerce import limits
from commerce.orders.models import Order


class OrderMessage(models.Model):
    """One message on an order, by the customer or by staff. `read_at` is when the other side read it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    from_staff = models.BooleanField()
    body = models.TextField(max_length=limits.MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "from_staff", "read_at"])]

    def __str__(self):
        return f"{'Staff' if self.from_staff else 'Customer'} on {self.order_id}: {self.body[:40]}"


def message_image_path(instance, filename) -> str:
    """A random name: nothing about the order or the upload, and nothing to guess."""
    return f"messages/{secrets.token_urlsafe(24)}{os.path.splitext(filename)[1].lower()}"


class OrderMessageImage(models.Model):
    """An image attached to a message: private to the order's customer and staff (commerce.conversations.documents)."""

    message = models.ForeignKey(OrderMessage, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=message_image_path, storage=private_storage)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.image.name


class ReplyTemplate(models.Model):
    """A reusable staff reply (a Wagtail snippet), picked when writing to a customer."""

    title = models.CharField(max_length=100, unique=True)
    body = models.TextField(max_length=limits.MESSAGE_MAX_LENGTH)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title
