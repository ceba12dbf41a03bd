import pytest
from drf_spectacular.drainage import GENERATOR_STATS

from tests.schema_helpers import (
    assert_matches,
    assert_response,
    request_body,
    resolve_ref,
    response_schema,
    schema_operation,
)

ORDER_PATH_PREFIXES = ("/api/v1/orders/", "/api/v1/staff/orders/", "/api/v1/payments/")
# Intake and ship are documented by the warehouse module (commerce/api/shipping.py).
ORDER_PATHS_OWNED_ELSEWHERE = ("/intake/", "/ship/")


def _order_paths(schema):
    return [
        path
        for path in schema["paths"]
        if path.startswith(ORDER_PATH_PREFIXES) and not path.endswith(ORDER_PATHS_OWNED_ELSEWHERE)
    ]


def test_order_views_generate_without_warnings(schema):
    messages = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    # Warnings name the view's source file, or (operationId collisions) the paths involved.
    markers = ("commerce/api/", "integrations/payments/", *(f"'{prefix}" for prefix in ORDER_PATH_PREFIXES))
    ours = [m for m in messages if any(marker in m for marker in markers)]
    assert ours == []
    # The views are documented, not skipped ("unable to guess serializer" drops a view from the schema).
    assert {
        "/api/v1/orders/",
        "/api/v1/orders/{number}/",
        "/api/v1/orders/{number}/cancel/",
        "/api/v1/orders/{number}/checkout/",
        "/api/v1/staff/orders/",
        "/api/v1/staff/orders/{number}/",
        *(
            f"/api/v1/staff/orders/{{number}}/{action}/"
            for action in ("quote", "reject", "purchase", "cancel", "refund")
        ),
    } <= set(_order_paths(schema))


def test_order_operation_ids_are_plain(schema):
    ids = {
        (path, method): operation["operationId"]
        for path in _order_paths(schema)
        for method, operation in schema["paths"][path].items()
    }
    assert ids[("/api/v1/orders/", "get")] == "orders_list"
    assert ids[("/api/v1/orders/{number}/", "get")] == "orders_retrieve"
    assert ids[("/api/v1/staff/orders/", "get")] == "staff_orders_list"
    assert ids[("/api/v1/staff/orders/{number}/", "get")] == "staff_orders_retrieve"
    # Numeral suffixes are how the generator resolves collisions.
    assert not any(operation_id[-1].isdigit() for operation_id in ids.values())


def test_order_endpoints_describe_their_bodies(schema):
    orders = schema["paths"]["/api/v1/orders/"]
    assert set(request_body(schema, orders["post"])["required"]) == {"items"}
    assert {"address_id", "address", "items", "note"} == set(request_body(schema, orders["post"])["properties"])
    assert {"201", "400", "429"} <= set(orders["post"]["responses"])
    assert {"id", "number", "status", "steps", "items", "exchange_rate", "payments"} <= set(
        response_schema(schema, orders["post"], "201")["properties"]
    )
    page = response_schema(schema, orders["get"], "200")
    assert {"count", "next", "previous", "results"} == set(page["properties"])
    assert {name["name"] for name in orders["get"]["parameters"]} == {"page", "page_size", "status"}

    checkout = schema["paths"]["/api/v1/orders/{number}/checkout/"]["post"]
    assert request_body(schema, checkout)["required"] == ["stage"]
    assert {"checkout_url", "expires_at"} <= set(response_schema(schema, checkout, "200")["properties"])
    assert {"404", "409"} <= set(checkout["responses"])
    error = response_schema(schema, checkout, "409")
    assert set(resolve_ref(schema, error["properties"]["error"])["properties"]) == {"code", "message", "fields"}

    quote = schema["paths"]["/api/v1/staff/orders/{number}/quote/"]["post"]
    assert set(request_body(schema, quote)["required"]) == {"items", "domestic_shipping_krw"}
    assert "email" in response_schema(schema, quote, "200")["properties"]
    refund = schema["paths"]["/api/v1/staff/orders/{number}/refund/"]["post"]
    assert set(request_body(schema, refund)["properties"]) == {"amount_cents", "reason"}
    staff_list = schema["paths"]["/api/v1/staff/orders/"]["get"]
    assert {"status", "q", "waiting"} <= {name["name"] for name in staff_list["parameters"]}


