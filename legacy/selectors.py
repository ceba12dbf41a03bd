"""Reads only the original client's screens need, on top of the apps' own selectors (no N+1)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.models import User
from bidangil.errors import NotFound
from commerce.selectors import detail_queryset
from community import selectors as community_selectors
from community.models import POST_TYPES, Category, PostLike, ProfileLike, ReviewPostPage

# The original's `filter` values of GET /api/posts/: "" (everything but reviews), share, or a fun subcategory.
POST_FILTERS = {
    "": {},
    "all": {},
    "share": {"category": Category.SHARE},
    "food": {"category": Category.FUN, "subcategory": "food"},
    "meetup": {"category": Category.FUN, "subcategory": "meetup"},
    "chat": {"category": Category.FUN, "subcategory": "chat"},
}
NEWEST_FIRST = ("-first_published_at", "-pk")


def profile_orders(user):
    """The user's orders with items, payments, events and shipment loaded up front, newest first."""
    return detail_queryset().filter(user=user).order_by("-created_at", "-pk")


def _with_likers(posts):
    likes = PostLike.objects.select_related("user__profile").order_by("created_at", "pk")
    return posts.prefetch_related(Prefetch("likes", queryset=likes))


def post_list(user, filter_value: str):
    posts = community_selectors.feed(user, **POST_FILTERS[filter_value])
    if not filter_value or filter_value == "all":
        posts = posts.exclude(content_type=ContentType.objects.get_for_model(ReviewPostPage))
    return posts.order_by(*NEWEST_FIRST)


def post_list_total(user, filter_value: str, posts) -> int:
    """How many posts `post_list(user, filter_value)` lists, from the stored public counts."""
    spec = POST_FILTERS[filter_value]
    category = spec.get("category")
    types = [POST_TYPES[category]] if category else [t for t in POST_TYPES.values() if t is not ReviewPostPage]
    return community_selectors.visible_post_count(user, posts, types=types, subcategory=spec.get("subcategory", ""))


def reviews(user):
    return community_selectors.feed(user, category=Category.REVIEW).order_by(*NEWEST_FIRST)


def reviews_total(user, posts) -> int:
    return community_selectors.visible_post_count(user, posts, types=[ReviewPostPage])


def my_posts(user):
    """Every post of the user, drafts and hidden ones included (the author sees them), with their likers."""
    posts = community_selectors.visible_posts(user).filter(author=user)
    return _with_likers(posts).order_by(*NEWEST_FIRST)


def post_with_likers(user, slug: str):
    """The post as GET /api/v1/posts/{slug}/ finds it, plus who liked it."""
    post = _with_likers(community_selectors.visible_posts(user).filter(slug=slug)).order_by("pk").first()
    if post is None:
        raise NotFound(_("No such post."))
    return post


def posts_by(user, author):
    return community_selectors.visible_posts(user).filter(live=True, author=author).order_by(*NEWEST_FIRST)


def posts_liked_by(user, liker):
    visible = community_selectors.visible_posts(user).filter(live=True)
    return visible.filter(likes__user=liker).order_by(*NEWEST_FIRST)


def profile_likers(profile):
    """Profiles of the members who liked `profile`, oldest like first."""
    likes = ProfileLike.objects.filter(profile=profile).select_related("user__profile").order_by("created_at", "pk")
    return [like.user.profile for like in likes if getattr(like.user, "profile", None) is not None]


def active_member_count() -> int:
    return User.objects.filter(is_active=True).count()
