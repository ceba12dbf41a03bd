from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from bidangil.api.serializers import MAX_ID, StrictCharField, StrictEmailField, StrictModelSerializer, StrictSerializer

from .models import Address, User
from .validators import address_problems, normalize_phone


def _code_field():
    return StrictCharField(
        max_length=6, validators=[RegexValidator(r"^\d{6}$", "Enter the 6-digit code from the email.")]
    )


def _email_field():
    return StrictEmailField(max_length=254)


def _password_field():
    # Passwords are taken as typed: no trimming; the cap keeps hashing cheap.
    return StrictCharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


def _check_password_strength(password: str, *, user: User, field: str) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({field: list(exc.messages)}) from None


def _normalized(email: str) -> str:
    return User.objects.normalize_email(email)


class SignupInput(StrictSerializer):
    email = _email_field()
    password = _password_field()
    nickname = StrictCharField(max_length=16)

    def validate(self, attrs):
        attrs["email"] = _normalized(attrs["email"])
        _check_password_strength(attrs["password"], user=User(email=attrs["email"]), field="password")
        return attrs


class EmailInput(StrictSerializer):
    email = _email_field()

    def validate_email(self, value):
        return _normalized(value)


class VerifyInput(EmailInput):
    code = _code_field()


class LoginInput(EmailInput):
    password = _password_field()


class PasswordResetConfirmInput(EmailInput):
    code = _code_field()
    new_password = _password_field()

    def validate(self, attrs):
        user = User.objects.filter(email__iexact=attrs["email"]).first() or User(email=attrs["email"])
        _check_password_strength(attrs["new_password"], user=user, field="new_password")
        return attrs


class PasswordChangeInput(StrictSerializer):
    old_password = _password_field()
    new_password = _password_field()

    def validate(self, attrs):
        _check_password_strength(attrs["new_password"], user=self.context["request"].user, field="new_password")
        return attrs


class UserSerializer(StrictModelSerializer):
    """The signed-in account (`me`); email, nickname and verification are read-only here."""

    nickname = serializers.CharField(source="profile.nickname", read_only=True, default="")
    email_verified = serializers.SerializerMethodField()
    # Null in answers (no address yet); a PATCH must name an address.
    default_address_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "nickname",
            "first_name",
            "last_name",
            "phone",
            "notify_by_email",
            "notify_by_sms",
            "default_address_id",
            "email_verified",
            "is_staff",
            "date_joined",
        ]
        read_only_fields = ["id", "email", "is_staff", "date_joined"]

    def validate_default_address_id(self, value):
        if value is None:
            raise serializers.ValidationError("This field may not be null.")
        return value

    def get_email_verified(self, user) -> bool:
        return user.email_verified_at is not None

    def validate_phone(self, value):
        if not value:
            return ""
        try:
            return normalize_phone(value, "US")  # numbers without +country are read as US numbers
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class AddressSerializer(StrictModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "name",
            "phone",
            "country",
            "state",
            "city",
            "line1",
            "line2",
            "postal_code",
            "is_default",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"phone": {"required": True, "allow_blank": False}, "country": {"required": True}}

    def validate_country(self, value):
        return value.upper()

    def validate(self, attrs):
        current = {name: getattr(self.instance, name) for name in self.Meta.fields} if self.instance else {}
        merged = {**current, **attrs}
        country = merged.get("country", "")
        state = (merged.get("state") or "").strip()
        postal_code = (merged.get("postal_code") or "").strip()
        problems = address_problems(country=country, state=state, postal_code=postal_code)
        if problems:
            raise serializers.ValidationError(problems)
        if country == "US" and ("state" in attrs or "country" in attrs):
            attrs["state"] = state.upper()
        if "phone" in attrs or "country" in attrs:
            try:
                attrs["phone"] = normalize_phone(merged.get("phone") or "", country)
            except ValueError as exc:
                raise serializers.ValidationError({"phone": [str(exc)]}) from None
        return attrs


CsrfTokenOutput = inline_serializer("CsrfTokenOutput", {"csrfToken": serializers.CharField()})
LoginOutput = inline_serializer(
    "LoginOutput",
    {
        "user": UserSerializer(),
        "token": serializers.CharField(),
        "csrfToken": serializers.CharField(help_text="The CSRF token after sign-in rotated it: send it from now on."),
    },
)


class DetailOutput(serializers.Serializer):
    detail = serializers.CharField()
