"""Orders are built through the services, so test data always passes through the real transitions."""

import factory

from commerce.orders import services
from commerce.orders.models import Order, RestrictedItemRule
from commerce.payments import services as payments
from commerce.payments.models import Payment
from tests.accounts.factories import AddressFactory, OrderStaffFactory, UserFactory

from .stripe_helpers import post_event, session_event


class RestrictedItemRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RestrictedItemRule
        django_get_or_create = ("keyword",)

    keyword = "battery"
    reason = "Lithium batteries cannot fly."


def address_payload(**overrides):
    return {
        "name": "Jiwoo Kim",
        "phone": "+12135550100",
        "country": "US",
        "state": "CA",
        "city": "Los Angeles",
        "line1": "123 Wilshire Blvd",
        "postal_code": "90010",
        **overrides,
    }


def item_payload(n=1, **overrides):
    return {"url": f"https://shop.example.kr/products/{n}", "quantity": 1, "options": "", "note": "", **overrides}


def requested_order(user=None, *, items=1, quantities=None) -> Order:
    user = user or UserFactory()
    address = AddressFactory(user=user)
    payload = [item_payload(n, quantity=(quantities or [1] * items)[n]) for n in range(items)]
    return services.create_order(user=user, items=payload, address_id=address.pk)


def quoted_order(user=None, *, price=13_800, shipping=3_000, staff=None, **kwargs) -> Order:
    order = requested_order(user, **kwargs)
    staff = staff or OrderStaffFactory()
    lines = [{"id": item.pk, "unit_price_krw": price} for item in order.items.all()]
    return services.quote_order(order_id=order.pk, actor=staff, items=lines, domestic_shipping_krw=shipping)


def paid_order(client, user=None, **kwargs) -> Order:
    """Quoted, then paid through a signed webhook delivery (`client` is any test client)."""
    order = quoted_order(user, **kwargs)
    payment = payments.start_checkout(order_id=order.pk, stage=Payment.Stage.ITEMS)
    response = post_event(client, session_event("checkout.session.completed", payment))
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID
    return order
