"""Strict input serializers: unknown keys, read-only keys and non-string text are 400s, not silently dropped."""

from rest_framework import serializers

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
