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


def test_account_views_generate_without_warnings(schema):
    messages = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    ours = [m for m in messages if "accounts/" in m or "bidangil/api/" in m]
    assert ours == []
