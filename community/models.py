"""Community: profiles, post pages (Wagtail pages under one index per category), comments, likes, reports.

State changes happen in community.services; reads in community.selectors.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy
from modelcluster.fields import ParentalKey
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page
from wagtail.search import index

from bidangil.absolute import absolute_url

from . import limits
from .regions import STATE_CHOICES

THUMBNAIL_SPEC = "fill-400x400"


class CommunityProfile(models.Model):
    """A member's public face: created with the account at sign-up."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    nickname = models.CharField(max_length=limits.NICKNAME_MAX_LENGTH)
    # Case-folded nickname: uniqueness that behaves the same on SQLite, MySQL and MariaDB.
    nickname_key = models.CharField(max_length=limits.NICKNAME_MAX_LENGTH, unique=True, editable=False)
    region_state = models.CharField(max_length=2, blank=True)
    region_county = models.CharField(max_length=limits.COUNTY_MAX_LENGTH, blank=True)
    bio = models.CharField(max_length=limits.BIO_MAX_LENGTH, blank=True)
    avatar = models.ImageField(upload_to="profiles/", blank=True)
    is_banned = models.BooleanField(default=False, help_text=_lazy("Banned members cannot post, comment or connect."))
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.nickname

    @property
    def region(self) -> str:
        return f"{self.region_county}, {self.region_state}" if self.region_county and self.region_state else ""


class Category(models.TextChoices):
    REVIEW = "review", _lazy("Reviews")
    SHARE = "share", _lazy("Share")
    FUN = "fun", _lazy("Fun")


class Subcategory(models.TextChoices):
    FOOD = "food", "맛집 (food)"
    MEETUP = "meetup", "모임 (meetup)"
    CHAT = "chat", "랜선수다 (chat)"


class MeetupType(models.TextChoices):
    SPORTS = "sports", "스포츠"
    TRAVEL = "travel", "여행"
    FOOD = "food", "음식"
    GAMES = "games", "게임"
    SCHOOL = "school", "학교"


class CommunityIndexPage(Page):
    """One per category (slug = category); member posts are its children."""

    category = models.CharField(max_length=10, choices=Category.choices, unique=True)
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("category"), FieldPanel("intro")]
    translatable = False  # one board per category, in the default locale; its posts are in any language
    subpage_types = ["community.ReviewPostPage", "community.SharePostPage", "community.FunPostPage"]
    api_fields = [APIField("category"), APIField("intro")]

    class Meta:
        verbose_name = _lazy("community board")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        posts = self.get_children().live().public().filter(postpage__is_hidden=False)
        context["posts"] = posts.order_by("-first_published_at")[:50]
        return context


POST_TEMPLATE = "community/post_page.html"  # one page template for every kind of post


class PostPage(Page):
    """Fields shared by every member post; the concrete types below add their category fields."""

    category = Category.REVIEW  # overridden by each concrete type

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="community_posts"
    )
    body = models.TextField(blank=True, help_text=_lazy("Plain text or limited HTML (p, br, b, i, lists, links)."))
    # Region of share posts and meetups (state code + county from community.regions).
    state = models.CharField(max_length=2, blank=True, choices=STATE_CHOICES)
    county = models.CharField(max_length=limits.COUNTY_MAX_LENGTH, blank=True)
    is_hidden = models.BooleanField(
        default=False, editable=False, help_text=_lazy("Hidden by a moderator: only the author and editors see it.")
    )

    is_creatable = False
    translatable = False  # members write in whatever language they like; a post is never translated
    parent_page_types = ["community.CommunityIndexPage"]
    subpage_types = []
    search_fields = Page.search_fields + [index.SearchField("body"), index.FilterField("is_hidden")]

    class Meta:
        # is_hidden: the few hidden posts are found through it (the page restriction of the Wagtail API).
        indexes = [models.Index(fields=["state", "county"]), models.Index(fields=["is_hidden"])]

    def with_content_json(self, content):
        # Hiding is a moderation decision on the page, not part of its revisions: publishing an
        # older or newer revision must not undo it.
        obj = super().with_content_json(content)
        obj.is_hidden = self.is_hidden
        return obj

    def clean(self):
        from .sanitize import clean_body

        super().clean()
        self.body = clean_body(self.body)

    # --- values for the Wagtail API v2 (api_fields) -----------------------------------------
    @property
    def author_profile(self):
        author = self.author or self.owner  # posts written in the admin by an editor have no member author
        return getattr(author, "profile", None) if author else None

    @property
    def author_nickname(self) -> str:
        profile = self.author_profile
        return profile.nickname if profile else ""

    @property
    def author_avatar(self) -> str | None:
        profile = self.author_profile
        return absolute_url(profile.avatar.url) if profile and profile.avatar else None

    @property
    def region(self) -> str:
        return f"{self.county}, {self.state}" if self.state and self.county else ""


_common_api_fields = [
    APIField("category", serializer=serializers.CharField(read_only=True)),
    APIField("author_nickname"),
    APIField("author_avatar"),
    APIField("body"),
    APIField("images"),
    APIField("is_hidden"),
]


