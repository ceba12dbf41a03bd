"""A staff day in a real browser: quote, purchase, intake with a photo, ship; the customer pays on the checkout page."""

import io
import re

import pytest
from django.conf import settings
from PIL import Image
from rest_framework.authtoken.models import Token

from commerce.orders.models import Order
from commerce.shipping import demo as shipping_demo
from tests.accounts.factories import PASSWORD, OrderStaffFactory, UserFactory
from tests.commerce.factories import requested_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in_to_admin(page, base_url: str, email: str, password: str) -> None:
    """The staff sign-in at /admin/login/ (the one place to extend when staff sign-in gains steps)."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def parcel_photo() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, format="PNG")
    return {"name": "parcel.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def pay_on_checkout_page(page, base_url: str, token: str, order: Order, stage: str) -> None:
    """As the customer: start the Checkout through the API, open its page and press Pay."""
    response = page.request.post(
        f"{base_url}/api/v1/orders/{order.number}/checkout/",
        headers={"Authorization": f"Token {token}"},
        data={"stage": stage},
    )
    assert response.ok, response.text()
    page.goto(response.json()["checkout_url"])
    page.get_by_role("button", name=re.compile(r"^Pay \$")).click()
    page.wait_for_url(f"{settings.FRONTEND_URL}/orders/{order.number}?checkout=success")


def open_order_action(page, base_url: str, order: Order, action: str) -> None:
    page.goto(f"{base_url}/admin/orders/{order.pk}/")
    page.get_by_role("link", name=action, exact=True).click()


def open_from_desk(page, base_url: str, row: str, order: Order) -> None:
    """From the admin home's desk panel, follow a row to its filtered order list and open the order there."""
    page.goto(f"{base_url}/admin/")
    desk = page.locator("[data-desk-panel=order-desk]")
    desk.get_by_role("link", name=row, exact=True).click()
    page.wait_for_url(re.compile(r"/admin/snippets/commerce/order/\?waiting=1&step=\d$"))
    page.get_by_role("link", name=order.number, exact=True).first.click()
    page.wait_for_url(re.compile(rf"/admin/(snippets/commerce/order/inspect|orders)/{order.pk}/$"))


def expect_status(order: Order, status: str) -> None:
    order.refresh_from_db()
    assert order.status == status


def test_staff_day_and_customer_payments(live_server, browser_context, settings):
    settings.SITE_URL = live_server.url  # checkout links point at the live server
    shipping_demo.load(io.StringIO())  # delivery rate bands
    staff = OrderStaffFactory(email="desk@bidangil.local")
    customer = UserFactory()
    token = Token.objects.create(user=customer).key
    order = requested_order(customer, items=2)

    staff_page = browser_context().pages[0]
    customer_context = browser_context()
    # The Next.js client is not running: its order page is a stub the checkout redirects to.
    customer_context.route(f"{settings.FRONTEND_URL}/**", lambda route: route.fulfill(body="client order page"))
    customer_page = customer_context.pages[0]

    sign_in_to_admin(staff_page, live_server.url, staff.email, PASSWORD)

    # The admin home's desk shows the order waiting for review and links to the filtered list.
    open_from_desk(staff_page, live_server.url, "Waiting on staff at step 0. Awaiting review", order)
    staff_page.get_by_text(f"{order.number} · Requested").wait_for()

    staff_page.get_by_role("link", name="Approve quote", exact=True).click()
    for item in order.items.all():
        staff_page.fill(f"input[name=price_{item.pk}]", "25000")
    staff_page.fill("input[name=domestic_shipping_krw]", "3000")
    staff_page.get_by_role("button", name="Send quote").click()
    staff_page.get_by_text(f"Quote sent for {order.number}.").wait_for()
    expect_status(order, Order.Status.QUOTED)

    pay_on_checkout_page(customer_page, live_server.url, token, order, "items")
    expect_status(order, Order.Status.ITEMS_PAID)

    open_from_desk(staff_page, live_server.url, "Waiting on staff at step 2. Items paid", order)
    staff_page.get_by_role("link", name="Mark purchased", exact=True).click()
    staff_page.fill("textarea[name=note], input[name=note]", "Shop order 2026-1201-77")
    staff_page.get_by_role("button", name="Mark purchased").click()
    staff_page.get_by_text(f"Order {order.number} marked purchased.").wait_for()
    expect_status(order, Order.Status.PURCHASED)

    open_order_action(staff_page, live_server.url, order, "Record warehouse intake")
    staff_page.fill("input[name=weight_g]", "1800")
    staff_page.fill("input[name=length_cm]", "30")
    staff_page.fill("input[name=width_cm]", "20")
    staff_page.fill("input[name=height_cm]", "10")
    staff_page.set_input_files("input[name=photos]", parcel_photo())
    staff_page.get_by_role("button", name="Record warehouse intake").click()
    staff_page.get_by_text(f"Parcel of {order.number} recorded; the rate table priced the delivery fee at").wait_for()
    expect_status(order, Order.Status.DELIVERY_QUOTED)
    assert order.parcel.photos.count() == 1

    pay_on_checkout_page(customer_page, live_server.url, token, order, "delivery")
    expect_status(order, Order.Status.DELIVERY_PAID)

    open_order_action(staff_page, live_server.url, order, "Enter tracking")
    staff_page.select_option("select[name=carrier]", "fedex")
    staff_page.fill("input[name=tracking_number]", "123456789012")
    staff_page.get_by_role("button", name="Ship parcel").click()
    staff_page.get_by_text(f"Order {order.number} shipped.").wait_for()
    expect_status(order, Order.Status.SHIPPED)
    assert order.shipment.tracking_number == "123456789012"

    # Nothing waits on staff any more: the desk says so.
    staff_page.goto(f"{live_server.url}/admin/")
    counts = staff_page.locator("[data-desk-panel=order-desk] [data-desk-count]")
    assert {counts.nth(n).get_attribute("data-desk-count") for n in range(counts.count())} == {"0"}
