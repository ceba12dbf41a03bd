"""How money reads: integer KRW and USD cents as text, for templates, admin columns, messages and emails; and
the admin's dollar input."""

from decimal import Decimal

from django import forms


def format_krw(amount: int | None) -> str:
    """63274 -> "₩63,274"; None -> ""."""
    if amount is None:
        return ""
    return f"{'-' if amount < 0 else ''}₩{abs(amount):,}"


def format_usd_cents(cents: int | None) -> str:
    """2978 -> "$29.78"; None -> ""."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


class UsdField(forms.DecimalField):
    """An admin form's US dollar amount, typed as "29.78" (a leading "$" and thousands commas are fine), shown
    and cleaned as integer cents, so staff never type cents."""

    def __init__(self, *, min_value=Decimal("0.00"), max_value=None, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, min_value=min_value, max_value=max_value, **kwargs)

    def prepare_value(self, value):
        return format_usd_cents(value).replace("$", "").replace(",", "") if isinstance(value, int) else value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("$").replace(",", "")
        return super().to_python(value)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)
