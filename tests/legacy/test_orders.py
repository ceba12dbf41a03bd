"""submit_order, profile_info and the whole order journey through the original paths and the dummy providers."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.orders import services
from commerce.orders.models import Order, OrderItem
from commerce.payments import services as payments
from commerce.payments.models import Payment
from commerce.shipping import services as shipping
from tests.accounts.conftest import STRONG_PASSWORD, code_from_mail
from tests.accounts.factories import OrderStaffFactory, UserFactory
from tests.commerce.factories import quoted_order, us_rates
from tests.commerce.stripe_helpers import session_event, signature_header

from .conftest import Browser

pytestmark = pytest.mark.django_db

STEP_LABELS = ["주문 접수 완료", "물건 구매 완료", "물건 도착", "배송 시작", "배송 완료"]


def order_form(**address):
    """What SubmitForm_copy.jsx posts."""
    return {
        "orders": [
            {"url": "https://shop.example.kr/products/1", "desc": "blue, size M"},
            {"url": "https://shop.example.kr/products/2", "desc": ""},
        ],
        "address": {
            "addressLine1": "123 Wilshire Blvd",
            "addressLine2": "Apt 4",
            "city": "Los Angeles",
            "state": "CA",
            "zip": "90010",
            "country": "United States",
            "phone": "2135550100",
            "name": "Jiwoo Kim",
            **address,
        },
    }


def profile_orders(browser) -> list[dict]:
    response = browser.get("/api/profile_info/")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def steps_done(order_data) -> list[bool]:
    return [step["isDone"] for step in order_data["Steps"]]


def assert_order_shape(data):
    assert set(data) == {"id", "address", "order_created_at", "exchange_rate", "items", "Payment", "Delivery", "Steps"}
    assert isinstance(data["id"], int)
    assert isinstance(data["address"], str)
    assert isinstance(data["order_created_at"], str)
    assert isinstance(data["exchange_rate"], str)
    for item in data["items"]:
        assert set(item) == {"url", "description"}
    if data["Payment"] is not None:
        payment = data["Payment"]
        assert set(payment) == {
            "item_price",
            "delivery_price",
            "total_price",
            "item_is_paid",
            "delivery_is_paid",
            "stripe_item_url",
            "stripe_delivery_url",
        }
        assert isinstance(payment["item_price"], float) and isinstance(payment["total_price"], float)
        assert payment["delivery_price"] is None or isinstance(payment["delivery_price"], float)
        assert isinstance(payment["item_is_paid"], bool) and isinstance(payment["delivery_is_paid"], bool)
    if data["Delivery"] is not None:
        assert set(data["Delivery"]) == {"delivery_start_at", "courier", "tracking_number", "delivered_at"}
    assert [step["label"] for step in data["Steps"]] == STEP_LABELS
    assert all(set(step) == {"label", "isDone"} and isinstance(step["isDone"], bool) for step in data["Steps"])


def pay_through_dummy_checkout(browser, url, *, action="pay", **headers):
    """Open the pay link (a new tab on the API host), then press Pay (or Cancel) on the dummy Checkout page.

    Returns where the page sends the payer afterwards.
    """
    response = browser.client.get(url, **headers)
    assert response.status_code == 302, response.content
    path = response["Location"].removeprefix("http://testserver")
    page = browser.client.get(path)
    assert page.status_code == 200
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = browser.client.post(path, {"action": action, "csrfmiddlewaretoken": form_token})
    assert response.status_code == 302
    return response["Location"]


def test_submit_order_answers_exactly_200_with_the_order_id(member_browser):
    response = member_browser.post("/api/submit_order/", order_form())

    assert response.status_code == 200
    assert set(response.json()) == {"order_id"}
    order = Order.objects.get(pk=response.json()["order_id"])
    assert order.user == member_browser.user
    assert order.status == Order.Status.REQUESTED
    assert order.exchange_rate.krw_per_usd > 0
    assert order.shipping_address["line1"] == "123 Wilshire Blvd"
    assert order.shipping_address["country"] == "US"
    assert order.shipping_address["postal_code"] == "90010"
    assert [(i.url, i.note) for i in order.items.all()] == [
        ("https://shop.example.kr/products/1", "blue, size M"),
        ("https://shop.example.kr/products/2", ""),
    ]


def test_submit_order_signed_out_is_403(browser):
    response = browser.post("/api/submit_order/", order_form())

    assert response.status_code == 403
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"orders": [], "address": order_form()["address"]},
        {"orders": [{"url": "not a url", "desc": ""}], "address": order_form()["address"]},
        {"orders": [{"url": "ftp://x.example/1", "desc": ""}], "address": order_form()["address"]},
        {"orders": "https://shop.example.kr/1", "address": order_form()["address"]},
        {"orders": order_form()["orders"]},
        order_form(addressLine1=""),
        order_form(zip=None),
        order_form(country="Narnia"),
        {"orders": [{"url": f"https://shop.example.kr/{n}", "desc": ""} for n in range(21)], "address": {}},
        [1, 2, 3],
    ],
)
def test_submit_order_bad_input_is_400_and_saves_nothing(member_browser, body):
    response = member_browser.post("/api/submit_order/", body)

    assert response.status_code == 400
    assert isinstance(response.json()["error"], str)
    assert not Order.objects.exists() and not OrderItem.objects.exists()


def test_profile_info_contract_for_a_new_order(member_browser):
    member_browser.post("/api/submit_order/", order_form())

    response = member_browser.get("/api/profile_info/")

    body = response.json()
    assert set(body) == {"msg", "nickname", "data"}
    assert body["nickname"] == member_browser.user.profile.nickname
    (data,) = body["data"]
    assert_order_shape(data)
    assert data["address"] == "123 Wilshire Blvd\nApt 4\nLos Angeles\nCA\n90010"
    assert data["items"][0] == {"url": "https://shop.example.kr/products/1", "description": "blue, size M"}
    assert data["Payment"] is None and data["Delivery"] is None
    assert steps_done(data) == [True, False, False, False, False]


def test_profile_info_signed_out_is_403(browser):
    assert browser.get("/api/profile_info/").status_code == 403


def test_profile_info_shows_only_my_orders_in_a_fixed_number_of_queries(member_browser):
    other = Browser()
    other.login(UserFactory().email)
    other.post("/api/submit_order/", order_form())
    member_browser.post("/api/submit_order/", order_form())
    with CaptureQueriesContext(connection) as one:
        assert len(profile_orders(member_browser)) == 1
    for _ in range(4):
        member_browser.post("/api/submit_order/", order_form())
    with CaptureQueriesContext(connection) as five:
        assert len(profile_orders(member_browser)) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_pay_link_of_another_members_order_is_404(member_browser):
    order = quoted_order()

    response = member_browser.get(f"/api/pay/{order.number}/items/")

    assert response.status_code == 404
    assert not order.payments.exists()


def test_pay_link_when_nothing_is_due_is_409(member_browser):
    order_id = member_browser.post("/api/submit_order/", order_form()).json()["order_id"]
    number = Order.objects.get(pk=order_id).number

    response = member_browser.get(f"/api/pay/{number}/items/")

    assert response.status_code == 409
    assert isinstance(response.json()["error"], str)


def test_stripe_webhook_is_reachable_at_the_original_path(member_browser):
    order_id = member_browser.post("/api/submit_order/", order_form()).json()["order_id"]
    items = [{"id": item.pk, "unit_price_krw": 50_000} for item in OrderItem.objects.filter(order_id=order_id)]
    services.quote_order(order_id=order_id, actor=OrderStaffFactory(), items=items, domestic_shipping_krw=3000)
    payment = payments.start_checkout(order_id=order_id, stage=Payment.Stage.ITEMS)
    payload = json.dumps(session_event("checkout.session.completed", payment))

    bad = member_browser.client.generic(
        "POST", "/webhook/stripe_payment", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=x"
    )
    good = member_browser.client.generic(
        "POST",
        "/webhook/stripe_payment",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload),
    )

    assert bad.status_code == 400
    assert good.status_code == 200
    assert Order.objects.get(pk=order_id).status == Order.Status.ITEMS_PAID


def test_whole_journey_signup_to_delivered_with_five_steps_done(db):
    browser = Browser()
    browser.mount()
    email = "journey@example.com"
    browser.post("/api/send_code/", {"email": email})
    browser.post("/api/verify_code/", {"email": email, "code": code_from_mail(email)}, token=False)
    response = browser.post(
        "/api/sign_up/", {"useremail": email, "userpassword": STRONG_PASSWORD, "username": "traveller"}, token=False
    )
    assert response.status_code == 201

    response = browser.post("/api/submit_order/", order_form())
    assert response.status_code == 200
    order = Order.objects.get(pk=response.json()["order_id"])
    staff = OrderStaffFactory()

    # Staff quote: the same service as the admin action.
    items = [{"id": item.pk, "unit_price_krw": 69_000} for item in order.items.all()]
    services.quote_order(order_id=order.pk, actor=staff, items=items, domestic_shipping_krw=3_000)
    (data,) = profile_orders(browser)
    assert_order_shape(data)
    payment = data["Payment"]
    order.refresh_from_db()
    assert payment["item_price"] == float(order.total_krw)
    assert payment["delivery_price"] is None and payment["total_price"] == float(order.total_krw)
    assert payment["item_is_paid"] is False
    assert payment["stripe_item_url"].startswith("http://testserver/api/pay/")
    assert steps_done(data) == [True, False, False, False, False]

    pay_through_dummy_checkout(browser, payment["stripe_item_url"])
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID
    (data,) = profile_orders(browser)
    assert data["Payment"]["item_is_paid"] is True
    assert data["Payment"]["stripe_item_url"] is None  # nothing to pay: the client hides its button

    services.mark_purchased(order_id=order.pk, actor=staff)
    assert steps_done(profile_orders(browser)[0]) == [True, True, False, False, False]

    us_rates()
    shipping.record_intake(order_id=order.pk, actor=staff, weight_g=1800, length_cm=30, width_cm=20, height_cm=10)
    order.refresh_from_db()
    (data,) = profile_orders(browser)
    assert steps_done(data) == [True, True, True, False, False]
    payment = data["Payment"]
    delivery_cents = 3200 + 128  # the 2 kg band plus the 4 % card fee
    rate = Decimal(data["exchange_rate"])
    assert payment["delivery_price"] == float(round(Decimal(delivery_cents) * rate / 100))
    assert payment["total_price"] == payment["item_price"] + payment["delivery_price"]
    assert payment["delivery_is_paid"] is False
    # The client's only pay button opens stripe_item_url: it now leads to the delivery payment.
    assert payment["stripe_item_url"] == payment["stripe_delivery_url"]
    assert payment["stripe_item_url"].endswith(f"/api/pay/{order.number}/delivery/")

    pay_through_dummy_checkout(browser, payment["stripe_item_url"])
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERY_PAID
    assert profile_orders(browser)[0]["Payment"]["delivery_is_paid"] is True

    shipping.ship_order(order_id=order.pk, actor=staff, carrier="fedex", tracking_number="794612345670")
    (data,) = profile_orders(browser)
    assert steps_done(data) == [True, True, True, True, False]
    assert data["Delivery"]["courier"] == "fedex"
    assert data["Delivery"]["tracking_number"] == "794612345670"
    assert data["Delivery"]["delivered_at"] is None

    for _ in range(10):  # the dummy carrier moves one scan per poll, up to delivered
        shipping.poll_shipments()
        order.refresh_from_db()
        if order.status == Order.Status.DELIVERED:
            break
    assert order.status == Order.Status.DELIVERED

    (data,) = profile_orders(browser)
    assert_order_shape(data)
    assert steps_done(data) == [True, True, True, True, True]  # Steps[4].isDone: a past order
    assert isinstance(data["Delivery"]["delivered_at"], str)
    assert data["Payment"]["item_is_paid"] and data["Payment"]["delivery_is_paid"]
    assert data["Payment"]["stripe_item_url"] is None


@pytest.mark.parametrize(
    ("accept_language", "page"), [("ko", "/profile"), ("en", "/en/profile")], ids=["korean", "english"]
)
def test_a_legacy_pay_link_returns_the_payer_to_the_original_clients_profile_page(
    member_browser, settings, accept_language, page
):
    order = quoted_order(member_browser.user)
    pay_link = f"/api/pay/{order.number}/items/"

    cancelled = pay_through_dummy_checkout(
        member_browser, pay_link, action="cancel", HTTP_ACCEPT_LANGUAGE=accept_language
    )
    assert cancelled == f"{settings.FRONTEND_URL}{page}?checkout=cancelled"
    order.refresh_from_db()
    assert order.status == Order.Status.QUOTED
    paid = pay_through_dummy_checkout(member_browser, pay_link, HTTP_ACCEPT_LANGUAGE=accept_language)
    assert paid == f"{settings.FRONTEND_URL}{page}?checkout=success"
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID


def test_v1_checkout_returns_to_the_configured_client_page(user_client, client, settings):
    settings.CHECKOUT_RETURN_URL = "https://shop.example/account/orders/{number}?tab=pay"
    order = quoted_order(user_client.user)
    response = user_client.post(f"/api/v1/orders/{order.number}/checkout/", {"stage": "items"}, format="json")
    path = response.json()["checkout_url"].removeprefix("http://testserver")

    paid = client.post(path, {"action": "pay"})
    assert paid["Location"] == f"https://shop.example/account/orders/{order.number}?tab=pay&checkout=success"
