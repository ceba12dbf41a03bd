from django import template

from commerce.conversations import documents as conversation_documents
from commerce.shipping import documents

register = template.Library()


@register.filter
def photo_url(photo):
    """The parcel photo's signed link (the admin screens showing it are for Order staff only)."""
    return documents.photo_url(photo)


@register.filter
def message_image_url(image):
    """A message image's signed link (the conversation screen is for Order staff only)."""
    return conversation_documents.image_url(image)


@register.filter
def label_url(shipment):
    """The shipment's carrier label link (the order screen is for Order staff only); None without a label."""
    return documents.label_url(shipment)
