"""Input parsing and JSON shapes of the community API (image URLs are absolute, as the client needs)."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from wagtail.images.models import SourceImageIOError

from bidangil.absolute import absolute_url
from bidangil.api.serializers import StrictQuerySerializer, StrictSerializer

from .. import limits
from ..models import THUMBNAIL_SPEC, Category, MeetupType, Subcategory
from ..regions import STATES
from ..selectors import specific_of


def _thumbnail(request, post_image):
    try:
        return absolute_url(post_image.image.get_rendition(THUMBNAIL_SPEC).url, request)
    except (SourceImageIOError, OSError):  # a missing source file must not break the feed
        return None


def _excerpt(body: str, length: int = 160) -> str:
    from ..sanitize import clean_text

    text = " ".join(clean_text(body).split())
    return text if len(text) <= length else text[: length - 1] + "…"


class FeedQuery(StrictQuerySerializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    subcategory = serializers.ChoiceField(choices=Subcategory.choices, required=False, allow_blank=True)
    state = serializers.ChoiceField(choices=list(STATES), required=False, allow_blank=True)
    county = serializers.CharField(required=False, allow_blank=True, max_length=limits.COUNTY_MAX_LENGTH)
    author = serializers.CharField(required=False, allow_blank=True, max_length=limits.NICKNAME_MAX_LENGTH)
    q = serializers.CharField(required=False, allow_blank=True, max_length=limits.SEARCH_MAX_LENGTH)


class PostInput(StrictSerializer):
    """Multipart or JSON; images come separately as the repeated `images` file field."""

    ignored_keys = StrictSerializer.ignored_keys | {"images"}  # files, read by the view from request.FILES

    category = serializers.ChoiceField(choices=Category.choices)
    subcategory = serializers.ChoiceField(choices=Subcategory.choices, required=False, allow_blank=True)
    title = serializers.CharField(max_length=limits.POST_TITLE_MAX_LENGTH)
    body = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.POST_BODY_MAX_LENGTH, trim_whitespace=False
    )
    rating = serializers.IntegerField(required=False, min_value=1, max_value=5)
    order = serializers.CharField(required=False, allow_blank=True, max_length=20)
    state = serializers.CharField(required=False, allow_blank=True, max_length=2)
    county = serializers.CharField(required=False, allow_blank=True, max_length=limits.COUNTY_MAX_LENGTH)
    restaurant_address = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.RESTAURANT_ADDRESS_MAX_LENGTH
    )
    meetup_type = serializers.ChoiceField(choices=MeetupType.choices, required=False)
    meetup_at = serializers.DateTimeField(required=False)


class PostUpdateInput(PostInput):
    category = None
    title = serializers.CharField(max_length=limits.POST_TITLE_MAX_LENGTH, required=False)


class CommentInput(StrictSerializer):
    body = serializers.CharField(max_length=limits.COMMENT_MAX_LENGTH)
    parent = serializers.IntegerField(required=False, allow_null=True)


class CommentUpdateInput(StrictSerializer):
    body = serializers.CharField(max_length=limits.COMMENT_MAX_LENGTH)


# drf-spectacular documents every PATCH body as partial (all fields optional), but editing a comment
# validates the whole body, so its request schema is spelled out to keep `body` required.
COMMENT_UPDATE_SCHEMA = {
    "type": "object",
    "properties": {"body": {"type": "string", "minLength": 1, "maxLength": limits.COMMENT_MAX_LENGTH}},
    "required": ["body"],
}


class ReportInput(StrictSerializer):
    reason = serializers.CharField(max_length=limits.REPORT_REASON_MAX_LENGTH)


class ProfileUpdateInput(StrictSerializer):
    nickname = serializers.CharField(required=False, max_length=limits.NICKNAME_INPUT_MAX_LENGTH)
    state = serializers.CharField(required=False, allow_blank=True, max_length=2)
    county = serializers.CharField(required=False, allow_blank=True, max_length=limits.COUNTY_MAX_LENGTH)
    bio = serializers.CharField(required=False, allow_blank=True, max_length=limits.BIO_MAX_LENGTH)


# --- Output ---------------------------------------------------------------------------------------
# They read the annotated querysets of community.selectors (counts, liked_by_me) without extra queries.


class FileURLField(serializers.URLField):
    """A stored file as its absolute URL (the client needs the host), or null when there is none."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, file):
        return absolute_url(file.url, self.context.get("request")) if file else None


