"""Mass assignment: every write that takes a body, sent with privileged fields a member must never set.

Every v1 endpoint refuses unknown and read-only keys with a 400 naming each one and writes nothing; the legacy
endpoints read only the keys the original client sends and ignore the rest. Either way the privileged fields
never take effect.
"""

import pytest
from django.test import Client

from accounts.models import Address, User
from commerce.orders.models import Order
from commerce.payments.models import Payment
from commerce.products.models import ProductLookup
from community.models import Comment, PostPage
from notifications.models import Notification
from tests.accounts.conftest import STRONG_PASSWORD
from tests.accounts.factories import AddressFactory, OrderStaffFactory, UserFactory
from tests.commerce.factories import address_payload, item_payload, quoted_order, requested_order
from tests.community.factories import make_boards, make_post

pytestmark = pytest.mark.django_db


def privileged(other) -> dict:
    """Fields that would make the sender staff, verified, someone else, or change what an order costs."""
    return {
        "is_staff": True,
        "is_superuser": True,
        "is_active": True,
        "groups": [1],
        "email_verified_at": "2020-01-01T00:00:00Z",
        "user": other.pk,
        "user_id": other.pk,
        "author": other.pk,
        "owner": other.pk,
        "status": "delivered",
        "number": "BD-FORGED",
        "total_krw": 1,
        "total_cents": 1,
        "delivery_fee_cents": 0,
        "amount_cents": 1,
        "paid": True,
        "is_banned": False,
        "is_hidden": False,
    }


def assert_refused(response, sent: dict):
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert set(sent) <= set(fields), f"not named: {set(sent) - set(fields)}"


@pytest.fixture
def other():
    return UserFactory()


@pytest.fixture
def browser(user):
    """The original client's session."""
    client = Client()
    client.force_login(user)
    return client


# --- refused: accounts -------------------------------------------------------------------------------------


def test_signup_refuses_privileged_fields_and_creates_nobody(api_client, other):
    extra = privileged(other)
    body = {"email": "new@example.com", "password": STRONG_PASSWORD, "nickname": "newbie", **extra}
    response = api_client.post("/api/v1/auth/signup/", body, format="json")
    assert_refused(response, extra)
    assert not User.objects.filter(email="new@example.com").exists()


def test_me_refuses_privileged_fields_and_changes_nothing(user_client, user, other):
    extra = {**privileged(other), "email": "taken@example.com", "id": other.pk, "date_joined": "2020-01-01"}
    response = user_client.patch("/api/v1/me/", {"first_name": "Mina", **extra}, format="json")
    assert_refused(response, {key: 1 for key in extra if key not in ("email",)})
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.first_name, fresh.email, fresh.is_staff, fresh.is_superuser) == (
        user.first_name,
        user.email,
        False,
        False,
    )
    assert fresh.email_verified_at == user.email_verified_at
    assert not fresh.groups.exists()


def test_addresses_refuse_another_owner(user_client, user, other):
    extra = {"user": other.pk, "user_id": other.pk, "id": 999}
    assert_refused(user_client.post("/api/v1/me/addresses/", {**address_payload(), **extra}, format="json"), extra)
    assert not Address.objects.exists()
    address = AddressFactory(user=user)
    response = user_client.patch(f"/api/v1/me/addresses/{address.pk}/", {"city": "Irvine", **extra}, format="json")
    assert_refused(response, extra)
    address.refresh_from_db()
    assert (address.user_id, address.city) == (user.pk, "Los Angeles")


# --- refused: orders, community, notifications, product look-ups (v1) ----------------------------------------


def test_a_new_order_refuses_status_number_owner_and_totals(user_client, user, other):
    address = AddressFactory(user=user)
    extra = privileged(other)
    body = {"address_id": address.pk, "items": [item_payload(1)], **extra}
    assert_refused(user_client.post("/api/v1/orders/", body, format="json"), extra)
    assert not Order.objects.exists()


def test_checkout_refuses_amounts_and_opens_nothing(user_client, user, other):
    order = quoted_order(user)
    extra = privileged(other)
    response = user_client.post(f"/api/v1/orders/{order.number}/checkout/", {"stage": "items", **extra}, format="json")
    assert_refused(response, extra)
    assert not Payment.objects.filter(order=order).exists()
    order.refresh_from_db()
    assert (order.status, order.user_id) == (Order.Status.QUOTED, user.pk)


