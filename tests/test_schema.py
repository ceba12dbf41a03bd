from drf_spectacular.drainage import GENERATOR_STATS

from tests.schema_helpers import resolve_ref


def test_schema_generates(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["paths"]


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
    assert set(resolve_ref(schema, {"$ref": "#/components/schemas/ApiError"})["properties"]) == {"error"}
    assert {name for name in schema["components"]["schemas"] if "Error" in name} == {"ApiError", "ApiErrorDetail"}
