"""Community reads: every list is a fixed number of queries (select_related / prefetch / subqueries)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page, WorkflowState

from bidangil.errors import NotFound
from bidangil.search import plain_search_text
from cms.selectors import page_restrictions, passes_a_restriction, restricted_pages_q

from .models import (
    POST_TYPES,
    THUMBNAIL_SPEC,
    Comment,
    CommentLike,
    CommunityProfile,
    PostImage,
    PostLike,
    PostPage,
    ProfileLike,
    PublicPostCount,
    Report,
    ReviewPostPage,
)
from .nicknames import nickname_key

MODERATOR_GROUPS = ("Editors", "Moderators")


SPECIFIC_RELATIONS = ("reviewpostpage", "sharepostpage", "funpostpage")


def is_moderator(user) -> bool:
    """Superusers and members of Wagtail's Editors/Moderators groups moderate the community."""
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_community_is_moderator", None)
    if cached is None:
        cached = user.groups.filter(name__in=MODERATOR_GROUPS).exists()
        user._community_is_moderator = cached
    return cached


def _count(model, field: str, *, outer: str = "pk", q: Q | None = None, **extra):
    """A correlated COUNT subquery (rows whose `field` is the outer row's `outer`): no row multiplication
    when several counts are annotated."""
    rows = model.objects.filter(q or Q(), **{field: OuterRef(outer)}, **extra).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), Value(0))


def _visible_comments_filter():
    return {"is_deleted": False, "is_hidden": False}


def post_queryset(user):
    """Posts with everything an item of the feed or the detail needs, in a constant number of queries."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=THUMBNAIL_SPEC)
    images = PostImage.objects.select_related("image").prefetch_related(
        Prefetch("image__renditions", queryset=renditions)
    )
    qs = (
        PostPage.objects.select_related("author__profile", "owner", *SPECIFIC_RELATIONS)
        .prefetch_related(Prefetch("images", queryset=images))
        .annotate(
            like_count=_count(PostLike, "post"),
            comment_count=_count(Comment, "post", **_visible_comments_filter()),
        )
    )
    if user and user.is_authenticated:
        qs = qs.annotate(liked_by_me=Exists(PostLike.objects.filter(post=OuterRef("pk"), user=user)))
    else:
        qs = qs.annotate(liked_by_me=Value(False))
    return qs


def public_post_q(user=None, *, prefix: str = "", restrictions=None) -> Q:
    """Posts everyone may see: live (no drafts), not hidden by a moderator, and not behind a page view
    restriction the user does not satisfy. `prefix` points at the post from another model ("post__")."""
    public = Q(**{f"{prefix}live": True, f"{prefix}is_hidden": False})
    restricted = restricted_pages_q(user, prefix=prefix, restrictions=restrictions)
    return public & ~restricted if restricted else public


def non_public_post_images_q() -> Q:
    """Wagtail images uploaded with posts of which none is public: they are listed with the post only."""
    post_images = PostImage.objects.values("image_id")
    public_images = PostImage.objects.filter(public_post_q(prefix="post__")).values("image_id")
    return Q(pk__in=post_images) & ~Q(pk__in=public_images)


def visible_posts(user):
    """Posts a user may see: the public ones; authors also see their own, moderators everything."""
    qs = post_queryset(user)
    if is_moderator(user):
        return qs
    public = public_post_q(user)
    if user and user.is_authenticated:
        return qs.filter(public | Q(author=user))
    return qs.filter(public)


def sees_only_public_posts(user) -> bool:
    """Whether `visible_posts(user)` is exactly the public posts: an anonymous request, or a member who moderates
    nothing, passes no view restriction and has no post of their own that is not public."""
    if user is None or not user.is_authenticated:
        return True
    restrictions = page_restrictions()
    if is_moderator(user) or passes_a_restriction(user, restrictions):
        return False
    return not PostPage.objects.filter(author=user).exclude(public_post_q(restrictions=restrictions)).exists()


def sees_only_public_comments(user, slug: str) -> bool:
    """Whether the post's comment threads look to `user` as to everyone: they see only the public posts and have
    no hidden comment of their own there (shown to them, a tombstone to others)."""
    if user is None or not user.is_authenticated:
        return True
    return (
        sees_only_public_posts(user)
        and not Comment.objects.filter(post__slug=slug, author=user, is_hidden=True).exists()
    )


def liked_comment_ids(user, slug: str) -> set[int]:
    """Which comments of the post the member liked (none for an anonymous request)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(CommentLike.objects.filter(user=user, comment__post__slug=slug).values_list("comment_id", flat=True))


