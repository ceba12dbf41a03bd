"""Account state changes: sign-up and email verification, sign-in/out, passwords, profile and address book."""

import logging
import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts import error_codes
from bidangil.errors import DomainError, Forbidden, InvalidInput, RateLimited, Unavailable
from community.models import CommunityProfile
from community.nicknames import nickname_key, validate_nickname
from community.services import create_profile
from notifications.push import close_credential_sockets, close_user_sockets

from .emails import send_code_email, send_signup_pending_email
from .limits import MAX_ADDRESSES
from .lockout import LOCKED_MESSAGE, clear_lockout
from .models import Address, CodeLockout, EmailCode, User, UserSession
from .selectors import get_address

logger = logging.getLogger(__name__)


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email)


def _email_taken() -> InvalidInput:
    message = _("An account with this email already exists.")
    return InvalidInput(message, code=error_codes.EMAIL_TAKEN, fields={"email": [message]})


# --- Email codes ----------------------------------------------------------------------------


def _code_hash(*, email: str, purpose: str, code: str) -> str:
    # Keyed with SECRET_KEY: a leaked table can't be brute-forced offline over the 10^6 codes.
    return salted_hmac("accounts.EmailCode", f"{purpose}:{email}:{code}", algorithm="sha256").hexdigest()


def _proof_hash(proof: str) -> str:
    return salted_hmac("accounts.EmailCode.proof", proof, algorithm="sha256").hexdigest()


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


def _locked_error(until) -> RateLimited:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    message = ngettext(
        "Too many wrong codes for this email. Try again in %(count)d minute.",
        "Too many wrong codes for this email. Try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}
    return RateLimited(message, code=error_codes.CODE_LOCKED, fields={"code": [message]})


def _lockout_row(email: str) -> CodeLockout | None:
    return CodeLockout.objects.select_for_update().filter(email=email).first()


def _count_wrong_guess(email: str, lockout: CodeLockout | None) -> DomainError:
    """Count a wrong guess for the address; every MAX_ATTEMPTS-th locks it with a doubling back-off."""
    if lockout is None:
        try:
            with transaction.atomic():
                lockout = CodeLockout.objects.create(email=email)
        except IntegrityError:  # a concurrent guess created it first
            lockout = _lockout_row(email)
    max_attempts = settings.VERIFICATION_CODE_MAX_ATTEMPTS
    lockout.failures += 1
    remaining = max_attempts - lockout.failures % max_attempts
    if remaining == max_attempts:
        rounds = lockout.failures // max_attempts
        seconds = min(settings.VERIFICATION_LOCK_SECONDS * 2 ** (rounds - 1), settings.VERIFICATION_LOCK_MAX_SECONDS)
        lockout.locked_until = timezone.now() + timedelta(seconds=seconds)
    lockout.save()
    if remaining == max_attempts:
        return _locked_error(lockout.locked_until)
    message = ngettext("Wrong code. %(count)d try left.", "Wrong code. %(count)d tries left.", remaining)
    return _code_error(message % {"count": remaining}, "invalid_code")


def _check_code(*, email: str, purpose: str, code: str) -> tuple[EmailCode | None, DomainError | None]:
    """Compare `code` with the address's live code of `purpose`. Call inside a transaction.

    Wrong guesses are counted per address (CodeLockout), over resends and purposes. A missing code and a
    wrong one get the same answer, and expiry is told only to whoever typed the right code, so probing an
    address shows nobody whether or when a code was sent to it. Returns (row, None) on a match, else
    (None, the error to raise once the transaction commits, so the counted guess is kept).
    """
    lockout = _lockout_row(email)
    if lockout is not None and lockout.locked_until and lockout.locked_until > timezone.now():
        return None, _locked_error(lockout.locked_until)
    row = (
        EmailCode.objects.select_for_update()
        .filter(email=email, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if row is None or not constant_time_compare(row.code_hash, _code_hash(email=email, purpose=purpose, code=code)):
        return None, _count_wrong_guess(email, lockout)
    if row.expires_at <= timezone.now():
        return None, _code_error(_("This code has expired. Request a new code."), "code_expired")
    if lockout is not None:
        lockout.delete()  # the mailbox is proven: earlier mistakes are forgiven
    return row, None


def _spend(row: EmailCode) -> None:
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])


# --- Sign-up and verification ---------------------------------------------------------------
# An account's password becomes active only for whoever proves the mailbox *and* set that password:
# verify asks for the password with the code, a second sign-up of a waiting address changes nothing
# (the mailbox is told, and a password reset claims the account), and the code-first flow hands its
# proof to the client that confirmed the code. See docs/security.md.


def _password_mismatch() -> InvalidInput:
    message = _(
        "This sign-up was started with another password. Enter that password, or use Forgot password "
        "to set your own: the reset code activates the account."
    )
    return InvalidInput(message, code=error_codes.SIGNUP_PASSWORD_MISMATCH, fields={"password": [message]})


def sign_up(*, email: str, password: str, nickname: str, language: str = "") -> None:
    """Create an inactive account with its community profile and email it a verification code.

    An address that already waits for verification is left as it is (password, nickname and code) and
    its mailbox gets a notice instead, so only the first sign-up's password can ever be verified; the
    answer and the work done are the same either way. The email is sent inside the transaction, so a
    mail failure leaves nothing behind.
    """
    email = normalize_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.email_verified_at is not None:
            raise _email_taken()
        if user is not None:
            validate_nickname(nickname, exclude_user_id=user.pk)  # the same refusals as a first sign-up
            make_password(password)  # the same hashing time as a first sign-up
            send_signup_pending_email(email=email)
            return
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, password, is_active=False, language=language)
        except IntegrityError:
            raise _email_taken() from None
        create_profile(user=user, nickname=nickname)
        code = _issue_code(email=email, purpose=EmailCode.Purpose.SIGNUP)
        send_code_email(email=email, code=code, purpose=EmailCode.Purpose.SIGNUP)


