"""Customs papers: the suggested declaration, staff corrections (API and admin), checks, the commercial invoice PDF."""

import io

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from commerce.orders import services
from commerce.orders.models import HsCategory, OrderItem, RestrictedItemRule
from commerce.shipping import services as shipping
from commerce.shipping.models import CustomsLine
from tests.accounts.factories import EditorFactory, OrderStaffFactory, UserFactory
from tests.commerce.factories import paid_order
from tests.commerce.shipping_factories import us_rates

pytestmark = pytest.mark.django_db

INTAKE = {"weight_g": 900, "length_cm": 20, "width_cm": 15, "height_cm": 10}


@pytest.fixture
def parcel_order(client):
    """A paid, purchased and measured order of two serums, and the skincare category that codes them."""
    HsCategory.objects.create(
        name="Skincare", keywords="serum, toner", description="Skin care preparation (cosmetic)", hs_code="330499"
    )
    us_rates()
    staff = OrderStaffFactory()
    order = paid_order(client, quantities=[2])
    OrderItem.objects.filter(order=order).update(name="Snail repair serum 50 ml")
    services.mark_purchased(order_id=order.pk, actor=staff)
    return shipping.record_intake(order_id=order.pk, actor=staff, **INTAKE)


def customs_url(order):
    return f"/api/v1/staff/orders/{order.number}/customs/"


def paid_for_items(order):
    return sum(line["amount_cents"] for line in order.quote_lines if line["kind"] == "item")


def test_the_declaration_is_suggested_from_the_category_and_what_was_paid(staff_client, parcel_order):
    response = staff_client.get(customs_url(parcel_order))

    assert response.status_code == 200, response.content
    body = response.json()
    (line,) = body["lines"]
    assert line["description"] == "Skin care preparation (cosmetic)" and line["category"] == "Skincare"
    assert line["hs_code"] == "330499" and line["quantity"] == 2 and line["origin_country"] == "KR"
    assert line["total_cents"] == paid_for_items(parcel_order) == body["paid_cents"] == body["declared_cents"]
    assert body["problems"] == []
    assert staff_client.get(customs_url(parcel_order)).json() == body  # suggested once, then kept


def test_staff_correct_the_lines_and_the_totals_are_checked(staff_client, parcel_order):
    line = staff_client.get(customs_url(parcel_order)).json()["lines"][0]
    edit = {**{k: line[k] for k in ("id", "description", "quantity")}, "hs_code": "3304.99.10", "unit_value_cents": 1}

    response = staff_client.put(customs_url(parcel_order), {"lines": [edit]}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["lines"][0]["hs_code"] == "33049910" and body["declared_cents"] == 2
    assert any("differs" in problem for problem in body["problems"])


@pytest.mark.parametrize("hs_code", ["3304", "33049", "330499123", "33049912345", "ABCDEF", "33-04-99", ""])
def test_hs_codes_of_the_wrong_shape_are_400_and_nothing_changes(staff_client, parcel_order, hs_code):
    line = staff_client.get(customs_url(parcel_order)).json()["lines"][0]

    response = staff_client.put(
        customs_url(parcel_order), {"lines": [{**line_input(line), "hs_code": hs_code}]}, format="json"
    )

    assert response.status_code == 400, response.content
    assert "hs_code" in str(response.json()["error"]["fields"])
    assert CustomsLine.objects.get().hs_code == "330499"


def line_input(line):
    return {k: line[k] for k in ("id", "description", "hs_code", "quantity", "unit_value_cents")}


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": 0},
        {"unit_value_cents": -5},
        {"description": ""},
        {"description": 12},
        {"origin_country": "CN"},  # not editable: every line is KR
    ],
)
def test_other_bad_lines_are_400(staff_client, parcel_order, change):
    line = staff_client.get(customs_url(parcel_order)).json()["lines"][0]
    response = staff_client.put(customs_url(parcel_order), {"lines": [{**line_input(line), **change}]}, format="json")
    assert response.status_code == 400, response.content
    assert CustomsLine.objects.get().unit_value_cents == line["unit_value_cents"]


