"""Orders at the shipping stages, built directly in the wanted state (no earlier services involved)."""

from decimal import Decimal

import factory
from django.utils import timezone

from commerce.orders.models import ExchangeRate, Order
from commerce.shipping.models import DeliveryRate, Shipment
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


class PurchasedOrderFactory(OrderFactory):
    status = Order.Status.PURCHASED


class DeliveryPaidOrderFactory(OrderFactory):
    status = Order.Status.DELIVERY_PAID
    delivery_fee_cents = 3200


class ShippedOrderFactory(OrderFactory):
    class Meta:
        skip_postgeneration_save = True

    status = Order.Status.SHIPPED
    delivery_fee_cents = 3200
    shipment = factory.RelatedFactory("tests.commerce.shipping_factories.ShipmentFactory", factory_related_name="order")


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order = factory.SubFactory(ShippedOrderFactory, shipment=None)
    carrier = Shipment.Carrier.FEDEX
    tracking_number = factory.Sequence(lambda n: f"7{n:011d}")


US_BANDS = [(500, 1500), (1000, 2200), (2000, 3200), (5000, 5900), (10000, 9900), (30000, 21000)]


def us_rates(country="US", bands=US_BANDS):
    return [DeliveryRate.objects.create(country=country, max_weight_g=w, price_cents=p) for w, p in bands]