def _activate(user: User, *, fields: tuple[str, ...] = ()) -> None:
    user.is_active, user.email_verified_at = True, timezone.now()
    user.save(update_fields=["is_active", "email_verified_at", *fields])


def verify_email(*, email: str, code: str, password: str) -> User:
    """Activate the account with its emailed code and the password it was signed up with.

    The code proves the mailbox, the password that this is the sign-up the mailbox's owner made; a right
    code with another password is refused without spending the code.
    """
    email = normalize_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.email_verified_at is not None:
            raise InvalidInput(_("This email is already verified. Sign in instead."), code=error_codes.ALREADY_VERIFIED)
        row, error = _check_code(email=email, purpose=EmailCode.Purpose.SIGNUP, code=code)
        if error is None and user is None:  # a code-first code, for an address nobody signed up with yet
            error = _code_error(_("There is no sign-up for this email. Sign up first."), "no_signup")
        elif error is None and not user.check_password(password):
            error = _password_mismatch()
        if error is None:
            _spend(row)
            _activate(user)
    if error is not None:
        raise error
    return user


def resend_verification(*, email: str) -> None:
    """Email a new sign-up code when an unverified account has this address; otherwise do nothing.

    The answer is the same either way so the endpoint does not reveal which addresses have accounts;
    a mail failure is logged rather than reported for the same reason.
    """
    _email_new_code(User.objects.filter(email_verified_at__isnull=True), email=email, purpose=EmailCode.Purpose.SIGNUP)


def _email_new_code(accounts, *, email: str, purpose: str) -> None:
    """Email a new `purpose` code when `accounts` holds this address; a mail failure is only logged."""
    email = normalize_email(email)
    try:
        with transaction.atomic():
            if accounts.select_for_update().filter(email__iexact=email).first() is None:
                return
            code = _issue_code(email=email, purpose=purpose)
            send_code_email(email=email, code=code, purpose=purpose)
    except Unavailable:
        logger.warning("%s code email failed; the user can ask again", purpose)


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


def confirm_signup_code(*, email: str, code: str) -> str:
    """Check a code from send_signup_code (same lockout and expiry as verify_email).

    Returns a one-time proof of the address for whoever typed the code: sign_up_confirmed needs it, so
    the confirmation can't be used by anyone else (the caller keeps it, e.g. in the browser session).
    """
    email = normalize_email(email)
    with transaction.atomic():
        if _verified_account_exists(email):
            raise _email_taken()
        row, error = _check_code(email=email, purpose=EmailCode.Purpose.SIGNUP, code=code)
        if error is None:
            proof = secrets.token_urlsafe(32)
            row.proof_hash = _proof_hash(proof)
            _spend(row)
            row.save(update_fields=["proof_hash"])
    if error is not None:
        raise error
    return proof


