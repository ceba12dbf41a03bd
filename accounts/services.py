"""Account state changes: sign-up and email verification, sign-in/out, passwords, profile and address book."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate, login, logout, update_session_auth_hash
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework.authtoken.models import Token

from bidangil.errors import DomainError, Forbidden, InvalidInput
from community.models import CommunityProfile
from community.nicknames import nickname_key, validate_nickname
from community.services import create_profile

from .emails import EmailUnavailable, send_code_email
from .models import Address, EmailCode, User

logger = logging.getLogger(__name__)

MAX_ADDRESSES = 20


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email)


def _email_taken() -> InvalidInput:
    message = "An account with this email already exists."
    return InvalidInput(message, code="email_taken", fields={"email": [message]})


# --- Email codes ----------------------------------------------------------------------------


def _code_hash(*, email: str, purpose: str, code: str) -> str:
    # Keyed with SECRET_KEY: a leaked table can't be brute-forced offline over the 10^6 codes.
    return salted_hmac("accounts.EmailCode", f"{purpose}:{email}:{code}", algorithm="sha256").hexdigest()


def _issue_code(*, email: str, purpose: str) -> str:
    """Store a fresh code (replacing any unused one for the same email and purpose); returns the plain code."""
    code = f"{secrets.randbelow(10**6):06d}"
    EmailCode.objects.filter(email=email, purpose=purpose, used_at__isnull=True).delete()
    EmailCode.objects.create(
        email=email,
        purpose=purpose,
        code_hash=_code_hash(email=email, purpose=purpose, code=code),
        expires_at=timezone.now() + timedelta(seconds=settings.VERIFICATION_CODE_TTL_SECONDS),
    )
    return code


def _code_error(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, fields={"code": [message]})


def _check_code(*, email: str, purpose: str, code: str) -> tuple[EmailCode | None, InvalidInput | None]:
    """Lock the live code and compare; a wrong guess is counted on the row. Call inside a transaction.

    Returns (row, None) on a match, else (row or None, the error to raise once the transaction commits,
    so the counted attempt is kept).
    """
    row = (
        EmailCode.objects.select_for_update()
        .filter(email=email, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    max_attempts = settings.VERIFICATION_CODE_MAX_ATTEMPTS
    if row is None:
        return None, _code_error("There is no active code for this email. Request a new code.", "no_code")
    if row.attempts >= max_attempts:
        return row, _code_error("This code is locked after too many wrong tries. Request a new code.", "code_locked")
    if row.expires_at <= timezone.now():
        return row, _code_error("This code has expired. Request a new code.", "code_expired")
    if not constant_time_compare(row.code_hash, _code_hash(email=email, purpose=purpose, code=code)):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        remaining = max_attempts - row.attempts
        if remaining:
            tries = "1 try" if remaining == 1 else f"{remaining} tries"
            return row, _code_error(f"Wrong code. {tries} left.", "invalid_code")
        return row, _code_error("Wrong code. No tries left: request a new code.", "code_locked")
    return row, None


# --- Sign-up and verification ---------------------------------------------------------------


def sign_up(*, email: str, password: str, nickname: str) -> User:
    """Create an inactive account with its community profile and email it a verification code.

    Signing up again with an address that was never verified takes that account over (new password,
    nickname and code): only the owner of the mailbox can finish it. The email is sent inside the
    transaction, so a mail failure leaves nothing behind.
    """
    email = normalize_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.email_verified_at is not None:
            raise _email_taken()
        if user is None:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(email, password, is_active=False)
            except IntegrityError:
                raise _email_taken() from None
            create_profile(user=user, nickname=nickname)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
            _rename_unverified_profile(user=user, nickname=nickname)
        code = _issue_code(email=email, purpose=EmailCode.Purpose.SIGNUP)
        send_code_email(email=email, code=code, purpose=EmailCode.Purpose.SIGNUP)
    return user


def _rename_unverified_profile(*, user: User, nickname: str) -> None:
    profile = CommunityProfile.objects.filter(user=user).first()
    if profile is None:
        create_profile(user=user, nickname=nickname)
        return
    validate_nickname(nickname, exclude_user_id=user.pk)
    profile.nickname, profile.nickname_key = nickname, nickname_key(nickname)
    try:
        with transaction.atomic():
            profile.save(update_fields=["nickname", "nickname_key"])
    except IntegrityError:
        message = "This nickname is already taken."
        raise InvalidInput(message, code="invalid_nickname", fields={"nickname": [message]}) from None


def verify_email(*, email: str, code: str) -> User:
    """Check the sign-up code and activate the account (5 wrong tries lock the code)."""
    email = normalize_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.email_verified_at is not None:
            raise InvalidInput("This email is already verified. Sign in instead.", code="already_verified")
        if user is None:
            raise _code_error("There is no active code for this email. Request a new code.", "no_code")
        row, error = _check_code(email=email, purpose=EmailCode.Purpose.SIGNUP, code=code)
        if error is None:
            now = timezone.now()
            row.used_at = now
            row.save(update_fields=["used_at"])
            user.is_active = True
            user.email_verified_at = now
            user.save(update_fields=["is_active", "email_verified_at"])
    if error is not None:
        raise error
    return user


def resend_verification(*, email: str) -> None:
    """Email a new sign-up code when an unverified account has this address; otherwise do nothing.

    The answer is the same either way so the endpoint does not reveal which addresses have accounts;
    a mail failure is logged rather than reported for the same reason.
    """
    email = normalize_email(email)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().filter(email__iexact=email, email_verified_at__isnull=True).first()
            if user is None:
                return
            code = _issue_code(email=email, purpose=EmailCode.Purpose.SIGNUP)
            send_code_email(email=email, code=code, purpose=EmailCode.Purpose.SIGNUP)
    except EmailUnavailable:
        logger.warning("verification code resend failed; the user can ask again")


# --- Code-first sign-up (the original web client: prove the email, then create the account) ---------


def _verified_account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email, email_verified_at__isnull=False).exists()


def send_signup_code(*, email: str) -> None:
    """Email a sign-up code before any account exists; refused when a verified account has the address."""
    email = normalize_email(email)
    with transaction.atomic():
        if _verified_account_exists(email):
            raise _email_taken()
        code = _issue_code(email=email, purpose=EmailCode.Purpose.SIGNUP)
        send_code_email(email=email, code=code, purpose=EmailCode.Purpose.SIGNUP)


def confirm_signup_code(*, email: str, code: str) -> None:
    """Check a code from send_signup_code (same tries and expiry as verify_email); a match proves the address."""
    email = normalize_email(email)
    with transaction.atomic():
        if _verified_account_exists(email):
            raise _email_taken()
        row, error = _check_code(email=email, purpose=EmailCode.Purpose.SIGNUP, code=code)
        if error is None:
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
    if error is not None:
        raise error


def sign_up_confirmed(*, email: str, password: str, nickname: str) -> User:
    """Create an active account for an address proven by confirm_signup_code within the code lifetime.

    Raises Forbidden `email_not_verified` without that proof; the proof is spent by a successful sign-up.
    An unfinished sign-up of the address (sign_up, never verified) is taken over, as sign_up does.
    """
    email = normalize_email(email)
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.email_verified_at is not None:
            raise _email_taken()
        proofs = EmailCode.objects.select_for_update().filter(
            email=email,
            purpose=EmailCode.Purpose.SIGNUP,
            used_at__gte=now - timedelta(seconds=settings.VERIFICATION_CODE_TTL_SECONDS),
        )
        if not proofs.exists():
            raise Forbidden("Verify your email address with the emailed code first.", code="email_not_verified")
        if user is None:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(email, password, is_active=True, email_verified_at=now)
            except IntegrityError:
                raise _email_taken() from None
            create_profile(user=user, nickname=nickname)
        else:
            user.set_password(password)
            user.is_active, user.email_verified_at = True, now
            user.save(update_fields=["password", "is_active", "email_verified_at"])
            _rename_unverified_profile(user=user, nickname=nickname)
        EmailCode.objects.filter(email=email, purpose=EmailCode.Purpose.SIGNUP).delete()
    return user


# --- Sign-in and sign-out -------------------------------------------------------------------


def log_in(*, request, email: str, password: str) -> tuple[User, Token]:
    """Check the credentials, start a session (Django login) and return the user's API token."""
    email = normalize_email(email)
    user = authenticate(request, email=email, password=password)
    if user is None:
        # ModelBackend refuses inactive users; tell them apart only when the password is right.
        candidate = User.objects.filter(email__iexact=email).first()
        if candidate is not None and candidate.check_password(password):
            if candidate.email_verified_at is None:
                raise Forbidden(
                    "Verify your email address first: enter the code we emailed you, or ask for a new one.",
                    code="email_not_verified",
                )
            raise Forbidden("This account is disabled. Contact support.", code="account_disabled")
        raise InvalidInput("Email or password is incorrect.", code="invalid_credentials")
    login(request, user)
    token, _ = Token.objects.get_or_create(user=user)
    return user, token


