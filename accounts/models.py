from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class UserManager(BaseUserManager):
    use_in_migrations = True

    def normalize_email(self, email):
        return (email or "").strip().lower()

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=self.normalize_email(email))


class Language(models.TextChoices):
    """The languages of the site, each labelled in itself (settings.LANGUAGES)."""

    ENGLISH = "en", "English"
    KOREAN = "ko", "한국어"


class User(AbstractUser):
    """Signs in with an email address; `is_active` stays False until the email is verified."""

    username = None
    email = models.EmailField(_lazy("email address"), unique=True)
    phone = models.CharField(max_length=32, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    notify_by_email = models.BooleanField(default=True)
    notify_by_sms = models.BooleanField(default=False)
    language = models.CharField(
        max_length=8,
        choices=Language.choices,
        blank=True,
        help_text=_lazy("The language of the site and of emails, notifications and SMS; empty follows the browser."),
    )
    closed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_lazy("When the member closed the account (accounts.privacy).")
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email


class Address(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(max_length=100)
    phone = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=2, default="US", help_text=_lazy("ISO 3166-1 alpha-2"))
    state = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        verbose_name_plural = _lazy("addresses")

    def __str__(self):
        return f"{self.name}, {self.line1}, {self.city}"

    def as_snapshot(self) -> dict:
        """The address frozen onto an order, so later edits do not move a parcel."""
        return {
            field: getattr(self, field)
            for field in ("name", "phone", "country", "state", "city", "line1", "line2", "postal_code")
        }


class EmailCode(models.Model):
    """A 6-digit code sent by email; only its hash is stored.

    A sign-up code confirmed before any account exists (the code-first flow) keeps the hash of the one-time
    proof handed to whoever confirmed it: only that proof turns the confirmation into an account.
    """

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _lazy("Sign-up verification")
        PASSWORD_RESET = "password_reset", _lazy("Password reset")

    email = models.EmailField()
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    proof_hash = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["email", "purpose", "-created_at"])]

    def __str__(self):
        return f"{self.purpose} code for {self.email}"


class CodeLockout(models.Model):
    """Wrong code guesses for one address, over every code and purpose: resending a code never resets them.

    Each VERIFICATION_CODE_MAX_ATTEMPTS-th wrong guess locks the address for a back-off that doubles from
    VERIFICATION_LOCK_SECONDS up to VERIFICATION_LOCK_MAX_SECONDS; a right code clears the row.
    """

    email = models.EmailField(unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.failures} wrong codes for {self.email}"


class UserSession(AbstractBaseSession):
    """A Django session that records whose it is, so an account's sessions can be ended together."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
