"""How money reads: integer KRW and USD cents as text, for templates, admin columns, messages and emails."""


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
