from drf_spectacular.drainage import GENERATOR_STATS

from tests.schema_helpers import assert_response

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


def test_account_paths_are_documented(schema):
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


def test_me_without_an_address_matches_the_schema(schema, user_client):
    response = user_client.get("/api/v1/me/")
    assert response.json()["default_address_id"] is None
    assert_response(schema, "/api/v1/me/", "get", response)
