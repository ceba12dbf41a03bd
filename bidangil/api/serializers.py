"""Strict input serializers: unknown keys, read-only keys and non-string text are 400s, not silently dropped."""

from django.utils.translation import gettext as _
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

    ignored_keys = IGNORED_KEYS

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            errors = {}
            for key in data:
                if key in self.ignored_keys:
                    continue
                field = self.fields.get(key)
                if field is None:
                    errors[key] = [_("Unknown field.")]
                elif field.read_only:
                    errors[key] = [_("This field is read-only.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """Base for request bodies: declare fields with StrictCharField / StrictEmailField for text."""


class StrictQuerySerializer(StrictSerializer):
    """Base for query strings: the pagination parameters belong to the paginator, not to the filters."""

    ignored_keys = IGNORED_KEYS | {"cursor", "page", "page_size"}


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


# What each error status means when an operation says no more.
ERROR_DESCRIPTIONS = {
    400: "Invalid input; `fields` names the bad ones.",
    401: "Not signed in.",
    403: "Not allowed.",
    404: "Not found, or not visible to you.",
    409: "Not possible in the current state.",
    413: "Too large.",
    429: "Too many requests.",
    502: "The provider refused or could not be reached; nothing was changed.",
    503: "A service we depend on is unavailable; try again later.",
}


def error_responses(*codes: int, defaults: dict[int, str] | None = None, **descriptions: str) -> dict:
    """`@extend_schema` responses with the ApiError body: error_responses(400, 401, e404="No such …").

    A bare status gets its description from `defaults`, then ERROR_DESCRIPTIONS; `eNNN="…"` says what it means
    for this operation.
    """
    texts = {**ERROR_DESCRIPTIONS, **(defaults or {})}
    statuses = {code: texts[code] for code in codes}
    statuses.update({int(key.removeprefix("e")): text for key, text in descriptions.items()})
    return {code: OpenApiResponse(ApiError, description=text) for code, text in sorted(statuses.items())}
