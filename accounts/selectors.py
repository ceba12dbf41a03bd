"""Account reads: the signed-in user with what `me` shows, and the address book."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from .models import Address, User


def get_me(*, user_id: int) -> User:
    """The user with profile and default address id loaded in one query."""
    default_address = Address.objects.filter(user=OuterRef("pk"), is_default=True).values("pk")[:1]
    return User.objects.select_related("profile").annotate(default_address_id=Subquery(default_address)).get(pk=user_id)


def list_addresses(*, user: User) -> QuerySet[Address]:
    """The user's addresses, default first, then newest."""
    return Address.objects.filter(user=user).order_by("-is_default", "-created_at", "-pk")


def get_address(*, user: User, address_id: int) -> Address:
    """One of the user's addresses; another user's address is a 404, like a missing one."""
    return get_object_or_404(Address, user=user, pk=address_id)
