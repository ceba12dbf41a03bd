"""`{% load money %}`: `{{ amount_krw|krw }}`, `{{ amount_cents|usd }}`."""

from django import template

from bidangil.money import format_krw, format_usd_cents

register = template.Library()
register.filter("krw", format_krw)
register.filter("usd", format_usd_cents)
