from decimal import Decimal

import pytest

from bidangil.errors import InvalidInput
from commerce.shipping import services as shipping
from commerce.shipping.models import DeliveryRate
from tests.commerce.factories import us_rates

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("dims", "expected_g"),
    [
        (("10", "10", "10"), 200),  # 1000 cm³ / 5
        (("50", "40", "30"), 12000),  # 60000 cm³ / 5000 = 12 kg
        (("10.5", "10.1", "10.1"), 215),  # 1071.105 / 5 = 214.221 → rounded up
        (("1", "1", "1"), 1),  # 0.2 g → 1 g
    ],
)
def test_volumetric_weight_rounds_up_to_the_gram(dims, expected_g):
    assert shipping.volumetric_weight_g(*(Decimal(d) for d in dims)) == expected_g


@pytest.mark.parametrize(
    ("weight_g", "dims", "billable"),
    [
        (3000, ("10", "10", "10"), 3000),  # dense: actual wins
        (800, ("50", "40", "30"), 12000),  # bulky: volumetric wins
        (12000, ("50", "40", "30"), 12000),  # equal
    ],
)
def test_billable_weight_is_the_larger(weight_g, dims, billable):
    assert shipping.billable_weight_g(weight_g, *(Decimal(d) for d in dims)) == billable


@pytest.mark.parametrize(
    ("billable", "cents"),
    [
        (1, 1500),
        (500, 1500),  # band bound is inclusive
        (501, 2200),
        (1000, 2200),
        (1999, 3200),
        (4999, 5900),
        (10001, 21000),
        (30000, 21000),
    ],
)
def test_fee_is_the_lightest_band_that_covers_the_weight(billable, cents):
    us_rates()
    DeliveryRate.objects.create(country="CA", max_weight_g=1000, price_cents=9999)  # other countries ignored
    assert shipping.delivery_fee_cents("US", billable) == cents
    assert shipping.delivery_fee_cents("us", billable) == cents  # country codes are case-insensitive


def test_heavier_than_the_last_band_is_a_clear_error():
    us_rates()
    with pytest.raises(InvalidInput, match="No delivery rate to US covers 30001 g"):
        shipping.delivery_fee_cents("US", 30001)


def test_country_without_rates_is_a_clear_error():
    us_rates()
    with pytest.raises(InvalidInput, match="no delivery rates for KR"):
        shipping.delivery_fee_cents("KR", 100)