class FlagField(serializers.BooleanField):
    """A flag annotation that is null for an anonymous caller, as false."""

    def get_attribute(self, instance):
        return bool(super().get_attribute(instance))


class PostForm(PostInput):
    """A new post as a multipart form, with its images as the repeated `images` file field."""

    images = serializers.ListField(
        child=serializers.ImageField(),
        required=False,
        max_length=limits.POST_MAX_IMAGES,
        help_text=f"PNG, JPEG, WebP or GIF; at most {limits.POST_MAX_IMAGES}.",
    )


class PostUpdateForm(PostUpdateInput):
    """Changed fields as a multipart form; sending `images` replaces all images of the post."""

    images = serializers.ListField(
        child=serializers.ImageField(),
        required=False,
        max_length=limits.POST_MAX_IMAGES,
        help_text="When sent, replaces all images of the post.",
    )


class AuthorOutput(serializers.Serializer):
    """A user as the community shows them (their profile), or null when they have no community profile."""

    nickname = serializers.CharField()
    avatar = FileURLField()
    region = serializers.CharField(help_text='"County, ST", or empty.')

    def to_representation(self, user):
        profile = getattr(user, "profile", None)
        return None if profile is None else super().to_representation(profile)


class PostImageOutput(serializers.Serializer):
    id = serializers.IntegerField(source="image_id", help_text="The Wagtail image id.")
    url = FileURLField(source="image.file", help_text="The original file.")
    thumbnail = serializers.SerializerMethodField()

    def get_thumbnail(self, item) -> str | None:
        return _thumbnail(self.context.get("request"), item)


class _Post:
    """A post as its output reads it: the post's fields, its concrete page's (review/share/fun), and the
    values derived from them."""

    def __init__(self, post, request):
        self.post, self.specific, self.request = post, specific_of(post), request
        self.images = list(post.images.all())

    def __getattr__(self, name):
        if self.specific is not None and name in CATEGORY_FIELDS.get(self.specific.category, ()):
            return getattr(self.specific, name)
        return getattr(self.post, name)

    @property
    def category(self):
        return self.specific.category if self.specific else None

    @property
    def author(self):
        return self.post.author or self.post.owner

    @property
    def created_at(self):
        return self.post.first_published_at or self.post.latest_revision_created_at

    @property
    def thumbnail(self):
        return _thumbnail(self.request, self.images[0]) if self.images else None

    @property
    def image_count(self):
        return len(self.images)

    @property
    def verified_purchase(self):
        return self.specific.order_id is not None

    @property
    def excerpt(self):
        return _excerpt(self.post.body)


# The fields a post has only in its category; state, county and region are the post's own.
CATEGORY_FIELDS = {
    Category.REVIEW: ("rating", "verified_purchase"),
    Category.SHARE: ("state", "county", "region"),
    Category.FUN: ("subcategory", "restaurant_address", "state", "county", "region", "meetup_type", "meetup_at"),
}


