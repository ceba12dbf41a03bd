from django import template

register = template.Library()


@register.filter
def krw(value):
    return "" if value is None else f"₩{value:,}"


@register.filter
def usd(value):
    return "" if value is None else f"${value / 100:,.2f}"
