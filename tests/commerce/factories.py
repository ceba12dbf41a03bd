"""Orders are built through the services, so test data always passes through the real transitions.

requested → quoted → paid → purchased → delivery quoted (intake) → delivery paid → shipped → delivered (a
tracking result): `advance()` takes an order on one service call a step, `order_in()` builds one in any
status. factory_boy model factories are kept for plain rows only (rules, addresses, users).
"""

import itertools
from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Address
from commerce.orders import services
from commerce.orders.models import Order, RestrictedItemRule
from commerce.payments import services as payments
from commerce.payments.models import Payment
from commerce.shipping import services as shipping
from commerce.shipping.models import DeliveryRate, Shipment
from integrations.carriers import TrackEvent, TrackResult
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


def requested_order(user=None, *, items=1, quantities=None, address=None, note="", item=None) -> Order:
    """`address` is the saved address the order snapshots, or fields overriding a new one's; `item` overrides
    fields of every item line."""
    user = user or UserFactory()
    if not isinstance(address, Address):
        address = AddressFactory(user=user, **(address or {}))
    payload = [item_payload(n, quantity=(quantities or [1] * items)[n], **(item or {})) for n in range(items)]
    return services.create_order(user=user, items=payload, address_id=address.pk, note=note)


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


def _settle(order: Order, stage: str) -> Order:
    """Open the stage's checkout and settle it the way the webhook does."""
    payment = payments.start_checkout(order_id=order.pk, stage=stage)
    outcome = payments.settle_checkout(
        session_id=payment.session_id,
        amount_total=payment.amount_cents,
        currency=payment.currency,
        payment_intent_id=f"pi_test_{payment.pk}",
    )
    assert outcome == "paid", outcome
    order.refresh_from_db()
    return order


INTAKE = {"weight_g": 1200, "length_cm": "30.0", "width_cm": "20.0", "height_cm": "10.0"}
_tracking_numbers = itertools.count(1)


def _intake(order: Order, staff, intake=None, **_) -> Order:
    """Received at the warehouse (1.2 kg, 30×20×10 cm unless `intake` says otherwise); the destination's
    rate table is the one of `us_rates` when the test set none."""
    country = order.shipping_address["country"]
    if not DeliveryRate.objects.filter(country=country).exists():
        us_rates(country)
    return shipping.record_intake(order_id=order.pk, actor=staff, **{**INTAKE, **(intake or {})})


def _ship(order: Order, staff, tracking_number=None, **_) -> Order:
    number = tracking_number or f"7{next(_tracking_numbers):011d}"
    return shipping.ship_order(order_id=order.pk, actor=staff, carrier=Shipment.Carrier.FEDEX, tracking_number=number)


def _deliver(order: Order, staff, **_) -> Order:
    """The carrier's tracking reports the parcel delivered."""
    sent = Shipment.objects.get(parcel_id=order.parcel_id)
    now = timezone.now()
    scan = TrackEvent(occurred_at=now - timedelta(minutes=1), code="DL", description="Delivered")
    result = TrackResult(tracking_number=sent.tracking_number, status_code="DL", delivered_at=now, events=[scan])
    assert shipping.apply_tracking(sent.pk, result).delivered
    order.refresh_from_db()
    return order


# The service call that takes an order from each status to the next one.
NEXT_STEP = {
    Order.Status.QUOTED: lambda order, staff, **_: _settle(order, Payment.Stage.ITEMS),
    Order.Status.ITEMS_PAID: lambda order, staff, **_: services.mark_purchased(order_id=order.pk, actor=staff),
    Order.Status.PURCHASED: _intake,
    Order.Status.DELIVERY_QUOTED: lambda order, staff, **_: _settle(order, Payment.Stage.DELIVERY),
    Order.Status.DELIVERY_PAID: _ship,
    Order.Status.SHIPPED: _deliver,
}


def advance(order: Order, status: str, *, staff=None, **options) -> Order:
    """Take a quoted (or later) order on to a later workflow status through the services, step by step.

    `intake` sets the warehouse measurements, `tracking_number` the shipment's. A consolidated parcel moves
    as a whole from its intake on."""
    staff = staff or OrderStaffFactory()
    while order.status != status:
        order = NEXT_STEP[order.status](order, staff, **options)
    return order


def order_in(status: str, user=None, *, staff=None, intake=None, tracking_number=None, **kwargs) -> Order:
    """An order in any workflow status, reached through the services (`kwargs` go to `quoted_order`)."""
    staff = staff or OrderStaffFactory()
    if status in (Order.Status.REQUESTED, Order.Status.REJECTED):
        order = requested_order(user, **kwargs)
        if status == Order.Status.REJECTED:
            order = services.reject_order(order_id=order.pk, actor=staff, reason="Cannot be bought.")
        return order
    order = quoted_order(user, staff=staff, **kwargs)
    if status == Order.Status.CANCELLED:
        return payments.cancel_order(order_id=order.pk, actor=order.user, reason="Changed my mind.")
    if status == Order.Status.REFUNDED:
        order = advance(order, Order.Status.ITEMS_PAID, staff=staff)
        return payments.refund_order(order_id=order.pk, actor=staff, reason="Out of stock.")
    return advance(order, status, staff=staff, intake=intake, tracking_number=tracking_number)


def purchased_order(user=None, **kwargs) -> Order:
    return order_in(Order.Status.PURCHASED, user, **kwargs)


def delivery_quoted_order(user=None, **kwargs) -> Order:
    return order_in(Order.Status.DELIVERY_QUOTED, user, **kwargs)


def delivery_paid_order(user=None, **kwargs) -> Order:
    return order_in(Order.Status.DELIVERY_PAID, user, **kwargs)


def shipped_order(user=None, **kwargs) -> Order:
    return order_in(Order.Status.SHIPPED, user, **kwargs)


def delivered_order(user=None, **kwargs) -> Order:
    return order_in(Order.Status.DELIVERED, user, **kwargs)


def fedex_shipment(order=None, **kwargs) -> Shipment:
    """The FedEx shipment of `order` (taken on from delivery paid) or of a new shipped order."""
    order = advance(order, Order.Status.SHIPPED, **kwargs) if order else shipped_order(**kwargs)
    return Shipment.objects.select_related("parcel").get(parcel_id=order.parcel_id)


def consolidated_order(count=2, user=None, *, status=Order.Status.PURCHASED, staff=None) -> Order:
    """The lead of `count` purchased orders the customer asked to ship as one parcel, taken on to `status`."""
    user = user or UserFactory()
    staff = staff or OrderStaffFactory()
    orders = [purchased_order(user, staff=staff) for _ in range(count)]
    shipping.request_consolidation(user=user, order_numbers=[order.number for order in orders])
    orders[0].refresh_from_db()
    return advance(orders[0], status, staff=staff)


US_BANDS = [(500, 1500), (1000, 2200), (2000, 3200), (5000, 5900), (10000, 9900), (30000, 21000)]


def us_rates(country="US", bands=US_BANDS):
    return [DeliveryRate.objects.create(country=country, max_weight_g=w, price_cents=p) for w, p in bands]