def liked_post_ids(user, post_ids) -> set[int]:
    """Which of the posts the member liked (none for an anonymous request)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(PostLike.objects.filter(user=user, post_id__in=post_ids).values_list("post_id", flat=True))


def visible_post_count(user, posts, *, types, subcategory: str = "", locale_id: int | None = None) -> int:
    """`posts.count()`, where `posts` is `visible_posts(user)` (or the public posts, for user None) of the post
    `types`, a fun post `subcategory` and a locale: added up from the stored public counts, plus the member's own
    posts that are not public (through the author index), instead of counting the page table.

    Counted from the rows for moderators (they see drafts), for a member some view restriction lets through, and
    while no count is stored. The stored counts are recounted after each post write of the services and every
    minute, for the admin's (community.services.recount_public_posts)."""
    if is_moderator(user) or passes_a_restriction(user):
        return posts.count()
    stored = list(PublicPostCount.objects.values_list("content_type_id", "locale_id", "subcategory", "count"))
    if not stored:
        return posts.count()
    type_ids = {ContentType.objects.get_for_model(model).pk for model in types}
    total = sum(
        n
        for content_type_id, locale, sub, n in stored
        if content_type_id in type_ids
        and (not subcategory or sub == subcategory)
        and (locale_id is None or locale == locale_id)
    )
    if user and user.is_authenticated:
        total += posts.filter(author=user).exclude(public_post_q()).count()
    return total


def interactable_post(user, slug: str) -> PostPage:
    """A post one may like, comment on or report: a public one (moderators: any). 404 otherwise."""
    qs = PostPage.objects.filter(slug=slug)
    if not is_moderator(user):
        qs = qs.filter(public_post_q(user))
    post = qs.order_by("pk").first()
    if post is None:
        raise NotFound(_("No such post."))
    return post


def get_post(user, slug: str) -> PostPage:
    post = visible_posts(user).filter(slug=slug).order_by("pk").first()
    if post is None:
        raise NotFound(_("No such post."))
    return post


def specific_of(post: PostPage):
    """The concrete page (review/share/fun) loaded by select_related, without another query."""
    for name in SPECIFIC_RELATIONS:
        try:
            return getattr(post, name)
        except ObjectDoesNotExist:
            continue
    return None


def feed(user, *, category="", subcategory="", state="", county="", author="", q=""):
    """The feed: live, visible posts, filtered; the caller orders and paginates (newest first)."""
    qs = visible_posts(user).filter(live=True)
    if category:
        page_class = POST_TYPES.get(category)
        if page_class is None:
            return qs.none()
        qs = qs.filter(content_type=ContentType.objects.get_for_model(page_class))
    if subcategory:
        qs = qs.filter(funpostpage__subcategory=subcategory)
    if state:
        qs = qs.filter(state=state)
    if county:
        qs = qs.filter(county__iexact=county)
    if author:
        qs = qs.filter(author__profile__nickname_key=nickname_key(author))
    if q:
        # Wagtail search finds the matching pages; the feed keeps its own ordering and cursor.
        matches = PostPage.objects.live().search(plain_search_text(q), fields=None, operator="and")[:1000]
        qs = qs.filter(pk__in=[page.pk for page in matches])
    return qs