class ReviewPostPage(PostPage):
    template = POST_TEMPLATE
    category = Category.REVIEW
    rating = models.PositiveSmallIntegerField(choices=[(n, str(n)) for n in range(1, 6)])
    order = models.ForeignKey(
        "commerce.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        help_text=_lazy("A delivered order of the author: the review shows as a verified purchase."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("rating"), FieldPanel("order")]),
        FieldPanel("body"),
        InlinePanel("images", max_num=limits.POST_MAX_IMAGES, label=_lazy("Images")),
    ]
    api_fields = _common_api_fields + [
        APIField("rating"),
        APIField("verified_purchase", serializer=serializers.BooleanField(read_only=True)),
    ]

    class Meta:
        verbose_name = _lazy("review post")

    @property
    def verified_purchase(self) -> bool:
        return self.order_id is not None


class SharePostPage(PostPage):
    template = POST_TEMPLATE
    category = Category.SHARE

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("state"), FieldPanel("county")]),
        FieldPanel("body"),
        InlinePanel("images", max_num=limits.POST_MAX_IMAGES, label=_lazy("Images")),
    ]
    api_fields = _common_api_fields + [APIField("state"), APIField("county"), APIField("region")]

    class Meta:
        verbose_name = _lazy("share post")


class FunPostPage(PostPage):
    template = POST_TEMPLATE
    category = Category.FUN
    subcategory = models.CharField(max_length=10, choices=Subcategory.choices, default=Subcategory.CHAT)
    restaurant_address = models.CharField(max_length=limits.RESTAURANT_ADDRESS_MAX_LENGTH, blank=True)
    meetup_type = models.CharField(max_length=10, choices=MeetupType.choices, blank=True)
    meetup_at = models.DateTimeField(null=True, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("subcategory"),
        MultiFieldPanel([FieldPanel("restaurant_address")], heading="Food"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("state"), FieldPanel("county")]),
                FieldPanel("meetup_type"),
                FieldPanel("meetup_at"),
            ],
            heading="Meetup",
        ),
        FieldPanel("body"),
        InlinePanel("images", max_num=limits.POST_MAX_IMAGES, label=_lazy("Images")),
    ]
    api_fields = _common_api_fields + [
        APIField("subcategory"),
        APIField("restaurant_address"),
        APIField("state"),
        APIField("county"),
        APIField("region"),
        APIField("meetup_type"),
        APIField("meetup_at"),
    ]

    class Meta:
        verbose_name = _lazy("fun post")


POST_TYPES = {Category.REVIEW: ReviewPostPage, Category.SHARE: SharePostPage, Category.FUN: FunPostPage}


class PublicPostCount(models.Model):
    """How many public posts (live, not hidden, under no view restriction) there are per post type, locale and
    subcategory (blank for types without one). The post lists' page counts add these rows up instead of counting
    the page table; `community.services.recount_public_posts` writes them (every minute, and after each post write
    by a member or a moderator)."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    locale = models.ForeignKey("wagtailcore.Locale", on_delete=models.CASCADE, related_name="+")
    subcategory = models.CharField(max_length=10, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "locale", "subcategory"], name="one_public_post_count")
        ]

    def __str__(self):
        return f"{self.content_type} {self.subcategory} ({self.locale}): {self.count}"


class PostImage(Orderable):
    """One of a post's images (a Wagtail image in the "Community uploads" collection)."""

    post = ParentalKey(PostPage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("image")]
    api_fields = [
        APIField("image"),
        APIField("url"),
        APIField("thumbnail", serializer=ImageRenditionField(THUMBNAIL_SPEC, source="image")),
    ]

    def __str__(self):
        return f"image {self.sort_order} of {self.post_id}"

    @property
    def url(self) -> str:
        return absolute_url(self.image.file.url)


class Comment(models.Model):
    """A threaded comment; depth 1 is a root comment, replies nest up to limits.COMMENT_MAX_DEPTH."""

    post = models.ForeignKey(PostPage, on_delete=models.CASCADE, related_name="post_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    depth = models.PositiveSmallIntegerField(default=1)
    body = models.TextField(max_length=limits.COMMENT_MAX_LENGTH)
    is_deleted = models.BooleanField(default=False, help_text=_lazy("Deleted by its author but kept for its replies."))
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self):
        return f"comment {self.pk} on {self.post_id}"


class PostLike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(PostPage, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="community_postlike_unique")]

    def __str__(self):
        return f"{self.user_id} likes post {self.post_id}"


class CommentLike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "comment"], name="community_commentlike_unique")]

    def __str__(self):
        return f"{self.user_id} likes comment {self.comment_id}"


class ProfileLike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(CommunityProfile, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "profile"], name="community_profilelike_unique")]

    def __str__(self):
        return f"{self.user_id} likes profile {self.profile_id}"


class Report(models.Model):
    """A member's report of a post or a comment, worked through in the admin "Reports" view."""

    class Status(models.TextChoices):
        OPEN = "open", _lazy("Open")
        DISMISSED = "dismissed", _lazy("Dismissed")
        ACTIONED = "actioned", _lazy("Actioned")

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(PostPage, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=limits.REPORT_REASON_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # NULL never collides in a unique index, so one pair per target kind works on every database.
        constraints = [
            models.UniqueConstraint(fields=["reporter", "post"], name="community_report_one_per_post"),
            models.UniqueConstraint(fields=["reporter", "comment"], name="community_report_one_per_comment"),
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, comment__isnull=True)
                | models.Q(post__isnull=True, comment__isnull=False),
                name="community_report_one_target",
            ),
        ]

    def __str__(self):
        return f"report {self.pk} ({self.status})"

    @property
    def target(self):
        return self.post if self.post_id else self.comment