def sign_up_confirmed(*, email: str, password: str, nickname: str, proof: str, language: str = "") -> User:
    """Create an active account for an address proven by confirm_signup_code within the code lifetime.

    Raises Forbidden `email_not_verified` unless `proof` is the one confirm_signup_code returned for this
    address; the proof is spent by a successful sign-up. An unfinished sign-up of the address (sign_up,
    never verified) is taken over: whoever proved the mailbox owns it.
    """
    email = normalize_email(email)
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.email_verified_at is not None:
            raise _email_taken()
        proven = EmailCode.objects.select_for_update().filter(
            email=email,
            purpose=EmailCode.Purpose.SIGNUP,
            used_at__gte=now - timedelta(seconds=settings.VERIFICATION_CODE_TTL_SECONDS),
            proof_hash=_proof_hash(proof or ""),
        )
        if not proof or not proven.exists():
            raise Forbidden(
                _("Verify your email address with the emailed code first."), code=error_codes.EMAIL_NOT_VERIFIED
            )
        if user is None:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        email, password, is_active=True, email_verified_at=now, language=language
                    )
            except IntegrityError:
                raise _email_taken() from None
            create_profile(user=user, nickname=nickname)
        else:
            user.set_password(password)
            _activate(user, fields=("password",))
            _rename_unverified_profile(user=user, nickname=nickname)
        EmailCode.objects.filter(email=email, purpose=EmailCode.Purpose.SIGNUP).delete()
    return user


def _rename_unverified_profile(*, user: User, nickname: str) -> None:
    profile = CommunityProfile.objects.filter(user=user).first()
    if profile is None:
        create_profile(user=user, nickname=nickname)
        return
    nickname = validate_nickname(nickname, exclude_user_id=user.pk)
    profile.nickname, profile.nickname_key = nickname, nickname_key(nickname)
    try:
        with transaction.atomic():
            profile.save(update_fields=["nickname", "nickname_key"])
    except IntegrityError:
        message = _("This nickname is already taken.")
        raise InvalidInput(message, code=error_codes.INVALID_NICKNAME, fields={"nickname": [message]}) from None


# --- Sign-in and sign-out -------------------------------------------------------------------


def log_in(*, request, email: str, password: str) -> tuple[User, Token]:
    """Check the credentials, start a session (Django login) and return the user's API token.

    django-axes counts each failure and, once the client and account are locked out, refuses even the
    right password (RateLimited `locked_out`). Every refusal runs the password hasher twice whether or
    not the account exists, so the answer's timing does not tell who has an account.
    """
    email = normalize_email(email)
    user = authenticate(request, email=email, password=password)
    if getattr(request, "axes_locked_out", False):
        raise RateLimited(LOCKED_MESSAGE, code=error_codes.LOCKED_OUT)
    if user is None:
        # ModelBackend refuses inactive users; tell them apart only when the password is right.
        candidate = User.objects.filter(email__iexact=email).first()
        if candidate is None:
            User().set_password(password)  # the same hasher work as check_password below
        elif candidate.check_password(password):
            if candidate.email_verified_at is None:
                raise Forbidden(
                    _("Verify your email address first: enter the code we emailed you, or ask for a new one."),
                    code=error_codes.EMAIL_NOT_VERIFIED,
                )
            raise Forbidden(_("This account is disabled. Contact support."), code=error_codes.ACCOUNT_DISABLED)
        raise InvalidInput(_("Email or password is incorrect."), code=error_codes.INVALID_CREDENTIALS)
    login(request, user)
    token, _created = Token.objects.get_or_create(user=user)
    return user, token


def log_out(*, request, token: Token | None) -> None:
    """End the session and close the sockets opened with it; the API token is deleted (and its sockets
    closed) only when it is what the request signed in with."""
    keys = [request.session.session_key]
    if token is not None:
        Token.objects.filter(pk=token.pk).delete()
        keys.append(token.key)
    logout(request)
    transaction.on_commit(lambda: close_credential_sockets(keys))


def revoke_credentials(*, user_id: int, keep_session_key: str | None = None) -> None:
    """Sign an account out everywhere: delete its API tokens and sessions (except `keep_session_key`, the
    caller's own) and close its open WebSockets once the transaction commits.

    Called by every way a password changes (API, legacy, Wagtail and Django admin, reset) and when an
    account is deactivated.
    """
    with transaction.atomic():
        Token.objects.filter(user_id=user_id).delete()
        UserSession.objects.filter(user_id=user_id).exclude(session_key=keep_session_key or "").delete()
        transaction.on_commit(lambda: close_user_sockets(user_id))


# --- Passwords ------------------------------------------------------------------------------


def _resettable_accounts():
    # Active accounts, and sign-ups never verified; not accounts staff disabled.
    return User.objects.filter(Q(is_active=True) | Q(email_verified_at__isnull=True))


def request_password_reset(*, email: str) -> None:
    """Email a reset code to an active or never-verified account with this address; silently nothing otherwise.

    A never-verified account can be reset so the mailbox's owner can claim an address someone else signed up.
    """
    _email_new_code(_resettable_accounts(), email=email, purpose=EmailCode.Purpose.PASSWORD_RESET)


