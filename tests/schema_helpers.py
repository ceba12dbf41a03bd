"""Reading the OpenAPI schema and checking responses against it; the `schema` fixture is in tests/conftest.py."""


def resolve_ref(schema, node):
    return schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]


def request_body(schema, operation):
    return resolve_ref(schema, operation["requestBody"]["content"]["application/json"]["schema"])


def response_schema(schema, operation, code):
    return resolve_ref(schema, operation["responses"][code]["content"]["application/json"]["schema"])


def assert_matches(schema, node, value, where="$"):
    """`value` (a real response) has exactly the keys and JSON types the schema node describes."""
    if "$ref" in node:
        node = {**resolve_ref(schema, node), **({"nullable": True} if node.get("nullable") else {})}
    if "allOf" in node:
        return assert_matches(schema, {**node["allOf"][0], "nullable": node.get("nullable", False)}, value, where)
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
            assert_matches(schema, child, value[key], f"{where}.{key}")
    if node.get("type") == "array":
        for index, item in enumerate(value):
            assert_matches(schema, node["items"], item, f"{where}[{index}]")


def schema_operation(schema, path, method):
    return schema["paths"][path][method]


def assert_response(schema, path, method, response):
    """`response` is documented for its status code, and its body matches the documented shape."""
    documented = schema_operation(schema, path, method)["responses"]
    assert str(response.status_code) in documented, f"{method} {path}: {response.status_code} not documented"
    node = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    assert_matches(schema, node, response.json(), f"{method} {path} {response.status_code}")
