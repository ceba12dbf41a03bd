"""Input parsing and JSON shapes of the community API (image URLs are absolute, as the client needs)."""

from rest_framework import serializers
from wagtail.images.models import SourceImageIOError

from ..models import THUMBNAIL_SPEC, Category, MeetupType, Subcategory
from ..regions import STATES
from ..selectors import specific_of


def absolute(request, url: str | None) -> str | None:
    if not url:
        return None
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


def _thumbnail(request, post_image):
    try:
        return absolute(request, post_image.image.get_rendition(THUMBNAIL_SPEC).url)
    except (SourceImageIOError, OSError):  # a missing source file must not break the feed
        return None


def author_payload(request, user) -> dict | None:
    profile = getattr(user, "profile", None) if user else None
    if profile is None:
        return None
    return {
        "nickname": profile.nickname,
        "avatar": absolute(request, profile.avatar.url) if profile.avatar else None,
        "region": profile.region,
    }


def post_payload(request, post, *, detail=False) -> dict:
    """One post: shared fields, its category fields, counts and images (first thumbnail in lists)."""
    specific = specific_of(post)
    images = list(post.images.all())
    data = {
        "id": post.pk,
        "slug": post.slug,
        "title": post.title,
        "category": specific.category if specific else None,
        "author": author_payload(request, post.author or post.owner),
        "created_at": post.first_published_at or post.latest_revision_created_at,
        "like_count": post.like_count,
        "comment_count": post.comment_count,
        "liked_by_me": bool(post.liked_by_me),
        "thumbnail": _thumbnail(request, images[0]) if images else None,
        "image_count": len(images),
        "is_hidden": post.is_hidden,
        "live": post.live,
    }
    kind = data["category"]
    if kind == Category.REVIEW:
        data.update(rating=specific.rating, verified_purchase=specific.order_id is not None)
    elif kind == Category.SHARE:
        data.update(state=post.state, county=post.county, region=post.region)
    elif kind == Category.FUN:
        data.update(
            subcategory=specific.subcategory,
            restaurant_address=specific.restaurant_address,
            state=post.state,
            county=post.county,
            region=post.region,
            meetup_type=specific.meetup_type,
            meetup_at=specific.meetup_at,
        )
    if detail:
        data["body"] = post.body
        data["images"] = [
            {"id": item.image_id, "url": absolute(request, item.image.file.url), "thumbnail": _thumbnail(request, item)}
            for item in images
        ]
    else:
        data["excerpt"] = _excerpt(post.body)
    return data


def _excerpt(body: str, length: int = 160) -> str:
    from ..sanitize import clean_text

    text = " ".join(clean_text(body).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def comment_payload(request, comment) -> dict:
    tombstone = comment.tombstone
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "author": None if tombstone else author_payload(request, comment.author),
        "body": "" if tombstone else comment.body,
        "deleted": tombstone,
        "is_hidden": comment.is_hidden and not tombstone,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "like_count": comment.like_count,
        "liked_by_me": bool(comment.liked_by_me),
        "children": [comment_payload(request, child) for child in comment.children],
    }


def profile_payload(request, profile) -> dict:
    return {
        "nickname": profile.nickname,
        "avatar": absolute(request, profile.avatar.url) if profile.avatar else None,
        "region": profile.region,
        "bio": profile.bio,
        "post_count": profile.post_count,
        "like_count": profile.like_count,
        "likes_received": profile.likes_received,
        "liked_by_me": bool(profile.liked_by_me),
    }


class FeedQuery(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    subcategory = serializers.ChoiceField(choices=Subcategory.choices, required=False, allow_blank=True)
    state = serializers.ChoiceField(choices=list(STATES), required=False, allow_blank=True)
    county = serializers.CharField(required=False, allow_blank=True, max_length=60)
    author = serializers.CharField(required=False, allow_blank=True, max_length=16)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


class PostInput(serializers.Serializer):
    """Multipart or JSON; images come separately as the repeated `images` file field."""

    category = serializers.ChoiceField(choices=Category.choices)
    subcategory = serializers.ChoiceField(choices=Subcategory.choices, required=False, allow_blank=True)
    title = serializers.CharField(max_length=255)
    body = serializers.CharField(required=False, allow_blank=True, max_length=20000, trim_whitespace=False)
    rating = serializers.IntegerField(required=False, min_value=1, max_value=5)
    order = serializers.CharField(required=False, allow_blank=True, max_length=20)
    state = serializers.CharField(required=False, allow_blank=True, max_length=2)
    county = serializers.CharField(required=False, allow_blank=True, max_length=60)
    restaurant_address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    meetup_type = serializers.ChoiceField(choices=MeetupType.choices, required=False)
    meetup_at = serializers.DateTimeField(required=False)


class PostUpdateInput(PostInput):
    category = None
    title = serializers.CharField(max_length=255, required=False)


class CommentInput(serializers.Serializer):
    body = serializers.CharField(max_length=2000)
    parent = serializers.IntegerField(required=False, allow_null=True)


class CommentUpdateInput(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


class ReportInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ProfileUpdateInput(serializers.Serializer):
    nickname = serializers.CharField(required=False, max_length=40)
    state = serializers.CharField(required=False, allow_blank=True, max_length=2)
    county = serializers.CharField(required=False, allow_blank=True, max_length=60)
    bio = serializers.CharField(required=False, allow_blank=True, max_length=300)
