"""profile_info for orders shipped together: each order shows its own five steps and the one delivery payment."""

import pytest

from commerce.orders import services
from commerce.orders.models import Order
from commerce.shipping import services as shipping
from tests.accounts.factories import OrderStaffFactory
from tests.commerce.factories import us_rates

from .test_orders import order_form, pay_through_dummy_checkout, profile_orders, steps_done

pytestmark = pytest.mark.django_db


def test_consolidated_orders_keep_their_five_steps_in_profile_info(member_browser):
    staff = OrderStaffFactory()
    orders = []
    for _ in range(2):
        order = Order.objects.get(pk=member_browser.post("/api/submit_order/", order_form()).json()["order_id"])
        items = [{"id": item.pk, "unit_price_krw": 69_000} for item in order.items.all()]
        services.quote_order(order_id=order.pk, actor=staff, items=items, domestic_shipping_krw=3_000)
        data = next(row for row in profile_orders(member_browser) if row["id"] == order.pk)
        pay_through_dummy_checkout(member_browser, data["Payment"]["stripe_item_url"])
        services.mark_purchased(order_id=order.pk, actor=staff)
        orders.append(order)
    first, second = orders
    us_rates()
    shipping.request_consolidation(user=member_browser.user, order_numbers=[first.number, second.number])
    shipping.record_intake(order_id=first.pk, actor=staff, weight_g=1800, length_cm=30, width_cm=20, height_cm=10)

    rows = {row["id"]: row for row in profile_orders(member_browser)}
    for order in orders:
        assert steps_done(rows[order.pk]) == [True, True, True, False, False]
        assert rows[order.pk]["Payment"]["delivery_is_paid"] is False
    # The second order's pay link pays the parcel's one fee.
    pay_through_dummy_checkout(member_browser, rows[second.pk]["Payment"]["stripe_item_url"])
    rows = {row["id"]: row for row in profile_orders(member_browser)}
    for order in orders:
        assert rows[order.pk]["Payment"]["delivery_is_paid"] is True
        assert rows[order.pk]["Payment"]["stripe_item_url"] is None

    shipping.ship_order(order_id=second.pk, actor=staff, carrier="fedex", tracking_number="794612345670")
    for _ in range(10):
        shipping.poll_shipments()
    rows = {row["id"]: row for row in profile_orders(member_browser)}
    for order in orders:
        assert steps_done(rows[order.pk]) == [True, True, True, True, True]
        assert rows[order.pk]["Delivery"]["tracking_number"] == "794612345670"
