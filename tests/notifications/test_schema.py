from tests.schema_helpers import assert_response, request_body, schema_operation


def test_notification_responses_match_the_schema(schema, user_client, api_client):
    from notifications.services import notify

    for number in range(3):
        notify(user_client.user.pk, "order.status", {"order": f"B-{number}", "status": "quoted"})
    inbox = user_client.get("/api/v1/notifications/")
    assert inbox.status_code == 200 and inbox.json()["unread"] == 3
    assert_response(schema, "/api/v1/notifications/", "get", inbox)
    assert_response(schema, "/api/v1/notifications/", "get", user_client.get("/api/v1/notifications/?page=9"))
    assert_response(schema, "/api/v1/notifications/", "get", api_client.get("/api/v1/notifications/"))

    read = "/api/v1/notifications/read/"
    first = inbox.json()["results"][0]["id"]
    marked = user_client.post(read, {"ids": [first]}, format="json")
    assert marked.json() == {"updated": 1, "unread": 2}
    assert_response(schema, read, "post", marked)
    assert_response(schema, read, "post", user_client.post(read, {"all": True}, format="json"))
    assert_response(schema, read, "post", user_client.post(read, {}, format="json"))
    assert set(request_body(schema, schema_operation(schema, read, "post"))["properties"]) == {"ids", "all"}
    after = user_client.get("/api/v1/notifications/")
    assert after.json()["results"][0]["read"] is True
    assert_response(schema, "/api/v1/notifications/", "get", after)


def test_notification_types_are_an_enum(schema):
    from notifications.models import Notification

    properties = schema["components"]["schemas"]["Notification"]["properties"]
    type_schema = properties["type"]
    if "$ref" in type_schema:
        type_schema = schema["components"]["schemas"][type_schema["$ref"].rsplit("/", 1)[-1]]
    elif "allOf" in type_schema:
        type_schema = schema["components"]["schemas"][type_schema["allOf"][0]["$ref"].rsplit("/", 1)[-1]]
    assert set(type_schema["enum"]) == set(Notification.Type.values)
