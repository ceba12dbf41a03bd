"""Account reads: the signed-in user with what `me` shows, the address book, and the member's data export."""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from bidangil.errors import NotFound
from commerce.products.models import ProductLookup
from commerce.selectors import detail_queryset
from community.avatars.models import AvatarRequest
from community.models import Comment, CommentLike, PostLike, ProfileLike, Report
from community.selectors import post_queryset
from notifications.models import Notification

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
    try:
        return Address.objects.get(user=user, pk=address_id)
    except Address.DoesNotExist:
        raise NotFound(_("No such address.")) from None


@dataclass(frozen=True)
class MemberExport:
    """Everything stored about one member, loaded in a fixed number of queries."""

    user: User
    addresses: list[Address]
    orders: list
    product_lookups: list
    posts: list
    comments: list
    post_likes: list
    comment_likes: list
    profile_likes: list
    reports: list
    avatar_requests: list
    notifications: list


def member_export(*, user: User) -> MemberExport:
    """The member's own data for the export (accounts.privacy): the same rows whatever their number."""
    return MemberExport(
        user=User.objects.select_related("profile").get(pk=user.pk),
        addresses=list(list_addresses(user=user)),
        orders=list(detail_queryset().filter(user=user).order_by("created_at", "pk")),
        product_lookups=list(ProductLookup.objects.filter(user=user).order_by("created_at", "pk")),
        posts=list(post_queryset(user).filter(author=user).order_by("pk")),
        comments=list(Comment.objects.filter(author=user).select_related("post").order_by("created_at", "pk")),
        post_likes=list(PostLike.objects.filter(user=user).select_related("post").order_by("created_at", "pk")),
        comment_likes=list(
            CommentLike.objects.filter(user=user).select_related("comment__post").order_by("created_at", "pk")
        ),
        profile_likes=list(
            ProfileLike.objects.filter(user=user).select_related("profile").order_by("created_at", "pk")
        ),
        reports=list(
            Report.objects.filter(reporter=user).select_related("post", "comment__post").order_by("created_at", "pk")
        ),
        avatar_requests=list(AvatarRequest.objects.filter(user=user).order_by("created_at", "pk")),
        notifications=list(Notification.objects.filter(user=user).order_by("created_at", "pk")),
    )
