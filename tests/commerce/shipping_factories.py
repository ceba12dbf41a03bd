"""Orders at the shipping stages, built directly in the wanted state (no earlier services involved)."""

from collections import Counter
from decimal import Decimal

import factory
from django.utils import timezone

from commerce.orders.models import ExchangeRate, Order
from commerce.orders.services import count_orders
from commerce.shipping.models import DeliveryRate, Parcel, Shipment
from tests.accounts.factories import UserFactory


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    krw_per_usd = Decimal("1380.0000")
    source = "fixed"
    captured_at = factory.LazyFunction(timezone.now)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"BD-SHIP-{n:05d}")
    user = factory.SubFactory(UserFactory)
    status = Order.Status.PURCHASED
    shipping_address = factory.LazyFunction(
        lambda: {
            "name": "Jiwoo Kim",
            "country": "US",
            "state": "CA",
            "city": "Los Angeles",
            "line1": "123 Wilshire Blvd",
            "postal_code": "90010",
        }
    )
    exchange_rate = factory.SubFactory(ExchangeRateFactory)
    quote_version = 1
    items_subtotal_krw = 100_000
    total_krw = 108_000
    total_cents = 7826

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        order = super()._create(model_class, *args, **kwargs)
        count_orders(Counter({order.status: 1}))  # what create_order and transition() keep for the staff list
        return order


class PurchasedOrderFactory(OrderFactory):
    status = Order.Status.PURCHASED


class ParcelFactory(factory.django.DjangoModelFactory):
    """A measured parcel (attach orders with `order.parcel`)."""

    class Meta:
        model = Parcel

    weight_g = 1200
    length_cm = Decimal("30.0")
    width_cm = Decimal("20.0")
    height_cm = Decimal("10.0")
    billable_weight_g = 1200
    delivery_fee_cents = 3200
    received_at = factory.LazyFunction(timezone.now)


class DeliveryPaidOrderFactory(OrderFactory):
    status = Order.Status.DELIVERY_PAID
    delivery_fee_cents = 3200
    parcel = factory.SubFactory(ParcelFactory)


class ShippedOrderFactory(OrderFactory):
    class Meta:
        skip_postgeneration_save = True

    status = Order.Status.SHIPPED
    delivery_fee_cents = 3200
    parcel = factory.SubFactory(ParcelFactory)
    shipment = factory.RelatedFactory("tests.commerce.shipping_factories.ShipmentFactory", factory_related_name="order")


class ShipmentFactory(factory.django.DjangoModelFactory):
    """A shipment of a parcel holding one shipped order (`order__…` sets that order's fields, `order=` reuses one)."""

    class Meta:
        model = Shipment
        exclude = ["order"]

    order = factory.SubFactory(ShippedOrderFactory, shipment=None)
    parcel = factory.LazyAttribute(lambda o: _parcel_of(o.order))
    carrier = Shipment.Carrier.FEDEX
    tracking_number = factory.Sequence(lambda n: f"7{n:011d}")


def _parcel_of(order):
    """The order's parcel as stored (a service may have recorded it on another instance), else a new one."""
    order.refresh_from_db(fields=["parcel"])
    if order.parcel is None:
        order.parcel = ParcelFactory()
        order.save(update_fields=["parcel"])
    return order.parcel


US_BANDS = [(500, 1500), (1000, 2200), (2000, 3200), (5000, 5900), (10000, 9900), (30000, 21000)]


def us_rates(country="US", bands=US_BANDS):
    return [DeliveryRate.objects.create(country=country, max_weight_g=w, price_cents=p) for w, p in bands]
