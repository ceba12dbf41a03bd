"""Editors and other admin users outside Order staff see no order, payment, parcel or customer data.

Every admin URL is walked from the resolver (Wagtail serves orders through generic snippet, chooser, history,
usage, bulk-action and report views), opened as a non-order-staff admin user with the private rows' ids and a
search for them, and checked for the customer's email, the order number, the address, the parcel notes, the
payment session and the tracking number.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.log_actions import log

from commerce.payments.models import Payment
from commerce.shipping import services as shipping
from tests.accounts.factories import OrderStaffFactory, UserFactory
from tests.commerce.factories import fedex_shipment, purchased_order, us_rates
from tests.commerce.shipping_helpers import image_upload

pytestmark = pytest.mark.django_db

EMAIL = "hidden.customer@example.com"
ADDRESS = "77 Secretline Ave"
NOTES = "Dented secret corner"
TRACKING = "794698765432"
SESSION = "cs_secret_session"
PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
# Values for the named parameters that are not ids; every other parameter gets the id being probed.
NAMED = {"action": "delete", "action_name": "approve", "filter_spec": "original", "uidb64": "x", "token": "x"}
MODELS = [("commerce", "order"), ("commerce", "payment"), ("accounts", "user")]
SKIPPED = {"/admin/failwhale/"}  # Wagtail's deliberate 500 page


def admin_routes() -> list[str]:
    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns, "") if route.startswith(("admin/", "django-admin/"))]


def fill(route: str, pk: int, app_label: str, model_name: str) -> str | None:
    """The route as a path with its parameters filled in; None for catch-all patterns."""

    def value(match):
        name = match.group(1) or match.group(2)
        if name in NAMED:
            return NAMED[name]
        if "app" in name:
            return app_label
        if "model" in name:
            return model_name
        return str(pk)

    url = PARAM.sub(value, route).replace("^", "").replace("$", "").replace("\\", "")
    return None if ".*" in url or "(" in url else "/" + url


def admin_urls(ids) -> list[str]:
    urls = {fill(route, pk, *model) for route in admin_routes() for pk in ids for model in MODELS}
    return sorted(urls - {None} - SKIPPED)


@pytest.fixture
def secret_order():
    """An order with a customer, a payment, a parcel with a photo and notes, a shipment and audit-log rows."""
    us_rates()
    customer = UserFactory(email=EMAIL)
    order = purchased_order(user=customer, address={"country": "US", "line1": ADDRESS, "name": "Kim"})
    staff = OrderStaffFactory()
    order = shipping.record_intake(
        order_id=order.pk,
        actor=staff,
        weight_g=900,
        length_cm=10,
        width_cm=10,
        height_cm=10,
        notes=NOTES,
        photos=[image_upload("p.png")],
    )
    Payment.objects.create(
        order=order, kind=Payment.Kind.CHARGE, stage=Payment.Stage.DELIVERY, amount_cents=100, session_id=SESSION
    )
    fedex_shipment(order=order, tracking_number=TRACKING)
    order.refresh_from_db()
    for instance in (order, customer, order.parcel):  # what the site history report would list
        log(instance, "wagtail.edit", user=staff)
    return order


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_admin_users_outside_order_staff_see_no_order_data(secret_order, group):
    order = secret_order
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    browser = Client(raise_request_exception=False)  # a Wagtail view crashing on odd ids shows nothing either
    browser.force_login(user)
    secrets = [EMAIL, order.number, ADDRESS, NOTES, TRACKING, SESSION, order.parcel.photos.get().image.name]
    ids = {order.pk, order.user.pk, order.parcel.pk, order.shipment.pk, *order.payments.values_list("pk", flat=True)}
    selection = "&".join(f"id={pk}" for pk in ids)
    leaks = []
    for url in admin_urls(ids):
        for query in ("", f"?q={EMAIL}&{selection}", f"?q={order.number}"):
            body = browser.get(url + query).content.decode(errors="replace")
            found = [secret for secret in secrets if secret in body and secret not in query]  # not echoed input
            if found:
                leaks.append(f"{url}{query}: {found}")
    assert not leaks, "\n".join(leaks)


def test_editors_have_no_user_admin(secret_order):
    """Customer emails live in Wagtail's user admin too: only superusers manage users."""
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    browser = Client()
    browser.force_login(editor)
    for url in ["/admin/users/", f"/admin/users/edit/{secret_order.user.pk}/", f"/admin/users/?q={EMAIL}"]:
        assert browser.get(url).status_code in (302, 403), url


def test_bulk_actions_on_orders_are_refused_before_listing_anything(secret_order):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    browser = Client()
    browser.force_login(editor)
    for action in ("mark_purchased", "delete"):
        response = browser.get(f"/admin/bulk/commerce/order/{action}/?id={secret_order.pk}")
        assert response.status_code in (302, 403), action
        assert secret_order.number not in response.content.decode()
    response = browser.post(f"/admin/bulk/commerce/order/mark_purchased/?id={secret_order.pk}")
    assert response.status_code in (302, 403)


def test_order_staff_still_see_the_order_history_and_bulk_screens(secret_order):
    browser = Client()
    browser.force_login(OrderStaffFactory())
    order = secret_order
    assert order.number in browser.get(f"/admin/commerce/order/history/{order.pk}/").content.decode()
    response = browser.get(f"/admin/bulk/commerce/order/mark_purchased/?id={order.pk}")
    assert response.status_code == 200 and order.number in response.content.decode()