def test_cancelling_refuses_extra_fields_and_changes_nothing(user_client, user, other):
    order = requested_order(user)
    extra = privileged(other)
    assert_refused(user_client.post(f"/api/v1/orders/{order.number}/cancel/", extra, format="json"), extra)
    order.refresh_from_db()
    assert (order.status, order.user_id) == (Order.Status.REQUESTED, user.pk)


def test_staff_quote_refuses_totals_and_quotes_nothing(client_for, other):
    order = requested_order()
    staff = client_for(OrderStaffFactory())
    lines = [{"id": item.pk, "unit_price_krw": 10_000} for item in order.items.all()]
    extra = privileged(other)
    body = {"items": lines, "domestic_shipping_krw": 3_000, **extra}
    assert_refused(staff.post(f"/api/v1/staff/orders/{order.number}/quote/", body, format="json"), extra)
    order.refresh_from_db()
    assert (order.status, order.total_krw) == (Order.Status.REQUESTED, None)


def test_posts_and_comments_refuse_another_author(user_client, user, other):
    make_boards()
    extra = {**privileged(other), "slug": "forged", "live": False}
    body = {"category": "share", "title": "Free desk", "state": "CA", "county": "Los Angeles"}
    assert_refused(user_client.post("/api/v1/posts/", {**body, **extra}, format="json"), extra)
    assert not PostPage.objects.filter(title="Free desk").exists()
    post = PostPage.objects.get(pk=user_client.post("/api/v1/posts/", body, format="json").json()["id"])
    assert_refused(
        user_client.patch(f"/api/v1/posts/{post.slug}/", {"title": "Free desk!", **extra}, format="json"), extra
    )
    post.refresh_from_db()
    assert (post.author_id, post.title) == (user.pk, "Free desk")

    theirs = make_post(author=other, title="Their post")
    comment_extra = {**extra, "post": theirs.pk}
    body = {"body": "Still there?", **comment_extra}
    assert_refused(user_client.post(f"/api/v1/posts/{post.slug}/comments/", body, format="json"), comment_extra)
    assert not Comment.objects.exists()


def test_profile_refuses_moderation_fields(user_client, user, other):
    user.profile.is_banned = True
    user.profile.save(update_fields=["is_banned"])
    extra = privileged(other)
    assert_refused(user_client.patch("/api/v1/me/profile/", {"bio": "Hi", **extra}, format="json"), extra)
    user.profile.refresh_from_db()
    assert (user.profile.bio, user.profile.is_banned) == ("", True)
    taken = user_client.patch("/api/v1/me/profile/", {"nickname": other.profile.nickname}, format="json")
    assert taken.status_code == 400 and "nickname" in taken.json()["error"]["fields"]


def test_marking_read_touches_only_the_senders_notifications(user_client, other):
    theirs = Notification.objects.create(user=other, type="a", payload={})
    response = user_client.post("/api/v1/notifications/read/", {"ids": [theirs.pk], "user": other.pk}, format="json")
    assert_refused(response, {"user": other.pk})
    assert user_client.post("/api/v1/notifications/read/", {"ids": [theirs.pk]}, format="json").status_code == 200
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_product_lookup_refuses_results_and_owner(user_client, user, other):
    extra = {"status": "ready", "price_krw": 1, **privileged(other)}
    response = user_client.post(
        "/api/v1/product-info/", {"url": "https://shop.example.kr/products/1", **extra}, format="json"
    )
    assert_refused(response, extra)
    assert not ProductLookup.objects.exists()


# --- ignored: the original client's endpoints ------------------------------------------------------------


def test_legacy_order_form_takes_no_status_owner_or_totals(browser, user, other):
    address = {"name": "Kim", "addressLine1": "1 Main St", "city": "LA", "state": "CA", "zip": "90010"}
    body = {"address": address, "orders": [{"url": "https://shop.example.kr/p/1", "desc": ""}], **privileged(other)}
    response = browser.post("/api/submit_order/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    order = Order.objects.get()
    assert (order.user_id, order.status, order.total_cents) == (user.pk, Order.Status.REQUESTED, None)
    assert order.number != "BD-FORGED"


def test_legacy_profile_and_post_forms_keep_the_sender(browser, user, other):
    make_boards()
    taken = browser.post("/api/community/update_profile/", {"nickname": other.profile.nickname, **privileged(other)})
    assert taken.status_code == 400
    other.profile.refresh_from_db()
    assert other.profile.user_id == other.pk
    body = {"category": "share", "title": "Free desk", "state": "CA", "county": "Los Angeles", **privileged(other)}
    response = browser.post("/api/community/post/", body)
    assert response.status_code == 200, response.content
    assert PostPage.objects.get(title="Free desk").author_id == user.pk
