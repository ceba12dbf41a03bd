from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bidangil.absolute import absolute_url
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


class _ExportAccount(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "notify_by_email",
            "notify_by_sms",
            "email_verified_at",
            "date_joined",
            "last_login",
        ]


class _ExportProfile(serializers.Serializer):
    nickname = serializers.CharField()
    state = serializers.CharField(source="region_state")
    county = serializers.CharField(source="region_county")
    bio = serializers.CharField()
    avatar = serializers.SerializerMethodField()
    is_banned = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_avatar(self, profile):
        return absolute_url(profile.avatar.url, self.context.get("request")) if profile.avatar else None


class _ExportProductLookup(serializers.Serializer):
    url = serializers.URLField()
    status = serializers.CharField()
    name = serializers.CharField()
    price_krw = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class _ExportComment(serializers.Serializer):
    id = serializers.IntegerField()
    post = serializers.CharField(source="post.slug", help_text="The post's slug.")
    post_title = serializers.CharField(source="post.title")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    body = serializers.CharField()
    deleted = serializers.BooleanField(source="is_deleted")
    is_hidden = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class _ExportPostLike(serializers.Serializer):
    post = serializers.CharField(source="post.slug", help_text="Slug.")
    created_at = serializers.DateTimeField()


class _ExportCommentLike(serializers.Serializer):
    comment = serializers.IntegerField(source="comment_id")
    post = serializers.CharField(source="comment.post.slug")
    created_at = serializers.DateTimeField()


class _ExportProfileLike(serializers.Serializer):
    nickname = serializers.CharField(source="profile.nickname")
    created_at = serializers.DateTimeField()


class _ExportLikes(serializers.Serializer):
    posts = _ExportPostLike(source="post_likes", many=True)
    comments = _ExportCommentLike(source="comment_likes", many=True)
    profiles = _ExportProfileLike(source="profile_likes", many=True)


class _ExportReport(serializers.Serializer):
    post = serializers.CharField(source="post.slug", allow_null=True, help_text="Slug of a reported post.")
    comment = serializers.IntegerField(source="comment_id", allow_null=True, help_text="Id of a reported comment.")
    reason = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class _ExportAvatarRequest(serializers.Serializer):
    species = serializers.CharField()
    answers = serializers.ListField(child=serializers.IntegerField())
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class _ExportNotification(serializers.Serializer):
    """The notification as it was pushed (its payload's keys vary by type), with when it was read."""

    id = serializers.IntegerField()
    type = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, notification):
        return {**notification.as_message(), "read_at": notification.read_at}


class MemberExportOutput(serializers.Serializer):
    """GET /me/export/: everything stored about the member (an accounts.selectors.MemberExport)."""

    exported_at = serializers.SerializerMethodField()
    account = _ExportAccount(source="user")
    profile = serializers.SerializerMethodField()
    addresses = AddressSerializer(many=True)
    orders = OrderDetailSerializer(many=True)
    product_lookups = _ExportProductLookup(many=True)
    posts = PostDetail(many=True, help_text="Every post the member wrote, drafts and hidden ones too.")
    comments = _ExportComment(many=True)
    likes = _ExportLikes(source="*")
    reports = _ExportReport(many=True)
    avatar_requests = _ExportAvatarRequest(many=True)
    notifications = _ExportNotification(many=True)

    @extend_schema_field(serializers.DateTimeField())
    def get_exported_at(self, data):
        return timezone.now()

    @extend_schema_field(_ExportProfile(allow_null=True))
    def get_profile(self, data):
        profile = getattr(data.user, "profile", None)
        return _ExportProfile(profile, context=self.context).data if profile else None
