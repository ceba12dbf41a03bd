"""The Order staff workflow in the Wagtail admin: screens render, action forms call the services."""

import pytest
from django.test import Client

from commerce.orders.models import Order, OrderEvent
from commerce.payments.models import Payment
from tests.accounts.factories import EditorFactory, OrderStaffFactory, UserFactory

from .factories import RestrictedItemRuleFactory, paid_order, quoted_order, requested_order
from .stripe_helpers import post_event, session_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    client = Client()
    client.force_login(OrderStaffFactory())
    return client


def screen(order):
    return f"/admin/orders/{order.pk}/"


def test_order_lists_and_screens_render(desk, api_client):
    order = paid_order(api_client)
    requested_order()
    for url in [
        "/admin/snippets/commerce/order/",
        "/admin/snippets/commerce/order/?status=items_paid",
        "/admin/snippets/commerce/order/?waiting=1",
        f"/admin/snippets/commerce/order/?q={order.number}",
        f"/admin/snippets/commerce/order/?q={order.user.email}",
        f"/admin/snippets/commerce/order/inspect/{order.pk}/",
        "/admin/commerce/order/",
        f"/admin/commerce/order/inspect/{order.pk}/",
        screen(order),
        "/admin/snippets/commerce/restricteditemrule/",
        "/admin/snippets/commerce/payment/",
        "/admin/snippets/commerce/exchangerate/",
    ]:
        response = desk.get(url)
        assert response.status_code == 200, url
    page = desk.get(screen(order)).content.decode()
    for heading in ["Items", "Quote", "Payments", "Parcel", "Shipment", "Event log"]:
        assert heading in page
    assert "Mark purchased" in page and f"/admin/orders/{order.pk}/purchase/" in page
    search = desk.get(f"/admin/snippets/commerce/order/?q={order.number}").content.decode()
    assert order.number in search


def test_no_add_or_edit_views_for_orders(desk):
    order = requested_order()
    assert desk.get("/admin/snippets/commerce/order/add/").status_code in (302, 403)
    response = desk.post(f"/admin/snippets/commerce/order/edit/{order.pk}/", {"status": "delivered"})
    assert response.status_code in (302, 403)
    assert desk.get("/admin/commerce/order/create/").status_code in (302, 403)
    assert desk.post(f"/admin/commerce/order/edit/{order.pk}/", {"status": "delivered"}).status_code in (302, 403)
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED


def test_happy_path_through_the_admin(desk, api_client):
    RestrictedItemRuleFactory(keyword="knife", reason="Blades are not shipped.")
    order = requested_order(items=2)
    order.items.filter(position=1).update(url="https://shop.example.kr/chef-knife")
    item_ids = list(order.items.values_list("pk", flat=True))

    form = desk.get(f"/admin/orders/{order.pk}/quote/")
    assert form.status_code == 200
    assert "Rule match" in form.content.decode() and "knife" in form.content.decode()
    response = desk.post(
        f"/admin/orders/{order.pk}/quote/",
        {
            f"price_{item_ids[0]}": "27600",
            f"price_{item_ids[1]}": "5000",
            f"restricted_{item_ids[1]}": "on",
            "domestic_shipping_krw": "3000",
            "note": "Ready in 2 days",
        },
    )
    assert response.status_code == 302 and response["Location"] == screen(order)
    order.refresh_from_db()
    assert order.status == Order.Status.QUOTED and order.items_subtotal_krw == 27_600
    assert order.items.get(pk=item_ids[1]).restricted

    payment = Payment.objects.create(
        order=order,
        stage="items",
        amount_cents=order.total_cents,
        provider="dummy",
        session_id="cs_admin_1",
        quote_version=order.quote_version,
    )
    assert post_event(api_client, session_event("checkout.session.completed", payment)).json()["result"] == "paid"

    assert desk.get(f"/admin/orders/{order.pk}/purchase/").status_code == 200
    assert desk.post(f"/admin/orders/{order.pk}/purchase/", {"note": "Coupang #123"}).status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PURCHASED
    event = order.events.get(kind=OrderEvent.Kind.PURCHASED)
    assert event.actor.groups.filter(name="Order staff").exists() and event.data["note"] == "Coupang #123"
    followed = desk.get(screen(order))
    assert "Mark purchased" not in followed.content.decode()


def test_reject_cancel_and_refund_forms(desk, api_client):
    order = requested_order()
    assert desk.post(f"/admin/orders/{order.pk}/reject/", {"reason": ""}).status_code == 200  # form error
    assert desk.post(f"/admin/orders/{order.pk}/reject/", {"reason": "Not sold abroad"}).status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.REJECTED

    quoted = quoted_order()
    assert desk.post(f"/admin/orders/{quoted.pk}/cancel/", {"reason": "Customer asked"}).status_code == 302
    quoted.refresh_from_db()
    assert quoted.status == Order.Status.CANCELLED

    paid = paid_order(api_client)
    assert desk.get(f"/admin/orders/{paid.pk}/refund/").status_code == 200
    response = desk.post(f"/admin/orders/{paid.pk}/refund/", {"amount_cents": "3.00", "reason": "Price drop"})
    assert response.status_code == 302
    paid.refresh_from_db()
    assert paid.status == Order.Status.ITEMS_PAID  # a partial refund keeps the order open
    assert paid.payments.get(kind="refund").amount_cents == 300


def test_illegal_action_shows_a_message_and_changes_nothing(desk):
    order = requested_order()
    response = desk.post(f"/admin/orders/{order.pk}/purchase/", {}, follow=True)
    assert response.status_code == 200
    assert "needs it to be items paid" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED
    assert order.events.count() == 1
    refund = desk.post(f"/admin/orders/{order.pk}/refund/", {"reason": "x"})
    assert refund.status_code == 200
    assert not Payment.objects.exists()


def test_bulk_mark_purchased(desk, api_client):
    first, second = paid_order(api_client), paid_order(api_client)
    untouched = requested_order()
    url = "/admin/bulk/commerce/order/mark_purchased/"
    query = f"?next=/admin/snippets/commerce/order/&id={first.pk}&id={second.pk}&id={untouched.pk}"
    assert desk.get(url + query).status_code == 200
    response = desk.post(url + query)
    assert response.status_code == 302
    assert Order.objects.filter(status=Order.Status.PURCHASED).count() == 2
    untouched.refresh_from_db()
    assert untouched.status == Order.Status.REQUESTED


def test_editors_and_customers_cannot_see_orders(db):
    order = requested_order()
    editor = Client()
    editor.force_login(EditorFactory())
    for url in [
        "/admin/snippets/commerce/order/",
        f"/admin/snippets/commerce/order/inspect/{order.pk}/",
        "/admin/commerce/order/",
        screen(order),
        f"/admin/orders/{order.pk}/quote/",
    ]:
        assert editor.get(url).status_code in (302, 403), url
    assert editor.post(f"/admin/orders/{order.pk}/reject/", {"reason": "x"}).status_code in (302, 403)
    customer = Client()
    customer.force_login(UserFactory())
    assert customer.get(screen(order)).status_code in (302, 403)
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED
    menu = editor.get("/admin/").content.decode()
    assert "/admin/snippets/commerce/order/" not in menu


def test_intake_and_ship_buttons_appear_when_their_views_exist(desk, api_client):
    from django.urls import NoReverseMatch, reverse

    order = paid_order(api_client)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PURCHASED)
    page = desk.get(screen(order)).content.decode()
    try:
        assert reverse("commerce_order_intake", args=[order.pk]) in page
    except NoReverseMatch:
        assert "Record warehouse intake" not in page