def log_out(*, request, token: Token | None) -> None:
    """End the session; the API token is deleted only when it is what the request signed in with."""
    if token is not None:
        Token.objects.filter(pk=token.pk).delete()
    logout(request)


# --- Passwords ------------------------------------------------------------------------------


def request_password_reset(*, email: str) -> None:
    """Email a reset code to an active account with this address; silently nothing otherwise."""
    email = normalize_email(email)
    try:
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email, is_active=True).first()
            if user is None:
                return
            code = _issue_code(email=email, purpose=EmailCode.Purpose.PASSWORD_RESET)
            send_code_email(email=email, code=code, purpose=EmailCode.Purpose.PASSWORD_RESET)
    except EmailUnavailable:
        logger.warning("password reset email failed; the user can ask again")


def reset_password(*, email: str, code: str, new_password: str) -> User:
    """Set a new password with an emailed reset code; signs out every session and token of the account."""
    email = normalize_email(email)
    with transaction.atomic():
        row, error = _check_code(email=email, purpose=EmailCode.Purpose.PASSWORD_RESET, code=code)
        user = None
        if error is None:
            user = User.objects.select_for_update().filter(email__iexact=email, is_active=True).first()
            if user is None:
                error = _code_error("There is no active code for this email. Request a new code.", "no_code")
            else:
                row.used_at = timezone.now()
                row.save(update_fields=["used_at"])
                user.set_password(new_password)
                user.save(update_fields=["password"])
                # Sessions die with the password hash change; tokens need deleting.
                Token.objects.filter(user=user).delete()
    if error is not None:
        raise error
    return user