def comments_for(user, post: PostPage) -> list[Comment]:
    """The post's comments as a tree (roots newest first, replies in conversation order).

    Hidden comments are shown to moderators and their author; for everyone else they are left
    out, or kept as a tombstone when they have replies, like deleted ones.
    """
    qs = (
        Comment.objects.filter(post=post)
        .select_related("author__profile")
        .annotate(like_count=_count(CommentLike, "comment"))
    )
    if user and user.is_authenticated:
        qs = qs.annotate(liked_by_me=Exists(CommentLike.objects.filter(comment=OuterRef("pk"), user=user)))
    else:
        qs = qs.annotate(liked_by_me=Value(False))
    comments = list(qs.order_by("created_at", "pk"))
    moderator = is_moderator(user)
    by_id = {c.pk: c for c in comments}
    for c in comments:
        c.children = []
        c.tombstone = c.is_deleted or (
            c.is_hidden and not moderator and not (user and user.is_authenticated and c.author_id == user.pk)
        )
    roots = []
    for c in comments:
        if c.parent_id and c.parent_id in by_id:
            by_id[c.parent_id].children.append(c)
        else:
            roots.append(c)

    def prune(nodes):
        kept = []
        for node in nodes:
            node.children = prune(node.children)
            if node.tombstone and not node.children:
                continue
            kept.append(node)
        return kept

    roots = prune(roots)
    roots.reverse()
    return roots


def comment_for_action(user, comment_id) -> Comment:
    """A comment on a post the user can interact with (404 otherwise)."""
    try:
        comment_id = int(comment_id)
    except (TypeError, ValueError):
        raise NotFound(_("No such comment.")) from None
    moderator = is_moderator(user)
    comments = Comment.objects.select_related("post")
    if not moderator:
        comments = comments.filter(public_post_q(user, prefix="post__"))
    comment = comments.filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(_("No such comment."))
    if comment.is_hidden and not moderator and comment.author_id != user.pk:
        raise NotFound(_("No such comment."))
    return comment


def get_profile(user, nickname: str) -> CommunityProfile:
    """A public profile with post count, likes and likes received on posts."""
    qs = CommunityProfile.objects.filter(nickname_key=nickname_key(nickname or "")).annotate(
        like_count=_count(ProfileLike, "profile"),
        post_count=_count(PostPage, "author", outer="user", q=public_post_q(user)),
        likes_received=_count(PostLike, "post__author", outer="user", q=public_post_q(user, prefix="post__")),
    )
    if user and user.is_authenticated:
        qs = qs.annotate(liked_by_me=Exists(ProfileLike.objects.filter(profile=OuterRef("pk"), user=user)))
    else:
        qs = qs.annotate(liked_by_me=Value(False))
    profile = qs.first()
    if profile is None:
        raise NotFound(_("No such member."))
    return profile


def review_stats() -> dict:
    """Count, average rating and distribution (1–5) of the public reviews."""
    reviews = ReviewPostPage.objects.filter(public_post_q())
    totals = reviews.aggregate(count=Count("pk"), average=Avg("rating"))
    distribution = {str(n): 0 for n in range(1, 6)}
    for row in reviews.order_by().values("rating").annotate(n=Count("pk")):
        distribution[str(row["rating"])] = row["n"]
    average = round(float(totals["average"]), 2) if totals["average"] is not None else None
    return {"count": totals["count"], "average": average, "distribution": distribution}


def moderation_desk() -> dict[str, int]:
    """The moderators' counts for the admin home: open reports, and pages (member posts included) waiting in a
    moderation workflow. Two queries."""
    page_type = ContentType.objects.get_for_model(Page)
    return {
        "open_reports": Report.objects.filter(status=Report.Status.OPEN).count(),
        "awaiting_moderation": WorkflowState.objects.filter(
            status=WorkflowState.STATUS_IN_PROGRESS, base_content_type=page_type
        ).count(),
    }
