from django import template

from commerce.shipping import documents

register = template.Library()


@register.filter
def krw(value):
    return "" if value is None else f"₩{value:,}"


@register.filter
def usd(value):
    return "" if value is None else f"${value / 100:,.2f}"


@register.filter
def photo_url(photo):
    """The parcel photo's signed link (the admin screens showing it are for Order staff only)."""
    return documents.photo_url(photo)
