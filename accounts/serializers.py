from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from bidangil.api.serializers import MAX_ID, StrictCharField, StrictEmailField, StrictModelSerializer, StrictSerializer
from commerce.api.serializers import OrderDetailSerializer
from community import limits as community_limits
from community.api.serializers import PostDetail

from .models import Address, User
from .validators import address_problems, normalize_phone


def _code_field():
    return StrictCharField(
        max_length=6, validators=[RegexValidator(r"^\d{6}$", _lazy("Enter the 6-digit code from the email."))]
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
    nickname = StrictCharField(max_length=community_limits.NICKNAME_MAX_LENGTH)

    def validate(self, attrs):
        attrs["email"] = _normalized(attrs["email"])
        _check_password_strength(attrs["password"], user=User(email=attrs["email"]), field="password")
        return attrs


class EmailInput(StrictSerializer):
    email = _email_field()

    def validate_email(self, value):
        return _normalized(value)


class EmailCodeInput(EmailInput):
    code = _code_field()


class VerifyInput(EmailCodeInput):
    # The password of the sign-up: the code proves the mailbox, the password who started the sign-up.
    password = _password_field()


class LoginInput(EmailInput):
    password = _password_field()


class PasswordResetConfirmInput(EmailCodeInput):
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
            "language",
            "default_address_id",
            "email_verified",
            "is_staff",
            "date_joined",
        ]
        read_only_fields = ["id", "email", "is_staff", "date_joined"]

    def validate_default_address_id(self, value):
        if value is None:
            raise serializers.ValidationError(_("This field may not be null."))
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


class CsrfTokenOutput(serializers.Serializer):
    csrfToken = serializers.CharField()  # noqa: N815  (the client's key)


class LoginOutput(serializers.Serializer):
    user = UserSerializer()
    token = serializers.CharField()
    csrfToken = serializers.CharField(  # noqa: N815
        help_text="The CSRF token after sign-in rotated it: send it from now on."
    )


class SignupOutput(serializers.Serializer):
    email = serializers.EmailField()
    detail = serializers.CharField()


class VerifyOutput(serializers.Serializer):
    user = UserSerializer()


class PasswordChangeOutput(serializers.Serializer):
    token = serializers.CharField()


class DetailOutput(serializers.Serializer):
    detail = serializers.CharField()


class CloseAccountInput(StrictSerializer):
    password = _password_field()


def _export_output():
    """The shape of GET /me/export/ (accounts.privacy.build_export), for the schema."""

    def rows(name, fields):
        return inline_serializer(name, fields, many=True)

    at = serializers.DateTimeField
    return inline_serializer(
        "MemberExport",
        {
            "exported_at": at(),
            "account": inline_serializer(
                "MemberExportAccount",
                {
                    "id": serializers.IntegerField(),
                    "email": serializers.EmailField(),
                    "first_name": serializers.CharField(),
                    "last_name": serializers.CharField(),
                    "phone": serializers.CharField(),
                    "notify_by_email": serializers.BooleanField(),
                    "notify_by_sms": serializers.BooleanField(),
                    "email_verified_at": at(allow_null=True),
                    "date_joined": at(),
                    "last_login": at(allow_null=True),
                },
            ),
            "profile": inline_serializer(
                "MemberExportProfile",
                {
                    "nickname": serializers.CharField(),
                    "state": serializers.CharField(),
                    "county": serializers.CharField(),
                    "bio": serializers.CharField(),
                    "avatar": serializers.URLField(allow_null=True),
                    "is_banned": serializers.BooleanField(),
                    "created_at": at(),
                },
                allow_null=True,
            ),
            "addresses": AddressSerializer(many=True),
            "orders": OrderDetailSerializer(many=True),
            "product_lookups": rows(
                "MemberExportProductLookup",
                {
                    "url": serializers.URLField(),
                    "status": serializers.CharField(),
                    "name": serializers.CharField(),
                    "price_krw": serializers.IntegerField(allow_null=True),
                    "created_at": at(),
                },
            ),
            "posts": PostDetail(many=True, help_text="Every post the member wrote, drafts and hidden ones too."),
            "comments": rows(
                "MemberExportComment",
                {
                    "id": serializers.IntegerField(),
                    "post": serializers.CharField(help_text="The post's slug."),
                    "post_title": serializers.CharField(),
                    "parent": serializers.IntegerField(allow_null=True),
                    "body": serializers.CharField(),
                    "deleted": serializers.BooleanField(),
                    "is_hidden": serializers.BooleanField(),
                    "created_at": at(),
                    "edited_at": at(allow_null=True),
                },
            ),
            "likes": inline_serializer(
                "MemberExportLikes",
                {
                    "posts": rows(
                        "MemberExportPostLike", {"post": serializers.CharField(help_text="Slug."), "created_at": at()}
                    ),
                    "comments": rows(
                        "MemberExportCommentLike",
                        {"comment": serializers.IntegerField(), "post": serializers.CharField(), "created_at": at()},
                    ),
                    "profiles": rows(
                        "MemberExportProfileLike", {"nickname": serializers.CharField(), "created_at": at()}
                    ),
                },
            ),
            "reports": rows(
                "MemberExportReport",
                {
                    "post": serializers.CharField(allow_null=True, help_text="Slug of a reported post."),
                    "comment": serializers.IntegerField(allow_null=True, help_text="Id of a reported comment."),
                    "reason": serializers.CharField(),
                    "status": serializers.CharField(),
                    "created_at": at(),
                },
            ),
            "avatar_requests": rows(
                "MemberExportAvatarRequest",
                {
                    "species": serializers.CharField(),
                    "answers": serializers.ListField(child=serializers.IntegerField()),
                    "status": serializers.CharField(),
                    "created_at": at(),
                    "finished_at": at(allow_null=True),
                },
            ),
            "notifications": rows(
                "MemberExportNotification",
                {
                    "id": serializers.IntegerField(),
                    "type": serializers.CharField(),
                    "created_at": at(),
                    "read_at": at(allow_null=True),
                },
            ),
        },
    )


MemberExportOutput = _export_output()
