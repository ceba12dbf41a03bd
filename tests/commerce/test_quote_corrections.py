"""Staff correct an item's quantity, options and name while quoting (admin form and staff API), never after."""

import pytest
from django.test import Client

from commerce.orders.models import Order, OrderEvent, OrderItem
from tests.accounts.factories import OrderStaffFactory

from .factories import quoted_order, requested_order

pytestmark = pytest.mark.django_db
BASE = "/api/v1/staff/orders/"


@pytest.fixture
def desk(db):
    client = Client()
    client.force_login(OrderStaffFactory())
    return client


def quote_form(order, **per_item):
    data = {"domestic_shipping_krw": "3000", "note": ""}
    for item in order.items.all():
        data[f"price_{item.pk}"] = "10000"
    data.update(per_item)
    return data


def test_admin_quote_corrects_quantity_options_and_name(desk):
    order = requested_order(items=2)
    first, second = order.items.all()
    page = desk.get(f"/admin/orders/{order.pk}/quote/").content.decode()
    assert f'name="quantity_{first.pk}"' in page and f'name="options_{first.pk}"' in page
    assert f'name="name_{first.pk}"' in page

    data = quote_form(
        order,
        **{
            f"quantity_{first.pk}": "3",
            f"options_{first.pk}": "Size L, navy",
            f"name_{first.pk}": "Wool coat",
            f"quantity_{second.pk}": str(second.quantity),
            f"options_{second.pk}": second.options,
            f"name_{second.pk}": second.name,
        },
    )
    response = desk.post(f"/admin/orders/{order.pk}/quote/", data)
    assert response.status_code == 302, response.content
    first.refresh_from_db()
    assert (first.quantity, first.options, first.name) == (3, "Size L, navy", "Wool coat")
    assert first.name_status == OrderItem.NameStatus.READY
    order.refresh_from_db()
    assert order.status == Order.Status.QUOTED
    assert order.items_subtotal_krw == 10_000 * 3 + 10_000 * second.quantity  # priced with the corrected quantity
    event = order.events.get(kind=OrderEvent.Kind.QUOTED)
    changes = event.data["item_changes"]
    assert set(changes) == {str(first.pk)}  # the unchanged item is not recorded
    assert changes[str(first.pk)]["quantity"][1] == 3 and changes[str(first.pk)]["name"][1] == "Wool coat"


@pytest.mark.parametrize("quantity", ["0", "100", "-1", "x"])
def test_admin_quote_rejects_a_bad_quantity_and_changes_nothing(desk, quantity):
    order = requested_order()
    item = order.items.get()
    response = desk.post(f"/admin/orders/{order.pk}/quote/", quote_form(order, **{f"quantity_{item.pk}": quantity}))
    assert response.status_code == 200  # the form again, with its error
    assert "error-message" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED and order.items.get().quantity == item.quantity


def test_items_are_read_only_outside_requested(desk):
    order = quoted_order()
    item = order.items.get()
    screen = desk.get(f"/admin/orders/{order.pk}/").content.decode()
    assert f'name="quantity_{item.pk}"' not in screen and "/quote/" not in screen
    # A stale link to the quote form does not open an editable form.
    response = desk.get(f"/admin/orders/{order.pk}/quote/")
    assert response.status_code == 302 and response["Location"] == f"/admin/orders/{order.pk}/"
    response = desk.post(f"/admin/orders/{order.pk}/quote/", quote_form(order, **{f"quantity_{item.pk}": "7"}))
    assert response.status_code == 302
    assert order.items.get().quantity == item.quantity


def test_staff_api_quote_accepts_corrections(staff_client):
    order = requested_order(items=2)
    first, second = order.items.all()
    body = {
        "items": [
            {"id": first.pk, "unit_price_krw": 5_000, "quantity": 4, "options": "Red", "name": "Mug"},
            {"id": second.pk, "unit_price_krw": 5_000},
        ],
        "domestic_shipping_krw": 0,
    }
    response = staff_client.post(f"{BASE}{order.number}/quote/", body, format="json")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert (items[0]["quantity"], items[0]["options"], items[0]["name"]) == (4, "Red", "Mug")
    assert items[1]["quantity"] == second.quantity and items[1]["options"] == second.options
    event = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.QUOTED)
    assert event.data["item_changes"][str(first.pk)]["quantity"] == [first.quantity, 4]
    assert str(second.pk) not in event.data["item_changes"]


@pytest.mark.parametrize(
    "correction",
    [{"quantity": 0}, {"quantity": 100}, {"quantity": "many"}, {"options": "x" * 501}, {"name": "n" * 201}],
)
def test_staff_api_bad_corrections_are_400_and_nothing_changes(staff_client, correction):
    order = requested_order()
    item = order.items.get()
    body = {"items": [{"id": item.pk, "unit_price_krw": 5_000, **correction}], "domestic_shipping_krw": 0}
    response = staff_client.post(f"{BASE}{order.number}/quote/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED
    fresh = order.items.get()
    assert (fresh.quantity, fresh.options, fresh.name) == (item.quantity, item.options, item.name)


def test_staff_api_corrections_after_quoting_are_409(staff_client):
    order = quoted_order()
    item = order.items.get()
    body = {"items": [{"id": item.pk, "unit_price_krw": 5_000, "quantity": 9}], "domestic_shipping_krw": 0}
    assert staff_client.post(f"{BASE}{order.number}/quote/", body, format="json").status_code == 409
    assert order.items.get().quantity == item.quantity


def test_service_rejects_bad_corrections():
    from bidangil.errors import InvalidInput
    from commerce.orders.services import quote_order

    order = requested_order()
    item = order.items.get()
    with pytest.raises(InvalidInput):
        quote_order(
            order_id=order.pk,
            actor=None,
            items=[{"id": item.pk, "unit_price_krw": 1000, "quantity": 0}],
            domestic_shipping_krw=0,
        )
    assert order.items.get().quantity == item.quantity