def reset_password(*, email: str, code: str, new_password: str) -> User:
    """Set a new password with an emailed reset code; signs out every session and token of the account.

    A never-verified account is activated: the code proved the mailbox and the new password is its owner's.
    """
    email = normalize_email(email)
    with transaction.atomic():
        row, error = _check_code(email=email, purpose=EmailCode.Purpose.PASSWORD_RESET, code=code)
        user = None
        if error is None:
            user = _resettable_accounts().select_for_update().filter(email__iexact=email).first()
            if user is None:
                error = _code_error(_("There is no active code for this email. Request a new code."), "no_code")
            else:
                _spend(row)
                user.set_password(new_password)
                if user.email_verified_at is None:
                    _activate(user, fields=("password",))
                else:
                    user.save(update_fields=["password"])
                revoke_credentials(user_id=user.pk)
                clear_lockout(user.email)
    if error is not None:
        raise error
    return user


def change_password(*, request, user: User, old_password: str, new_password: str) -> Token:
    """Change the password (the old one is required, and wrong guesses count towards the sign-in lockout);
    other sessions, the old token and open sockets stop working.

    The caller's own session is kept and a fresh token is returned.
    """
    if authenticate(request, email=user.email, password=old_password) is None:
        if getattr(request, "axes_locked_out", False):
            raise RateLimited(LOCKED_MESSAGE, code=error_codes.LOCKED_OUT)
        message = _("The current password is incorrect.")
        raise InvalidInput(message, code=error_codes.INVALID_PASSWORD, fields={"old_password": [message]})
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoke_credentials(user_id=user.pk, keep_session_key=request.session.session_key)
        token = Token.objects.create(user=user)
    if SESSION_KEY in request.session:  # a session client stays signed in; token clients get no session
        update_session_auth_hash(request, user)
    return token


# --- Two-factor sign-in (admin) ------------------------------------------------------------


def start_totp_setup(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first use; it counts only once confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def confirm_totp_device(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a device with one code from the app; from then on the admin asks for a code each session."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


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
                message = _("Choose one of your own addresses.")
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
            raise DomainError(
                _("An address book holds at most %(max_addresses)s addresses.") % {"max_addresses": MAX_ADDRESSES},
                code=error_codes.ADDRESS_LIMIT,
            )
        make_default = is_default or not existing.filter(is_default=True).exists()
        address = Address.objects.create(user=user, is_default=False, **fields)
        if make_default:
            _make_default(address)
    return address


def update_address(*, user: User, address_id: int, is_default: bool | None = None, **fields) -> Address:
    """Edit one of the user's addresses; is_default=true moves the default here (false is ignored)."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        address = get_address(user=user, address_id=address_id)
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
        address = get_address(user=user, address_id=address_id)
        was_default = address.is_default
        address.delete()
        if was_default:
            newest = Address.objects.filter(user=user).order_by("-created_at", "-pk").first()
            if newest is not None:
                _make_default(newest)


# --- Housekeeping ---------------------------------------------------------------------------


def purge_stale_codes() -> int:
    """Delete email codes that expired more than a day ago, and wrong-guess counts idle for a day after
    their lock ended; returns how many codes were deleted."""
    day_ago = timezone.now() - timedelta(days=1)
    deleted, _by_model = EmailCode.objects.filter(expires_at__lt=day_ago).delete()
    CodeLockout.objects.filter(updated_at__lt=day_ago).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=day_ago)
    ).delete()
    return deleted


def purge_unverified_accounts() -> int:
    """Delete sign-ups never verified within UNVERIFIED_ACCOUNT_MAX_AGE_DAYS, freeing their address and nickname.

    Only inactive, never-verified customer accounts with no orders: staff made by hand are never verified
    by email, and an order keeps its customer. Returns how many accounts were deleted.
    """
    cutoff = timezone.now() - timedelta(days=settings.UNVERIFIED_ACCOUNT_MAX_AGE_DAYS)
    stale = User.objects.filter(
        email_verified_at__isnull=True,
        is_active=False,
        is_staff=False,
        is_superuser=False,
        date_joined__lt=cutoff,
        orders__isnull=True,
    )
    deleted = 0
    for user_id in stale.values_list("pk", flat=True).distinct():
        with transaction.atomic():
            # Re-checked under the row lock: a verification or sign-up that just finished keeps the account.
            user = stale.select_for_update().filter(pk=user_id).first()
            if user is not None:
                user.delete()
                deleted += 1
    return deleted
