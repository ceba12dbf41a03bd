import pytest
from drf_spectacular.drainage import GENERATOR_STATS

ACCOUNT_PATHS = [
    "/api/v1/auth/csrf/",
    "/api/v1/auth/signup/",
    "/api/v1/auth/verify/",
    "/api/v1/auth/resend/",
    "/api/v1/auth/login/",
    "/api/v1/auth/logout/",
    "/api/v1/auth/password/reset/",
    "/api/v1/auth/password/reset/confirm/",
    "/api/v1/auth/password/change/",
    "/api/v1/me/",
    "/api/v1/me/addresses/",
    "/api/v1/me/addresses/{id}/",
    "/api/v1/me/export/",
    "/api/v1/me/close/",
]


@pytest.fixture
def schema(client, db):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_generates(schema):
    assert schema["openapi"].startswith("3.")
    assert set(ACCOUNT_PATHS) <= set(schema["paths"])


def test_account_endpoints_describe_their_bodies(schema):
    signup = schema["paths"]["/api/v1/auth/signup/"]["post"]
    body = signup["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][body]["required"]) == {"email", "password", "nickname"}
    assert {"201", "400", "429"} <= set(signup["responses"])
    login = schema["paths"]["/api/v1/auth/login/"]["post"]["responses"]["200"]
    login_ref = login["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"user", "token", "csrfToken"} <= set(schema["components"]["schemas"][login_ref]["properties"])


def test_export_and_close_are_described(schema):
    export = schema["paths"]["/api/v1/me/export/"]["get"]
    ref = export["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    parts = schema["components"]["schemas"][ref]["properties"]
    assert {"account", "profile", "addresses", "orders", "posts", "comments", "likes", "notifications"} <= set(parts)
    close = schema["paths"]["/api/v1/me/close/"]["post"]
    body = close["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][body]["required"] == ["password"]
    assert {"204", "400", "403", "409", "429"} <= set(close["responses"])


def test_account_views_generate_without_warnings(schema):
    messages = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    ours = [m for m in messages if "accounts/" in m or "bidangil/api/" in m]
    assert ours == []


# --- Orders, staff orders, payments -----------------------------------------------------------------------

ORDER_PATH_PREFIXES = ("/api/v1/orders/", "/api/v1/staff/orders/", "/api/v1/payments/")
# Intake and ship are documented by the warehouse module (commerce/shipping_api.py).
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


def _ref(schema, node):
    return schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]


def _body(schema, operation):
    return _ref(schema, operation["requestBody"]["content"]["application/json"]["schema"])


def _response(schema, operation, code):
    return _ref(schema, operation["responses"][code]["content"]["application/json"]["schema"])


def test_order_endpoints_describe_their_bodies(schema):
    orders = schema["paths"]["/api/v1/orders/"]
    assert set(_body(schema, orders["post"])["required"]) == {"items"}
    assert {"address_id", "address", "items", "note"} == set(_body(schema, orders["post"])["properties"])
    assert {"201", "400", "429"} <= set(orders["post"]["responses"])
    assert {"id", "number", "status", "steps", "items", "exchange_rate", "payments"} <= set(
        _response(schema, orders["post"], "201")["properties"]
    )
    page = _response(schema, orders["get"], "200")
    assert {"count", "next", "previous", "results"} == set(page["properties"])
    assert {name["name"] for name in orders["get"]["parameters"]} == {"page", "page_size", "status"}

    checkout = schema["paths"]["/api/v1/orders/{number}/checkout/"]["post"]
    assert _body(schema, checkout)["required"] == ["stage"]
    assert {"checkout_url", "expires_at"} <= set(_response(schema, checkout, "200")["properties"])
    assert {"404", "409"} <= set(checkout["responses"])
    error = _response(schema, checkout, "409")
    assert set(_ref(schema, error["properties"]["error"])["properties"]) == {"code", "message", "fields"}

    quote = schema["paths"]["/api/v1/staff/orders/{number}/quote/"]["post"]
    assert set(_body(schema, quote)["required"]) == {"items", "domestic_shipping_krw"}
    assert "email" in _response(schema, quote, "200")["properties"]
    refund = schema["paths"]["/api/v1/staff/orders/{number}/refund/"]["post"]
    assert set(_body(schema, refund)["properties"]) == {"amount_cents", "reason"}
    staff_list = schema["paths"]["/api/v1/staff/orders/"]["get"]
    assert {"status", "q", "waiting"} <= {name["name"] for name in staff_list["parameters"]}


def _assert_matches(schema, node, value, where="$"):
    """`value` (a real response) has exactly the keys and JSON types the schema node describes."""
    if "$ref" in node:
        node = _ref(schema, node)
    if "allOf" in node:
        return _assert_matches(schema, {**node["allOf"][0], "nullable": node.get("nullable", False)}, value, where)
    if value is None:
        assert node.get("nullable"), f"{where} is null but not nullable"
        return
    if "enum" in node:
        assert value in node["enum"], f"{where}: {value!r} not in enum"
        return
    expected = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool}.get(node.get("type"))
    if expected:
        assert isinstance(value, expected), f"{where}: {value!r} is not {node['type']}"
    if "properties" in node:
        assert set(value) == set(node["properties"]), f"{where}: keys differ"
        for key, child in node["properties"].items():
            _assert_matches(schema, child, value[key], f"{where}.{key}")
    if node.get("type") == "array":
        for index, item in enumerate(value):
            _assert_matches(schema, node["items"], item, f"{where}[{index}]")


@pytest.fixture
def full_order(client):
    """An order that went through quote and payment, then got a parcel and a shipment with a scan."""
    from django.utils import timezone

    from commerce.orders.models import Order
    from commerce.shipping.models import Parcel, Shipment, ShipmentEvent
    from tests.commerce.factories import paid_order

    order = paid_order(client)
    Parcel.objects.create(
        order=order,
        weight_g=1200,
        length_cm=30,
        width_cm=20,
        height_cm=10,
        billable_weight_g=1200,
        delivery_fee_cents=3200,
    )
    shipment = Shipment.objects.create(order=order, tracking_number="794600000001")
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
        _assert_matches(schema, node, response.json(), path)
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
    _assert_matches(schema, node["application/json"]["schema"], response.json())
    response = checkout.post(f"/api/v1/orders/{quoted.number}/checkout/", {"stage": "delivery"}, format="json")
    assert response.status_code == 409
    node = schema["paths"]["/api/v1/orders/{number}/checkout/"]["post"]["responses"]["409"]["content"]
    _assert_matches(schema, node["application/json"]["schema"], response.json())


# --- The whole schema ---------------------------------------------------------------------------------------


def test_schema_generation_has_no_warnings_or_errors(schema):
    """Every view is documented: a warning or error anywhere (not only in one app) fails here."""
    from drf_spectacular.validation import validate_schema

    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}
    validate_schema(schema)  # raises if the document is not valid OpenAPI 3


def test_error_bodies_share_one_component(schema):
    """Every documented 4xx body is the one ApiError shape, whichever app documents it."""
    refs = {
        response["content"]["application/json"]["schema"]["$ref"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for code, response in operation.get("responses", {}).items()
        if code.startswith("4") and "content" in response
    }
    assert refs == {"#/components/schemas/ApiError"}
    assert set(_ref(schema, {"$ref": "#/components/schemas/ApiError"})["properties"]) == {"error"}
    assert {name for name in schema["components"]["schemas"] if "Error" in name} == {"ApiError", "ApiErrorDetail"}


def _operation(schema, path, method):
    return schema["paths"][path][method]


def _assert_response(schema, path, method, response):
    """`response` is documented for its status code, and its body matches the documented shape."""
    documented = _operation(schema, path, method)["responses"]
    assert str(response.status_code) in documented, f"{method} {path}: {response.status_code} not documented"
    node = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    _assert_matches(schema, node, response.json(), f"{method} {path} {response.status_code}")


def test_product_info_responses_match_the_schema(schema, user_client, api_client):
    from django.utils import timezone

    from commerce.products.models import ProductLookup

    queued = user_client.post("/api/v1/product-info/", {"url": "https://shop.example/p/1"}, format="json")
    assert queued.status_code == 202
    _assert_response(schema, "/api/v1/product-info/", "post", queued)
    for bad in ({"url": 5}, {"url": "ftp://shop.example/p/1"}):
        _assert_response(schema, "/api/v1/product-info/", "post", user_client.post("/api/v1/product-info/", bad))
    _assert_response(schema, "/api/v1/product-info/", "post", api_client.post("/api/v1/product-info/", {}))

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
        _assert_response(schema, detail, "get", response)
    _assert_response(schema, detail, "get", user_client.get(f"/api/v1/product-info/{ready.pk + 100}/"))
    assert _operation(schema, detail, "get")["parameters"][0]["schema"]["type"] == "integer"


def test_avatar_responses_match_the_schema(schema, user_client, api_client, django_capture_on_commit_callbacks):
    choices = api_client.get("/api/v1/avatar/choices/")
    assert choices.status_code == 200
    _assert_response(schema, "/api/v1/avatar/choices/", "get", choices)
    assert _operation(schema, "/api/v1/avatar/choices/", "get")["security"] == [{}]  # public

    mine = "/api/v1/me/avatar/"
    before = user_client.get(mine)
    assert before.json()["status"] == "none"
    _assert_response(schema, mine, "get", before)
    body = {"species": "panda", "answers": [0, 1, 2, 3]}
    request_schema = _body(schema, _operation(schema, mine, "post"))
    assert set(request_schema["properties"]) == set(body)
    queued = user_client.post(mine, body, format="json")
    assert queued.status_code == 202
    _assert_response(schema, mine, "post", queued)
    _assert_response(schema, mine, "get", user_client.get(mine))  # pending
    in_progress = user_client.post(mine, body, format="json")
    assert in_progress.status_code == 409
    _assert_response(schema, mine, "post", in_progress)
    _assert_response(schema, mine, "post", user_client.post(mine, {"species": "cat"}, format="json"))
    _assert_response(schema, mine, "get", api_client.get(mine))

    from community.avatars import services as avatars

    with django_capture_on_commit_callbacks(execute=True):
        avatars.generate(queued.json()["job"])
    ready = user_client.get(mine)
    assert ready.json()["status"] == "ready" and ready.json()["url"]
    _assert_response(schema, mine, "get", ready)


def test_notification_responses_match_the_schema(schema, user_client, api_client):
    from notifications.services import notify

    for number in range(3):
        notify(user_client.user.pk, "order.status", {"order": f"B-{number}", "status": "quoted"})
    inbox = user_client.get("/api/v1/notifications/")
    assert inbox.status_code == 200 and inbox.json()["unread"] == 3
    _assert_response(schema, "/api/v1/notifications/", "get", inbox)
    _assert_response(schema, "/api/v1/notifications/", "get", user_client.get("/api/v1/notifications/?page=9"))
    _assert_response(schema, "/api/v1/notifications/", "get", api_client.get("/api/v1/notifications/"))

    read = "/api/v1/notifications/read/"
    first = inbox.json()["results"][0]["id"]
    marked = user_client.post(read, {"ids": [first]}, format="json")
    assert marked.json() == {"updated": 1, "unread": 2}
    _assert_response(schema, read, "post", marked)
    _assert_response(schema, read, "post", user_client.post(read, {"all": True}, format="json"))
    _assert_response(schema, read, "post", user_client.post(read, {}, format="json"))
    assert set(_body(schema, _operation(schema, read, "post"))["properties"]) == {"ids", "all"}
    after = user_client.get("/api/v1/notifications/")
    assert after.json()["results"][0]["read"] is True
    _assert_response(schema, "/api/v1/notifications/", "get", after)


def test_me_without_an_address_matches_the_schema(schema, user_client):
    response = user_client.get("/api/v1/me/")
    assert response.json()["default_address_id"] is None
    _assert_response(schema, "/api/v1/me/", "get", response)


def test_notification_types_are_an_enum(schema):
    from notifications.models import Notification

    properties = schema["components"]["schemas"]["Notification"]["properties"]
    type_schema = properties["type"]
    if "$ref" in type_schema:
        type_schema = schema["components"]["schemas"][type_schema["$ref"].rsplit("/", 1)[-1]]
    elif "allOf" in type_schema:
        type_schema = schema["components"]["schemas"][type_schema["allOf"][0]["$ref"].rsplit("/", 1)[-1]]
    assert set(type_schema["enum"]) == set(Notification.Type.values)