class PostOutput(serializers.Serializer):
    """Fields of every post, then the category fields (present only on posts of that category)."""

    id = serializers.IntegerField(source="pk")
    slug = serializers.CharField()
    title = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    author = AuthorOutput(allow_null=True, help_text="null when the author has no community profile.")
    created_at = serializers.DateTimeField()
    like_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    liked_by_me = FlagField()
    thumbnail = serializers.URLField(allow_null=True, help_text="Thumbnail of the first image.")
    image_count = serializers.IntegerField()
    is_hidden = serializers.BooleanField()
    live = serializers.BooleanField(help_text="false while the post waits for moderation (seen by its author only).")
    rating = serializers.IntegerField(required=False, min_value=1, max_value=5, help_text="Reviews only.")
    verified_purchase = serializers.BooleanField(required=False, help_text="Reviews only.")
    state = serializers.CharField(required=False, help_text="Share and fun posts; may be empty.")
    county = serializers.CharField(required=False, help_text="Share and fun posts; may be empty.")
    region = serializers.CharField(required=False, help_text='Share and fun posts: "County, ST", or empty.')
    subcategory = serializers.ChoiceField(choices=Subcategory.choices, required=False, help_text="Fun posts only.")
    restaurant_address = serializers.CharField(required=False, help_text="Fun posts only; may be empty.")
    meetup_type = serializers.ChoiceField(
        choices=MeetupType.choices, allow_blank=True, required=False, help_text="Fun posts only; may be empty."
    )
    meetup_at = serializers.DateTimeField(allow_null=True, required=False, help_text="Fun posts only.")

    def to_representation(self, post):
        source = _Post(post, self.context.get("request"))
        data = super().to_representation(source)
        own = CATEGORY_FIELDS.get(source.category, ())
        for name in {name for names in CATEGORY_FIELDS.values() for name in names} - set(own):
            data.pop(name, None)
        return data


class PostListItem(PostOutput):
    excerpt = serializers.CharField(help_text="The body as plain text, at most 160 characters.")


class PostDetail(PostOutput):
    body = serializers.CharField(help_text="Sanitised HTML.")
    images = PostImageOutput(many=True)


class PostCreated(serializers.Serializer):
    slug = serializers.CharField()
    id = serializers.IntegerField()
    live = serializers.BooleanField(help_text="false when the post waits for moderation.")


class CommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    depth = serializers.IntegerField(min_value=1, max_value=3, help_text="1 for a root comment.")
    author = AuthorOutput(allow_null=True, help_text="null on a deleted comment or when the author has no profile.")
    body = serializers.CharField(help_text="Plain text; empty on a deleted comment.")
    deleted = serializers.BooleanField(source="tombstone", help_text="A deleted comment kept because it has replies.")
    is_hidden = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    like_count = serializers.IntegerField()
    liked_by_me = FlagField()

    def to_representation(self, comment):
        data = super().to_representation(comment)
        if comment.tombstone:  # kept for its replies, showing nothing of what it was
            data.update(author=None, body="", is_hidden=False)
        return data


# Declared after the class because the replies have the comment's own shape.
CommentOutput._declared_fields["children"] = CommentOutput(many=True, help_text="Replies, in conversation order.")


class CommentThread(serializers.Serializer):
    results = CommentOutput(many=True, help_text="Root comments, newest first.")


class CommentEdited(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    edited_at = serializers.DateTimeField()


class ReportCreated(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text='"open" for a new report.')


class ProfileOutput(serializers.Serializer):
    nickname = serializers.CharField()
    avatar = FileURLField()
    region = serializers.CharField(help_text='"County, ST", or empty.')
    bio = serializers.CharField()
    post_count = serializers.IntegerField(help_text="Visible posts.")
    like_count = serializers.IntegerField(help_text="Likes on the profile.")
    likes_received = serializers.IntegerField(help_text="Likes on the member's visible posts.")
    liked_by_me = FlagField()


class MyProfileOutput(ProfileOutput):
    state = serializers.CharField(source="region_state", help_text="May be empty.")
    county = serializers.CharField(source="region_county", help_text="May be empty.")
    is_banned = serializers.BooleanField()


class RegionOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Two-letter state code.")
    name = serializers.CharField()
    counties = serializers.ListField(child=serializers.CharField())


class RegionList(serializers.Serializer):
    results = RegionOutput(many=True)


class ReviewStats(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True, help_text="Rounded to 2 decimals; null without reviews.")
    distribution = inline_serializer(
        "ReviewRatingDistribution", {str(n): serializers.IntegerField() for n in range(1, 6)}
    )


class LikeState(serializers.Serializer):
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()


class NicknameCheck(serializers.Serializer):
    available = serializers.BooleanField()
    reason = serializers.CharField(help_text="Empty when available.")
