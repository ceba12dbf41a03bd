"""Every v1 request body and query serializer refuses unknown fields: generated from the schema's endpoints."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

UNKNOWN = "no_such_field"


def _operations():
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    for path, _regex, method, callback in generator.endpoints:
        if not path.startswith("/api/v1/"):
            continue
        view = generator.create_view(callback, method)
        found = []
        if method in ("POST", "PUT", "PATCH"):
            body = view.schema.get_request_serializer()
            found += list(body.values()) if isinstance(body, dict) else [body]
        found += [p for p in view.schema.get_override_parameters() if not hasattr(p, "name")]
        for serializer in found:
            if serializer is not None:
                yield f"{method} {path}", serializer


def _serializer_classes(serializer, seen=None):
    """The serializer and every serializer nested in it (list items included)."""
    seen = set() if seen is None else seen
    instance = serializer() if isinstance(serializer, type) else serializer
    if isinstance(instance, serializers.ListSerializer):
        instance = instance.child
    if not isinstance(instance, serializers.Serializer) or type(instance) in seen:
        return seen
    seen.add(type(instance))
    for field in instance.fields.values():
        if isinstance(field, serializers.ListField):
            field = field.child
        if isinstance(field, serializers.BaseSerializer) and not field.read_only:
            _serializer_classes(field, seen)
    return seen


OPERATIONS = sorted(
    {(operation, cls) for operation, serializer in _operations() for cls in _serializer_classes(serializer)},
    key=lambda pair: (pair[0], pair[1].__name__),
)


def test_operations_are_found():
    names = {operation for operation, _cls in OPERATIONS}
    assert "POST /api/v1/auth/signup/" in names and "GET /api/v1/posts/" in names
    assert "POST /api/v1/staff/orders/{number}/quote/" in names


@pytest.mark.parametrize(("operation", "serializer_class"), OPERATIONS, ids=lambda v: getattr(v, "__name__", v))
def test_unknown_field_is_refused(operation, serializer_class):
    serializer = serializer_class(data={UNKNOWN: "x"}, partial=operation.startswith("PATCH"))
    assert not serializer.is_valid()
    assert serializer.errors[UNKNOWN] == ["Unknown field."]
