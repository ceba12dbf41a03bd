"""Strict input serializers: unknown keys, read-only keys and non-string text are 400s, not silently dropped."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

# Ids are BigAutoFields: a larger id cannot exist, and SQLite cannot even bind it in a query.
MAX_ID = 2**63 - 1
# Form posts from Django templates carry the CSRF token as a field; it is never data.
IGNORED_KEYS = frozenset({"csrfmiddlewaretoken"})


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of turning them into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictFieldsMixin:
    """Rejects keys the serializer does not accept: unknown ones and those naming read-only fields."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            errors = {}
            for key in data:
                if key in IGNORED_KEYS:
                    continue
                field = self.fields.get(key)
                if field is None:
                    errors[key] = ["Unknown field."]
                elif field.read_only:
                    errors[key] = ["This field is read-only."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """Base for request bodies: declare fields with StrictCharField / StrictEmailField for text."""


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """ModelSerializer whose generated text fields accept strings only."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **{
            model_field: StrictCharField
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            if field is serializers.CharField
        },
        **{
            model_field: StrictEmailField
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            if field is serializers.EmailField
        },
    }


# --- Error bodies, for the OpenAPI schema -------------------------------------------------------------------


class ApiErrorDetail(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: `invalid`, `not_found`, `throttled`, or a domain code.")
    message = serializers.CharField(help_text="One human-readable sentence.")
    fields = serializers.DictField(help_text="Messages per input field (nested like the input); empty otherwise.")


class ApiError(serializers.Serializer):
    """Every 4xx body, as rendered by bidangil.api.exceptions."""

    error = ApiErrorDetail()


def error_responses(**descriptions: str) -> dict:
    """`@extend_schema` responses for error codes, all with the ApiError body: error_responses(e404="No such …")."""
    return {
        int(code.removeprefix("e")): OpenApiResponse(ApiError, description=text) for code, text in descriptions.items()
    }
