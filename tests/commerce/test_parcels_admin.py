"""The Parcels list and the order screen's consolidation panel and Split action, for Order staff only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commerce.orders.models import Order, OrderEvent
from commerce.shipping import services as shipping
from commerce.shipping.models import Parcel
from tests.accounts.factories import EditorFactory, OrderStaffFactory, UserFactory
from tests.commerce.shipping_factories import OrderFactory, ParcelFactory, PurchasedOrderFactory

pytestmark = pytest.mark.django_db

PARCELS = "/admin/commerce/parcel/"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def consolidated():
    user = UserFactory()
    first, second = PurchasedOrderFactory(user=user), PurchasedOrderFactory(user=user)
    shipping.request_consolidation(user=user, order_numbers=[first.number, second.number])
    return first, second


def test_staff_see_the_request_and_how_long_parcels_wait(consolidated):
    first, second = consolidated
    waiting = ParcelFactory(received_at=timezone.now() - timedelta(days=40))
    OrderFactory(number="BD-WAITING", status=Order.Status.DELIVERY_QUOTED, parcel=waiting, delivery_fee_cents=3200)
    staff = signed_in(OrderStaffFactory())

    requested = staff.get(PARCELS, {"stage": "requested"}).content.decode()
    assert first.number in requested and second.number in requested and "BD-WAITING" not in requested
    over = staff.get(PARCELS, {"stage": "over"}).content.decode()
    assert "BD-WAITING" in over and "40 days" in over and first.number not in over
    screen = staff.get(reverse("commerce_order_screen", args=[first.pk])).content.decode()
    assert "Consolidated parcel" in screen and second.number in screen and "Split parcel" in screen


def test_staff_split_from_the_order_screen(consolidated):
    first, second = consolidated
    staff = signed_in(OrderStaffFactory())

    response = staff.post(reverse("commerce_order_split", args=[second.pk]))

    assert response.status_code == 302
    assert not Parcel.objects.exists()
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.PARCEL_SPLIT).count() == 2


def test_the_split_of_a_paid_parcel_is_refused_with_a_message(consolidated):
    first, second = consolidated
    Order.objects.filter(pk__in=[first.pk, second.pk]).update(status=Order.Status.DELIVERY_PAID)
    staff = signed_in(OrderStaffFactory())

    response = staff.post(reverse("commerce_order_split", args=[first.pk]), follow=True)

    assert "can be split only before" in response.content.decode()
    assert Parcel.objects.get().orders.count() == 2


@pytest.mark.parametrize("user", [EditorFactory, lambda: UserFactory(is_staff=True)])
def test_others_get_no_parcels(consolidated, user):
    first, _ = consolidated
    client = signed_in(user())
    for url in (PARCELS, reverse("commerce_order_split", args=[first.pk])):
        response = client.get(url)
        assert response.status_code == 302 and first.number.encode() not in response.content
    assert client.post(reverse("commerce_order_split", args=[first.pk])).status_code == 302
    assert Parcel.objects.get().orders.count() == 2