@pytest.fixture
def full_order(client):
    """An order that went through quote and payment, then got a parcel and a shipment with a scan."""
    from django.utils import timezone

    from commerce.orders.models import Order
    from commerce.shipping.models import Parcel, Shipment, ShipmentEvent
    from tests.commerce.factories import paid_order

    order = paid_order(client)
    parcel = Parcel.objects.create(
        weight_g=1200,
        length_cm=30,
        width_cm=20,
        height_cm=10,
        billable_weight_g=1200,
        delivery_fee_cents=3200,
    )
    order.parcel = parcel
    order.save(update_fields=["parcel"])
    shipment = Shipment.objects.create(parcel=parcel, tracking_number="794600000001")
    ShipmentEvent.objects.create(shipment=shipment, occurred_at=timezone.now(), code="PU", description="Picked up")
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED, delivery_fee_cents=3200)
    return order


def test_order_responses_match_the_schema(schema, full_order, staff_client):
    from rest_framework.test import APIClient

    customer = APIClient()
    customer.force_authenticate(full_order.user)
    cases = [
        (customer, "/api/v1/orders/", "/api/v1/orders/"),
        (customer, f"/api/v1/orders/{full_order.number}/", "/api/v1/orders/{number}/"),
        (staff_client, "/api/v1/staff/orders/", "/api/v1/staff/orders/"),
        (staff_client, f"/api/v1/staff/orders/{full_order.number}/", "/api/v1/staff/orders/{number}/"),
    ]
    for api_client, url, path in cases:
        response = api_client.get(url)
        assert response.status_code == 200
        node = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert_matches(schema, node, response.json(), path)
    detail = customer.get(f"/api/v1/orders/{full_order.number}/").json()
    # Everything optional is filled in, so the nested shapes were really compared.
    assert all(detail[key] for key in ("quote", "delivery_quote", "payments", "parcel", "shipment", "events"))
    assert detail["shipment"]["scans"]

    checkout = APIClient()
    checkout.force_authenticate(full_order.user)
    from tests.commerce.factories import quoted_order

    quoted = quoted_order(full_order.user)
    response = checkout.post(f"/api/v1/orders/{quoted.number}/checkout/", {"stage": "items"}, format="json")
    assert response.status_code == 200
    node = schema["paths"]["/api/v1/orders/{number}/checkout/"]["post"]["responses"]["200"]["content"]
    assert_matches(schema, node["application/json"]["schema"], response.json())
    response = checkout.post(f"/api/v1/orders/{quoted.number}/checkout/", {"stage": "delivery"}, format="json")
    assert response.status_code == 409
    node = schema["paths"]["/api/v1/orders/{number}/checkout/"]["post"]["responses"]["409"]["content"]
    assert_matches(schema, node["application/json"]["schema"], response.json())


# --- The whole schema ---------------------------------------------------------------------------------------


def test_product_info_responses_match_the_schema(schema, user_client, api_client):
    from django.utils import timezone

    from commerce.products.models import ProductLookup

    queued = user_client.post("/api/v1/product-info/", {"url": "https://shop.example/p/1"}, format="json")
    assert queued.status_code == 202
    assert_response(schema, "/api/v1/product-info/", "post", queued)
    for bad in ({"url": 5}, {"url": "ftp://shop.example/p/1"}):
        assert_response(schema, "/api/v1/product-info/", "post", user_client.post("/api/v1/product-info/", bad))
    assert_response(schema, "/api/v1/product-info/", "post", api_client.post("/api/v1/product-info/", {}))

    detail = "/api/v1/product-info/{lookup_id}/"
    ready = ProductLookup.objects.create(
        user=user_client.user,
        url="https://shop.example/p/2",
        cache_key="k",
        status=ProductLookup.Status.READY,
        name="Stoneware mug",
        price_krw=12000,
        image="https://cdn.example/mug.png",
        finished_at=timezone.now(),
    )
    for lookup_id in (queued.json()["id"], ready.pk):
        response = user_client.get(f"/api/v1/product-info/{lookup_id}/")
        assert response.status_code == 200
        assert_response(schema, detail, "get", response)
    assert_response(schema, detail, "get", user_client.get(f"/api/v1/product-info/{ready.pk + 100}/"))
    assert schema_operation(schema, detail, "get")["parameters"][0]["schema"]["type"] == "integer"
