"""Every amount a customer pays is computed here, and only here.

Rounding rule (one rule, applied at two places):
- a percentage of a KRW amount is rounded half-up to whole won;
- a KRW amount converted to USD is rounded half-up to whole cents, per quote line.
The USD total is the sum of the converted lines, so it always equals what the Checkout session
charges (Stripe adds up the line items). The KRW total is the sum of the KRW lines.

Agency fee: AGENCY_FEE_PERCENT of (items subtotal + Korean domestic shipping).
Card fee: CARD_FEE_PERCENT of everything else charged (items + shipping + agency fee), because the
card processor takes its cut of the whole payment. The delivery stage charges the delivery fee
plus the card fee on it.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

# Stripe accepts at most 99,999,999 in the smallest unit and at least $0.50 for USD.
MIN_CHARGE_CENTS = 50
MAX_CHARGE_CENTS = 99_999_999


def percent_of(amount: int, percent: Decimal) -> int:
    """`percent` % of an integer amount, rounded half-up to a whole unit."""
    return int((Decimal(amount) * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def krw_to_cents(amount_krw: int, krw_per_usd: Decimal) -> int:
    """Whole won -> whole US cents at the given rate, rounded half-up."""
    if krw_per_usd <= 0:
        raise ValueError("The exchange rate must be positive.")
    return int((Decimal(amount_krw) * 100 / Decimal(krw_per_usd)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cents_to_krw(amount_cents: int, krw_per_usd: Decimal) -> int:
    """Whole US cents -> whole won at the given rate, rounded half-up (for showing USD amounts in KRW)."""
    return int((Decimal(amount_cents) * Decimal(krw_per_usd) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class QuoteLine:
    """One line of a quote: what it is, its KRW amount and its USD cents."""

    kind: str  # item | domestic_shipping | agency_fee | card_fee | delivery_fee
    label: str
    amount_krw: int | None
    amount_cents: int
    item_id: int | None = None


@dataclass(frozen=True)
class Quote:
    lines: list[QuoteLine] = field(default_factory=list)
    items_subtotal_krw: int = 0
    domestic_shipping_krw: int = 0
    agency_fee_krw: int = 0
    card_fee_krw: int = 0
    total_krw: int = 0
    total_cents: int = 0


@dataclass(frozen=True)
class PricedItem:
    item_id: int | None
    label: str
    unit_price_krw: int
    quantity: int


def quote_items(
    items: list[PricedItem],
    *,
    domestic_shipping_krw: int,
    krw_per_usd: Decimal,
    agency_fee_percent: Decimal | None = None,
    card_fee_percent: Decimal | None = None,
) -> Quote:
    """The items-stage quote: product lines, domestic shipping, agency fee and card fee, in KRW and USD cents."""
    agency_pct = settings.AGENCY_FEE_PERCENT if agency_fee_percent is None else agency_fee_percent
    card_pct = settings.CARD_FEE_PERCENT if card_fee_percent is None else card_fee_percent
    if any(item.unit_price_krw < 0 or item.quantity < 1 for item in items) or domestic_shipping_krw < 0:
        raise ValueError("Prices must not be negative and quantities must be at least 1.")

    lines = []
    subtotal = 0
    for item in items:
        line_krw = item.unit_price_krw * item.quantity
        subtotal += line_krw
        lines.append(QuoteLine("item", item.label, line_krw, krw_to_cents(line_krw, krw_per_usd), item.item_id))
    if domestic_shipping_krw:
        lines.append(
            QuoteLine(
                "domestic_shipping",
                "Domestic shipping (Korea)",
                domestic_shipping_krw,
                krw_to_cents(domestic_shipping_krw, krw_per_usd),
            )
        )
    agency_fee = percent_of(subtotal + domestic_shipping_krw, agency_pct)
    lines.append(
        QuoteLine("agency_fee", f"Agency fee {agency_pct}%", agency_fee, krw_to_cents(agency_fee, krw_per_usd))
    )
    card_fee = percent_of(subtotal + domestic_shipping_krw + agency_fee, card_pct)
    lines.append(QuoteLine("card_fee", f"Card fee {card_pct}%", card_fee, krw_to_cents(card_fee, krw_per_usd)))
    return Quote(
        lines=lines,
        items_subtotal_krw=subtotal,
        domestic_shipping_krw=domestic_shipping_krw,
        agency_fee_krw=agency_fee,
        card_fee_krw=card_fee,
        total_krw=subtotal + domestic_shipping_krw + agency_fee + card_fee,
        total_cents=sum(line.amount_cents for line in lines),
    )


def quote_delivery(delivery_fee_cents: int, *, card_fee_percent: Decimal | None = None) -> Quote:
    """The delivery-stage charge: the international delivery fee plus the card fee on it (USD cents only)."""
    card_pct = settings.CARD_FEE_PERCENT if card_fee_percent is None else card_fee_percent
    if delivery_fee_cents < 0:
        raise ValueError("The delivery fee must not be negative.")
    card_fee = percent_of(delivery_fee_cents, card_pct)
    lines = [
        QuoteLine("delivery_fee", "International delivery", None, delivery_fee_cents),
        QuoteLine("card_fee", f"Card fee {card_pct}%", None, card_fee),
    ]
    return Quote(lines=lines, total_cents=delivery_fee_cents + card_fee)