def change_password(*, request, user: User, old_password: str, new_password: str) -> Token:
    """Change the password (the old one is required); other sessions and the old token stop working.

    The caller's own session is kept and a fresh token is returned.
    """
    if not user.check_password(old_password):
        message = "The current password is incorrect."
        raise InvalidInput(message, code="invalid_password", fields={"old_password": [message]})
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
    if SESSION_KEY in request.session:  # a session client stays signed in; token clients get no session
        update_session_auth_hash(request, user)
    return token


# --- Profile and address book ---------------------------------------------------------------


def update_me(*, user: User, default_address_id: int | None = None, **fields) -> User:
    """Update the account's own editable fields and, optionally, which address is the default."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        if fields:
            locked.save(update_fields=list(fields))
        if default_address_id is not None:
            address = locked.addresses.filter(pk=default_address_id).first()
            if address is None:
                message = "Choose one of your own addresses."
                raise InvalidInput(message, fields={"default_address_id": [message]})
            _make_default(address)
    return locked


def _make_default(address: Address) -> None:
    Address.objects.filter(user_id=address.user_id, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default"])


def create_address(*, user: User, is_default: bool = False, **fields) -> Address:
    """Add an address; the first one, or one marked is_default, becomes the default."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)  # one address-book change per user at a time
        existing = Address.objects.filter(user=user)
        if existing.count() >= MAX_ADDRESSES:
            raise DomainError(f"An address book holds at most {MAX_ADDRESSES} addresses.", code="address_limit")
        make_default = is_default or not existing.filter(is_default=True).exists()
        address = Address.objects.create(user=user, is_default=False, **fields)
        if make_default:
            _make_default(address)
    return address


def update_address(*, user: User, address_id: int, is_default: bool | None = None, **fields) -> Address:
    """Edit one of the user's addresses; is_default=true moves the default here (false is ignored)."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        address = get_object_or_404(Address, user=user, pk=address_id)
        for name, value in fields.items():
            setattr(address, name, value)
        if fields:
            address.save(update_fields=list(fields))
        if is_default:
            _make_default(address)
    return address


def delete_address(*, user: User, address_id: int) -> None:
    """Delete an address; when it was the default, the newest remaining address takes over."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        address = get_object_or_404(Address, user=user, pk=address_id)
        was_default = address.is_default
        address.delete()
        if was_default:
            newest = Address.objects.filter(user=user).order_by("-created_at", "-pk").first()
            if newest is not None:
                _make_default(newest)


# --- Housekeeping ---------------------------------------------------------------------------


def purge_stale_codes() -> int:
    """Delete email codes that expired more than a day ago; returns how many were deleted."""
    deleted, _ = EmailCode.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
    return deleted
