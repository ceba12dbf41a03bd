from decimal import Decimal

import pytest

from commerce.orders import pricing
from commerce.orders.pricing import PricedItem, krw_to_cents, percent_of, quote_delivery, quote_items

RATE = Decimal("1380.00")


def test_percent_rounds_half_up_to_whole_won():
    assert percent_of(0, Decimal(4)) == 0
    assert percent_of(1, Decimal(4)) == 0  # 0.04 won
    assert percent_of(12, Decimal(4)) == 0  # 0.48
    assert percent_of(13, Decimal(4)) == 1  # 0.52
    assert percent_of(25, Decimal(2)) == 1  # exactly 0.5 -> up
    assert percent_of(75, Decimal(2)) == 2  # 1.5 -> 2
    assert percent_of(125, Decimal(2)) == 3  # 2.5 -> 3 (banker's rounding would give 2)
    assert percent_of(10**15, Decimal("4")) == 4 * 10**13


def test_krw_to_cents_rounds_half_up_to_whole_cent():
    assert krw_to_cents(0, RATE) == 0
    assert krw_to_cents(1, RATE) == 0  # 0.072 cents
    assert krw_to_cents(7, RATE) == 1  # 0.507 cents
    assert krw_to_cents(1380, RATE) == 100
    # 6.9 KRW at 1380 is exactly 0.5 cent: half-up gives 1 (banker's would give 0).
    assert krw_to_cents(69, Decimal("13800")) == 1
    assert krw_to_cents(207, Decimal("13800")) == 2  # 1.5 cents -> 2
    assert krw_to_cents(345, Decimal("13800")) == 3  # 2.5 cents -> 3
    assert krw_to_cents(10**12, RATE) == 72_463_768_116  # huge amounts stay exact


def test_krw_to_cents_rejects_a_non_positive_rate():
    with pytest.raises(ValueError):
        krw_to_cents(100, Decimal(0))


def test_quote_items_lines_and_totals():
    quote = quote_items(
        [PricedItem(1, "Tee × 2", 13_800, 2), PricedItem(2, "Cap × 1", 27_600, 1)],
        domestic_shipping_krw=3_000,
        krw_per_usd=RATE,
        agency_fee_percent=Decimal(4),
        card_fee_percent=Decimal(4),
    )
    assert quote.items_subtotal_krw == 55_200
    assert quote.domestic_shipping_krw == 3_000
    assert quote.agency_fee_krw == 2_328  # 4% of 58,200
    assert quote.card_fee_krw == 2_421  # 4% of 60,528 = 2,421.12
    assert quote.total_krw == 55_200 + 3_000 + 2_328 + 2_421
    assert [line.kind for line in quote.lines] == ["item", "item", "domestic_shipping", "agency_fee", "card_fee"]
    assert [line.amount_cents for line in quote.lines] == [2000, 2000, 217, 169, 175]
    # The USD total is the sum of the converted lines: exactly what Checkout charges.
    assert quote.total_cents == sum(line.amount_cents for line in quote.lines) == 4561


def test_quote_items_uses_settings_percentages(settings):
    settings.AGENCY_FEE_PERCENT = Decimal("10")
    settings.CARD_FEE_PERCENT = Decimal("0")
    quote = quote_items([PricedItem(1, "A", 10_000, 1)], domestic_shipping_krw=0, krw_per_usd=RATE)
    assert quote.agency_fee_krw == 1_000
    assert quote.card_fee_krw == 0
    assert [line.kind for line in quote.lines] == ["item", "agency_fee", "card_fee"]


def test_quote_items_edge_amounts():
    zero = quote_items([PricedItem(1, "Free", 0, 1)], domestic_shipping_krw=0, krw_per_usd=RATE)
    assert (zero.total_krw, zero.total_cents) == (0, 0)
    one = quote_items([PricedItem(1, "One won", 1, 1)], domestic_shipping_krw=0, krw_per_usd=RATE)
    assert (one.total_krw, one.total_cents) == (1, 0)
    huge = quote_items([PricedItem(1, "Car", 10**12, 99)], domestic_shipping_krw=10**10, krw_per_usd=RATE)
    assert huge.items_subtotal_krw == 99 * 10**12
    assert huge.total_cents > pricing.MAX_CHARGE_CENTS


def test_quote_items_rejects_negative_amounts():
    with pytest.raises(ValueError):
        quote_items([PricedItem(1, "A", -1, 1)], domestic_shipping_krw=0, krw_per_usd=RATE)
    with pytest.raises(ValueError):
        quote_items([PricedItem(1, "A", 1, 1)], domestic_shipping_krw=-5, krw_per_usd=RATE)


def test_quote_delivery_adds_the_card_fee():
    quote = quote_delivery(4_250, card_fee_percent=Decimal(4))
    assert [line.amount_cents for line in quote.lines] == [4_250, 170]
    assert quote.total_cents == 4_420
    assert quote_delivery(12, card_fee_percent=Decimal(4)).total_cents == 12  # 0.48 -> 0
    assert quote_delivery(13, card_fee_percent=Decimal(4)).total_cents == 14  # 0.52 -> 1
    with pytest.raises(ValueError):
        quote_delivery(-1)
