import io

import pytest

from accounts import demo as accounts_demo
from commerce import demo
from commerce.orders.models import Order, RestrictedItemRule

pytestmark = pytest.mark.django_db


def test_demo_orders_in_several_states_and_idempotent():
    accounts_demo.load(io.StringIO())
    demo.load(io.StringIO())
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {"requested", "quoted", "items_paid", "purchased"} <= statuses
    assert RestrictedItemRule.objects.filter(keyword="battery").exists()
    assert Order.objects.filter(items__restricted=True).exists()
    count = Order.objects.count()
    demo.load(io.StringIO())
    assert Order.objects.count() == count == 5
