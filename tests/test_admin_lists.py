"""Every admin list and screen reads money as money, and the admin menu never shows two items of one name."""

import re

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.snippets.models import get_snippet_models

from bidangil.money import format_krw, format_usd_cents
from commerce.orders.models import RestrictedItemRule
from commerce.shipping.models import DeliveryRate
from tests.accounts.factories import OrderStaffFactory, UserFactory
from tests.commerce.factories import purchased_order

pytestmark = pytest.mark.django_db
MODELADMIN_LISTS = ["/admin/commerce/order/", "/admin/commerce/parcel/"]


@pytest.fixture
def money_rows():
    order = purchased_order()
    payment = order.payments.get()
    DeliveryRate.objects.create(country="US", max_weight_g=1000, price_cents=2200)
    RestrictedItemRule.objects.create(keyword="knife", reason="Blades")
    return {"order": order, "payment": payment, "usd": format_usd_cents(order.total_cents)}


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def every_admin_list_and_inspect_screen() -> list[str]:
    urls = list(MODELADMIN_LISTS)
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        urls.append(reverse(viewset.get_url_name("list")))
        if viewset.inspect_view_enabled and (instance := model.objects.first()):
            urls.append(reverse(viewset.get_url_name("inspect"), args=[instance.pk]))
    return urls


def headings(body: str) -> list[str]:
    """Column headers and inspect-view field labels."""
    cells = re.findall(r"<th[^>]*>(.*?)</th>|<dt[^>]*>(.*?)</dt>", body, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", "".join(cell)).strip() for cell in cells]


def test_no_list_or_screen_shows_cents_or_a_raw_amount(money_rows, superuser_client):
    urls = every_admin_list_and_inspect_screen()
    assert len(urls) >= 8  # five snippet lists, the order desk and the order and payment inspect views
    for url in urls:
        response = superuser_client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        labels = headings(body)
        assert labels, url
        # A field name for a heading ("Total cents", "Price krw"); "KRW" over a column of ₩ amounts is fine.
        assert not [label for label in labels if re.search(r"\bcents\b", label, re.I) or " krw" in label], url
        for raw in (money_rows["order"].total_cents, money_rows["order"].total_krw, 2200):
            assert not re.search(rf">\s*{raw}\s*<", body), (url, raw)


@pytest.mark.parametrize(
    "url, amount",
    [
        ("/admin/snippets/commerce/order/", "usd"),
        ("/admin/commerce/order/", "usd"),
        ("/admin/snippets/commerce/payment/", "usd"),
        ("/admin/snippets/commerce/deliveryrate/", "$22.00"),
    ],
)
def test_money_columns_read_as_money(money_rows, superuser_client, url, amount):
    body = superuser_client.get(url).content.decode()
    amount = money_rows.get(amount, amount)
    assert re.search(rf">\s*{re.escape(amount)}\s*<", body), (url, amount)


def test_inspect_screens_read_as_money(money_rows, superuser_client):
    order, payment = money_rows["order"], money_rows["payment"]
    payment_screen = superuser_client.get(f"/admin/snippets/commerce/payment/inspect/{payment.pk}/").content.decode()
    assert money_rows["usd"] in payment_screen and "Amount" in headings(payment_screen)
    for url in (f"/admin/snippets/commerce/order/inspect/{order.pk}/", f"/admin/commerce/order/inspect/{order.pk}/"):
        screen = superuser_client.get(url).content.decode()
        assert money_rows["usd"] in screen and format_krw(order.total_krw) in screen, url


def test_the_order_lists_sort_money_by_amount(money_rows, superuser_client):
    cheap = purchased_order(price=1_000, shipping=0)
    body = superuser_client.get("/admin/snippets/commerce/order/?ordering=total_cents").content.decode()
    assert body.index(format_usd_cents(cheap.total_cents)) < body.index(money_rows["usd"])


def menu_labels(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user

    def walk(items):
        for item in items:
            yield str(item.label)
            if hasattr(item, "menu"):
                yield from walk(item.menu.menu_items_for_request(request))

    return list(walk(admin_menu.menu_items_for_request(request)))


@pytest.mark.parametrize("make_user", [lambda: UserFactory(is_staff=True, is_superuser=True), OrderStaffFactory])
def test_admin_menu_labels_are_unique(db, make_user):
    labels = menu_labels(make_user())
    assert "Community reports" in labels or "Orders" in labels
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    assert not duplicates, labels


def test_both_reports_are_in_the_menu_under_distinct_names(db):
    labels = menu_labels(UserFactory(is_staff=True, is_superuser=True))
    assert "Community reports" in labels and "Reports" in labels  # Wagtail's own reports keep their name


def add_money_rows(n: int):
    for _ in range(n):
        order = purchased_order()  # with its paid items payment
        DeliveryRate.objects.create(country="CA", max_weight_g=order.pk * 10, price_cents=900)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/commerce/order/",
        "/admin/commerce/order/",
        "/admin/snippets/commerce/payment/",
        "/admin/snippets/commerce/deliveryrate/",
    ],
)
def test_money_lists_cost_the_same_queries_for_more_rows(superuser_client, url):
    add_money_rows(2)
    superuser_client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        assert superuser_client.get(url).status_code == 200
    add_money_rows(6)
    with CaptureQueriesContext(connection) as many:
        assert superuser_client.get(url).status_code == 200
    assert len(many) == len(few), url