def test_a_line_of_another_parcel_is_404(staff_client, parcel_order, client):
    other = CustomsLine.objects.create(
        parcel=shipping.Parcel.objects.create(), description="x", quantity=1, unit_value_cents=1
    )
    line = staff_client.get(customs_url(parcel_order)).json()["lines"][0]
    response = staff_client.put(
        customs_url(parcel_order), {"lines": [line_input(line), {**line_input(line), "id": other.pk}]}, format="json"
    )
    assert response.status_code == 404
    assert CustomsLine.objects.get(pk=line["id"]).description == line["description"]


def test_no_declaration_before_the_intake(staff_client):
    from tests.commerce.shipping_factories import PurchasedOrderFactory

    assert staff_client.get(customs_url(PurchasedOrderFactory())).status_code == 409


def test_restricted_hs_chapters_are_screened(staff_client, parcel_order):
    RestrictedItemRule.objects.create(keyword="no-such-word", reason="Cosmetics need a permit", hs_chapter="33")

    problems = staff_client.get(customs_url(parcel_order)).json()["problems"]

    assert any("HS chapter 33" in problem and "permit" in problem for problem in problems)
    # The quote-time screening sees the chapter through the item's category too.
    item = parcel_order.items.get()
    assert "Cosmetics need a permit" in services.restricted_matches([item])[item.pk]


def test_the_commercial_invoice_pdf(staff_client, parcel_order):
    response = staff_client.get(f"{customs_url(parcel_order)}invoice.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in ("COMMERCIAL INVOICE", parcel_order.number, "330499", "Skin care preparation", "Incheon"):
        assert expected in text, (expected, text)
    assert parcel_order.shipping_address["city"] in text


def test_customers_and_editors_get_no_customs_papers(client_for, parcel_order):
    customer = client_for(parcel_order.user)
    for url in (customs_url(parcel_order), f"{customs_url(parcel_order)}invoice.pdf"):
        assert customer.get(url).status_code == 403
        assert client_for(EditorFactory()).get(url).status_code == 403
    assert customer.put(customs_url(parcel_order), {"lines": []}, format="json").status_code == 403


def test_admin_download_is_for_order_staff_only(parcel_order):
    url = reverse("commerce_order_customs_invoice", args=[parcel_order.pk])
    staff = Client()
    staff.force_login(OrderStaffFactory())
    response = staff.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")

    for user in (EditorFactory(), UserFactory(is_staff=True)):
        other = Client()
        other.force_login(user)
        denied = other.get(url)
        assert denied.status_code == 302 and b"%PDF" not in denied.content
    assert Client().get(url).status_code == 302  # signed out: the admin login


def test_admin_customs_screen_edits_lines_and_refuses_bad_hs_codes(parcel_order):
    staff = Client()
    staff.force_login(OrderStaffFactory())
    url = reverse("commerce_order_customs", args=[parcel_order.pk])
    page = staff.get(url)
    assert page.status_code == 200 and b"330499" in page.content
    line = CustomsLine.objects.get()
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(line.pk),
        "form-0-description": "Cosmetic serum",
        "form-0-hs_code": "33x499",
        "form-0-quantity": "2",
        "form-0-unit_value_cents": str(line.unit_value_cents),
    }

    refused = staff.post(url, form)

    assert refused.status_code == 200
    assert any("HS code" in str(m) for m in get_messages(refused.wsgi_request))
    assert CustomsLine.objects.get().description == line.description
    saved = staff.post(url, {**form, "form-0-hs_code": "3304 99"})
    assert saved.status_code == 302
    assert CustomsLine.objects.get().hs_code == "330499" and CustomsLine.objects.get().description == "Cosmetic serum"
