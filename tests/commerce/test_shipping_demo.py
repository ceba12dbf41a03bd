from io import StringIO

import pytest

from commerce.shipping import demo as shipping_demo
from commerce.shipping import services as shipping
from commerce.shipping.models import DeliveryRate

pytestmark = pytest.mark.django_db


def test_demo_rates_load_once_and_price_parcels():
    shipping_demo.load(StringIO())
    count = DeliveryRate.objects.count()
    out = StringIO()
    shipping_demo.load(out)
    assert DeliveryRate.objects.count() == count > 0
    assert "0 bands added" in out.getvalue()
    assert shipping.delivery_fee_cents("US", 1800) == 3900
    assert {"US", "CA", "GB", "AU", "JP"} <= set(DeliveryRate.objects.values_list("country", flat=True))
