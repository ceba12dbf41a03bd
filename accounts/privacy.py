"""A member's privacy rights (PIPA, GDPR): download everything stored about them, and close the account.

What each does and keeps, and why, is in docs/privacy.md.
"""

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import error_codes
from bidangil.errors import DomainError, Forbidden, InvalidInput
from commerce.conversations.services import erase_conversations
from commerce.orders.services import anonymise_customer_orders
from commerce.products.models import ProductLookup
from commerce.shipping.services import erase_parcel_photos
from community.services import remove_member
from notifications.models import Notification

from . import selectors
from .models import Address, EmailCode, User
from .serializers import MemberExportOutput
from .services import revoke_credentials

# Addresses under the reserved .invalid top-level domain can never receive mail (RFC 2606).
CLOSED_EMAIL_DOMAIN = "closed.invalid"


def build_export(*, request, user: User) -> dict:
    """Everything stored about the member, as one JSON document."""
    return MemberExportOutput(selectors.member_export(user=user), context={"request": request}).data


def close_account(*, request, user: User, password: str) -> None:
    """Close the member's account for good, in one transaction (docs/privacy.md).

    The current password is required. Refused while an order is in progress (409 `orders_in_progress`) and
    for staff accounts (403). Personal data is erased: the user row stays, anonymised and unable to sign
    in, because orders and payments are kept for accounting; the community keeps or removes the
    member's posts and comments per COMMUNITY_CLOSED_MEMBER_CONTENT. Every session, token and socket ends.
    """
    if not user.check_password(password):
        message = _("The current password is incorrect.")
        raise InvalidInput(message, code=error_codes.INVALID_PASSWORD, fields={"password": [message]})
    if user.is_staff or user.is_superuser:
        raise Forbidden(_("Staff accounts are closed by an administrator."), code=error_codes.STAFF_ACCOUNT)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.closed_at is not None:
            raise DomainError(_("This account is already closed."), code=error_codes.ACCOUNT_CLOSED)
        anonymise_customer_orders(user=locked)
        erase_parcel_photos(user=locked)
        erase_conversations(user=locked)
        remove_member(user=locked, remove_content=settings.COMMUNITY_CLOSED_MEMBER_CONTENT == "remove")
        Address.objects.filter(user=locked).delete()
        ProductLookup.objects.filter(user=locked).delete()
        Notification.objects.filter(user=locked).delete()
        EmailCode.objects.filter(email__iexact=locked.email).delete()
        revoke_credentials(user_id=locked.pk)
        locked.email = f"closed-{locked.pk}@{CLOSED_EMAIL_DOMAIN}"
        locked.first_name = locked.last_name = locked.phone = ""
        locked.notify_by_email = locked.notify_by_sms = False
        locked.is_active = False
        locked.last_login = None
        locked.closed_at = timezone.now()
        locked.set_unusable_password()
        locked.save()
    logout(request)  # the caller's own session cookie is cleared too
