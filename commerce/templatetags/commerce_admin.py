from django import template

from commerce.shipping import documents

register = template.Library()


@register.filter
def photo_url(photo):
    """The parcel photo's signed link (the admin screens showing it are for Order staff only)."""
    return documents.photo_url(photo)
