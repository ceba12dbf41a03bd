"""Community writes: profiles, posts (real Wagtail pages), comments, likes, reports and moderation."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.coreutils import string_to_ascii
from wagtail.images import get_image_model

from bidangil import jobs, page_cache
from bidangil.errors import DomainError, Forbidden, InvalidInput
from community import error_codes, limits
from community import images as uploads
from community.avatars.models import AvatarRequest
from notifications.push import close_user_sockets

from .models import (
    POST_TYPES,
    Category,
    Comment,
    CommentLike,
    CommunityIndexPage,
    CommunityProfile,
    FunPostPage,
    MeetupType,
    PostImage,
    PostLike,
    PostPage,
    ProfileLike,
    PublicPostCount,
    Report,
    ReviewPostPage,
    Subcategory,
)
from .nicknames import CLOSED_MEMBER_NICKNAME, closed_key, nickname_key, validate_nickname
from .regions import region_problem
from .sanitize import clean_body, clean_text
from .selectors import is_moderator, public_post_q

SLUG_MAX = 60


# --- Profiles -----------------------------------------------------------------------------------


def create_profile(*, user, nickname: str) -> CommunityProfile:
    """Create the member's community profile (at sign-up); the nickname must be valid and free."""
    nickname = validate_nickname(nickname)
    try:
        with transaction.atomic():
            return CommunityProfile.objects.create(user=user, nickname=nickname, nickname_key=nickname_key(nickname))
    except IntegrityError:
        message = _("This nickname is already taken.")
        raise InvalidInput(message, code=error_codes.INVALID_NICKNAME, fields={"nickname": [message]}) from None


def update_profile(*, user, nickname=None, state=None, county=None, bio=None) -> CommunityProfile:
    """Change nickname (api.md rules), region (state code + county from community.regions) and bio.

    An empty state and county clear the region.
    """
    with transaction.atomic():
        profile = CommunityProfile.objects.select_for_update().get(user=user)
        if nickname is not None and nickname != profile.nickname:
            nickname = validate_nickname(nickname, exclude_user_id=user.pk)
            profile.nickname, profile.nickname_key = nickname, nickname_key(nickname)
        if state is not None or county is not None:
            state = profile.region_state if state is None else state
            county = profile.region_county if county is None else county
            if state or county:
                problem = region_problem(state, county)
                if problem:
                    raise InvalidInput(next(iter(problem.values()))[0], code=error_codes.INVALID_REGION, fields=problem)
            profile.region_state, profile.region_county = state, county
        if bio is not None:
            profile.bio = clean_text(bio)[:300]
        try:
            with transaction.atomic():
                profile.save()
        except IntegrityError:
            message = _("This nickname is already taken.")
            raise InvalidInput(message, code=error_codes.INVALID_NICKNAME, fields={"nickname": [message]}) from None
        page_cache.changed()  # the feed shows authors' nicknames
    return profile


def remove_member(*, user, remove_content: bool) -> None:
    """Take a closing account out of the community; call inside the closing transaction.

    The profile stays as an anonymous "deleted member" (nickname freed; bio, region and avatar erased),
    their likes, the likes on their profile and their avatar requests go. Posts and comments stay under
    that name, or with `remove_content` are deleted as the author would delete them (a comment others
    replied to stays as an empty tombstone).
    """
    profile = CommunityProfile.objects.select_for_update().filter(user=user).first()
    if remove_content:
        for post in PostPage.objects.filter(author=user):
            delete_post(actor=user, post=post)
        # Deepest first, so a thread's tombstones are cleared as its replies go.
        for comment_id in Comment.objects.filter(author=user).order_by("-depth", "-pk").values_list("pk", flat=True):
            comment = Comment.objects.filter(pk=comment_id).first()  # a cleared tombstone may be gone already
            if comment is not None:
                delete_comment(actor=user, comment=comment)
    for model in (PostLike, CommentLike, ProfileLike):
        model.objects.filter(user=user).delete()
    requests = AvatarRequest.objects.filter(user=user)
    files = [name for name in requests.values_list("image", flat=True) if name]
    requests.delete()
    if profile is not None:
        ProfileLike.objects.filter(profile=profile).delete()
        if profile.avatar:
            files.append(profile.avatar.name)
        profile.nickname, profile.nickname_key = CLOSED_MEMBER_NICKNAME, closed_key(user.pk)
        profile.bio = profile.region_state = profile.region_county = ""
        profile.avatar = ""
        profile.save()
    page_cache.changed()
    transaction.on_commit(lambda: uploads.delete_files(sorted(set(files))))


def require_member(user) -> CommunityProfile:
    """The acting member's profile; banned members (and accounts without a profile) may not take part."""
    profile = CommunityProfile.objects.filter(user=user).first()
    if profile is None:
        raise Forbidden(_("Create your community profile first."), code=error_codes.NO_PROFILE)
    if profile.is_banned:
        raise Forbidden(_("Your community account is suspended."), code=error_codes.BANNED)
    return profile


# --- Posts --------------------------------------------------------------------------------------


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A readable ASCII slug (Hangul is romanised), unique among all posts: `post`, `post-2`… as fallback."""
    base = slugify(string_to_ascii(title))[:SLUG_MAX].strip("-") or "post"
    taken = PostPage.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _field_error(field: str, message: str, code: str = "invalid"):
    raise InvalidInput(message, code=code, fields={field: [message]})


def _category_values(
    page_class, *, subcategory, fields: dict, author, current=None, meetup_at_required: bool = True
) -> dict:
    """Validate the fields of one category; `current` holds the stored values when editing."""

    def value(name, default=""):
        if name in fields and fields[name] is not None:
            return fields[name]
        return getattr(current, name, default) if current is not None else default

    values = {}
    if page_class is ReviewPostPage:
        rating = value("rating", None)
        if rating in (None, ""):
            _field_error("rating", _("Give a rating from 1 to 5."))
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            _field_error("rating", _("The rating must be a whole number from 1 to 5."))
        values["rating"] = rating
        if "order" in fields:
            values["order"] = _delivered_order(author, fields["order"])
        return values

    if page_class is FunPostPage:
        sub = subcategory or getattr(current, "subcategory", "")
        if sub not in Subcategory.values:
            _field_error("subcategory", _("Choose a subcategory: %(join)s.") % {"join": ", ".join(Subcategory.values)})
        values["subcategory"] = sub
        if sub == Subcategory.FOOD:
            address = str(value("restaurant_address")).strip()
            if not address:
                _field_error("restaurant_address", _("Give the restaurant's address."))
            values.update(restaurant_address=address[:300], state="", county="", meetup_type="", meetup_at=None)
        elif sub == Subcategory.MEETUP:
            meetup_type = value("meetup_type")
            if meetup_type not in MeetupType.values:
                _field_error(
                    "meetup_type", _("Choose a meetup type: %(join)s.") % {"join": ", ".join(MeetupType.values)}
                )
            meetup_at = value("meetup_at", None)
            if meetup_at is None and meetup_at_required:
                _field_error("meetup_at", _("Give the date and time of the meetup."))
            values.update(meetup_type=meetup_type, meetup_at=meetup_at, restaurant_address="")
            values.update(_region(value("state"), value("county")))
        else:
            values.update(restaurant_address="", state="", county="", meetup_type="", meetup_at=None)
        return values

    values.update(_region(value("state"), value("county")))  # share
    return values


def _region(state, county) -> dict:
    problem = region_problem(state or "", county or "")
    if problem:
        raise InvalidInput(next(iter(problem.values()))[0], code=error_codes.INVALID_REGION, fields=problem)
    return {"state": state, "county": county}


def _delivered_order(author, reference):
    """The author's own delivered order, by number or id; anything else is refused."""
    from commerce.orders.models import Order

    if reference in (None, ""):
        return None
    orders = Order.objects.filter(user=author, status=Order.Status.DELIVERED)
    order = orders.filter(number=str(reference)).first()
    if order is None and str(reference).isdigit():
        order = orders.filter(pk=int(reference)).first()
    if order is None:
        _field_error("order", _("Link one of your delivered orders."), "invalid_order")
    return order


def _needs_moderation(author) -> bool:
    if not getattr(settings, "COMMUNITY_MODERATE_NEW_MEMBERS", False):
        return False
    approved = PostPage.objects.filter(author=author, live=True).count()
    return approved < getattr(settings, "COMMUNITY_NEW_MEMBER_POSTS", 1)


def _clean_title(title) -> str:
    title = clean_text(title or "")[:255]
    if not title:
        _field_error("title", _("Give your post a title."))
    return title


def create_post(
    *, author, category, title, body="", subcategory="", images=(), meetup_at_required=True, **fields
) -> PostPage:
    """Create a member post as a Wagtail page under its category index, owned by the author.

    `meetup_at_required=False` accepts a meetup without a date (the original web client never sends one).

    Every image is checked before anything is written; the page, its images and the published
    revision are written in one transaction and stored files are removed if it fails. With
    COMMUNITY_MODERATE_NEW_MEMBERS a new member's post goes to the page's moderation workflow.
    """
    require_member(author)
    if category not in POST_TYPES:
        _field_error(
            "category", _("Choose a category: %(join)s.") % {"join": ", ".join(Category.values)}, "invalid_category"
        )
    page_class = POST_TYPES[category]
    if subcategory and page_class is not FunPostPage:
        _field_error("subcategory", _("Only fun posts have a subcategory."), "invalid_subcategory")
    title = _clean_title(title)
    values = _category_values(
        page_class, subcategory=subcategory, fields=fields, author=author, meetup_at_required=meetup_at_required
    )
    prepared = uploads.prepare_images(images)
    index = CommunityIndexPage.objects.filter(category=category).first()
    if index is None:
        raise DomainError(
            _("The %(category)s board is not open yet.") % {"category": category}, code=error_codes.BOARD_MISSING
        )

    stored_files: list[str] = []
    try:
        with transaction.atomic():
            page = page_class(
                title=title,
                slug=unique_slug(title),
                body=clean_body(body),
                author=author,
                owner=author,
                live=False,
                **values,
            )
            stored = uploads.store_images(prepared, owner=author, title=title, stored_files=stored_files)
            page.images = [PostImage(image=image, sort_order=i) for i, image in enumerate(stored)]
            index.add_child(instance=page)
            revision = page.save_revision(user=author, log_action=True)
            if _needs_moderation(author):
                # Without a workflow on the board the post simply waits as a draft for an editor.
                workflow = page.get_workflow()
                if workflow is not None:
                    workflow.start(page, author)
            else:
                revision.publish(user=author, skip_permission_checks=True)  # the service checked the author
                public_posts_changed()
    except Exception:
        uploads.delete_files(stored_files)
        raise
    return page


def _require_can_change(actor, post: PostPage) -> None:
    if post.author_id != actor.pk and not is_moderator(actor):
        raise Forbidden(_("Only the author or a moderator can change this post."))


def update_post(*, actor, post: PostPage, title=None, body=None, subcategory=None, images=None, **fields) -> PostPage:
    """Edit a post as a new revision (published when the post is live). `images`, when given, replace all."""
    if not is_moderator(actor):
        require_member(actor)
    _require_can_change(actor, post)
    page = post.specific
    page_class = type(page)
    if subcategory and page_class is not FunPostPage:
        _field_error("subcategory", _("Only fun posts have a subcategory."), "invalid_subcategory")
    values = _category_values(page_class, subcategory=subcategory, fields=fields, author=page.author, current=page)
    new_title = _clean_title(title) if title is not None else None
    new_body = clean_body(body) if body is not None else None
    prepared = uploads.prepare_images(images) if images is not None else None

    stored_files: list[str] = []
    old_image_ids = []
    try:
        with transaction.atomic():
            page = page_class.objects.select_for_update().get(pk=page.pk)
            if new_title is not None:
                page.title = page.draft_title = new_title
            if new_body is not None:
                page.body = new_body
            for name, value in values.items():
                setattr(page, name, value)
            if prepared is not None:
                old_image_ids = [item.image_id for item in page.images.all()]
                stored = uploads.store_images(prepared, owner=page.author, title=page.title, stored_files=stored_files)
                page.images = [PostImage(image=image, sort_order=i) for i, image in enumerate(stored)]
            revision = page.save_revision(user=actor, log_action=True)
            if page.live:
                revision.publish(user=actor, skip_permission_checks=True)
                public_posts_changed()  # a fun post may have changed subcategory
            if old_image_ids:
                # Files are removed by Wagtail once the transaction commits.
                get_image_model().objects.filter(pk__in=old_image_ids).delete()
    except Exception:
        uploads.delete_files(stored_files)
        raise
    return page


def delete_post(*, actor, post: PostPage) -> None:
    """Delete the page (with its comments, likes and reports) and the images uploaded with it."""
    _require_can_change(actor, post)
    with transaction.atomic():
        image_ids = list(PostImage.objects.filter(post=post).values_list("image_id", flat=True))
        post.delete()
        get_image_model().objects.filter(pk__in=image_ids).delete()
        public_posts_changed()


# --- Likes --------------------------------------------------------------------------------------


def _like(model, user, **target) -> None:
    try:
        with transaction.atomic():
            model.objects.get_or_create(user=user, **target)
    except IntegrityError:
        pass  # a concurrent request of the same member created it: the like exists, as asked


def set_post_like(*, user, post: PostPage, liked: bool) -> tuple[bool, int]:
    """Like or unlike a post (idempotent); returns (liked, like_count)."""
    require_member(user)
    if liked:
        _like(PostLike, user, post=post)
    else:
        PostLike.objects.filter(user=user, post=post).delete()
    page_cache.changed()
    return liked, PostLike.objects.filter(post=post).count()


def set_comment_like(*, user, comment: Comment, liked: bool) -> tuple[bool, int]:
    """Like or unlike a comment (idempotent); returns (liked, like_count)."""
    require_member(user)
    if liked:
        _like(CommentLike, user, comment=comment)
    else:
        CommentLike.objects.filter(user=user, comment=comment).delete()
    page_cache.changed()
    return liked, CommentLike.objects.filter(comment=comment).count()


def set_profile_like(*, user, profile: CommunityProfile, liked: bool) -> tuple[bool, int]:
    """Like or unlike a member's profile (not your own); returns (liked, like_count)."""
    require_member(user)
    if profile.user_id == user.pk:
        raise InvalidInput(_("You cannot like your own profile."), code=error_codes.OWN_PROFILE)
    if liked:
        _like(ProfileLike, user, profile=profile)
    else:
        ProfileLike.objects.filter(user=user, profile=profile).delete()
    return liked, ProfileLike.objects.filter(profile=profile).count()


# --- Comments -----------------------------------------------------------------------------------


def _notify(user_id, post, comment, message):
    from notifications.models import Notification
    from notifications.services import notify

    notify(
        user_id,
        Notification.Type.COMMENT_CREATED,
        {"post": post.slug, "comment": comment.pk, "title": post.title, "message": message},
    )


def add_comment(*, author, post: PostPage, body: str, parent_id=None) -> Comment:
    """Comment on a post or reply to a comment of the same post.

    Threads are at most limits.COMMENT_MAX_DEPTH deep: a reply to a comment at the deepest level is
    attached to that comment's parent, so it stays on the deepest level right below it.
    The post's author and the replied-to author are notified (never about their own comments).
    """
    profile = require_member(author)
    body = clean_text(body)
    if not body:
        _field_error("body", _("Write something first."))
    with transaction.atomic():
        parent = None
        replied_to = None
        if parent_id not in (None, ""):
            try:
                parent_pk = int(parent_id)
            except (TypeError, ValueError):
                parent_pk = 0
            parent = Comment.objects.filter(pk=parent_pk, post=post).select_related("parent").first()
            if parent is None:
                _field_error("parent", _("The parent comment is not on this post."), "invalid_parent")
            if parent.is_hidden and not is_moderator(author):
                _field_error("parent", _("The parent comment is not on this post."), "invalid_parent")
            replied_to = parent
            while parent.depth >= limits.COMMENT_MAX_DEPTH:
                parent = parent.parent
        comment = Comment.objects.create(
            post=post, author=author, parent=parent, depth=parent.depth + 1 if parent else 1, body=body
        )
        page_cache.changed()  # the post's comment count
        message = format_lazy(_lazy("{nickname} commented on “{title}”"), nickname=profile.nickname, title=post.title)
        notified = {author.pk}
        if post.author_id and post.author_id not in notified:
            _notify(post.author_id, post, comment, message)
            notified.add(post.author_id)
        if replied_to and not replied_to.is_deleted and replied_to.author_id not in notified:
            _notify(
                replied_to.author_id,
                post,
                comment,
                format_lazy(_lazy("{nickname} replied to your comment"), nickname=profile.nickname),
            )
    return comment


def edit_comment(*, actor, comment: Comment, body: str) -> Comment:
    """The author edits their own comment (not a deleted one)."""
    require_member(actor)
    if comment.author_id != actor.pk:
        raise Forbidden(_("You can only edit your own comments."))
    if comment.is_deleted:
        raise DomainError(_("This comment was deleted."), code=error_codes.COMMENT_DELETED)
    body = clean_text(body)
    if not body:
        _field_error("body", _("Write something first."))
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    page_cache.changed()
    return comment


def delete_comment(*, actor, comment: Comment) -> None:
    """Delete a comment; one with replies stays as a "deleted" tombstone so the thread keeps its shape."""
    if comment.author_id != actor.pk and not is_moderator(actor):
        raise Forbidden(_("You can only delete your own comments."))
    with transaction.atomic():
        page_cache.changed()  # the post's comment count
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.replies.exists():
            comment.is_deleted = True
            comment.body = ""
            comment.save(update_fields=["is_deleted", "body"])
            return
        parent_id = comment.parent_id
        comment.delete()
        # A tombstone whose last reply is gone has nothing left to show.
        while parent_id:
            parent = Comment.objects.filter(pk=parent_id, is_deleted=True).first()
            if parent is None or parent.replies.exists():
                break
            parent_id = parent.parent_id
            parent.delete()


# --- Reports and moderation -----------------------------------------------------------------


def report(*, reporter, reason: str, post: PostPage | None = None, comment: Comment | None = None) -> Report:
    """File a report on a post or a comment: one per member and target."""
    require_member(reporter)
    reason = clean_text(reason)[:500]
    if not reason:
        _field_error("reason", _("Tell us what is wrong."))
    try:
        with transaction.atomic():
            return Report.objects.create(reporter=reporter, post=post, comment=comment, reason=reason)
    except IntegrityError:
        raise DomainError(_("You already reported this."), code=error_codes.ALREADY_REPORTED) from None


def _require_moderator(actor) -> None:
    if not is_moderator(actor):
        raise Forbidden(_("Only editors and moderators can moderate."))


def _close_reports(actor, reports, status) -> int:
    return reports.filter(status=Report.Status.OPEN).update(status=status, handled_by=actor, handled_at=timezone.now())


def set_post_hidden(*, actor, post: PostPage, hidden: bool) -> None:
    """Hide (or show again) a post; hiding closes its open reports as actioned."""
    _require_moderator(actor)
    with transaction.atomic():
        PostPage.objects.filter(pk=post.pk).update(is_hidden=hidden)
        public_posts_changed()
        if hidden:
            _close_reports(actor, Report.objects.filter(post=post), Report.Status.ACTIONED)


def set_comment_hidden(*, actor, comment: Comment, hidden: bool) -> None:
    """Hide (or show again) a comment; hiding closes its open reports as actioned."""
    _require_moderator(actor)
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(is_hidden=hidden)
        page_cache.changed()  # the post's comment count
        if hidden:
            _close_reports(actor, Report.objects.filter(comment=comment), Report.Status.ACTIONED)


def dismiss_report(*, actor, report: Report) -> None:
    _require_moderator(actor)
    _close_reports(actor, Report.objects.filter(pk=report.pk), Report.Status.DISMISSED)


def set_member_banned(*, actor, user, banned: bool) -> None:
    """Ban a member from posting, commenting, liking, reporting and live notifications (or lift the ban).

    A ban closes the member's open sockets; the consumer refuses banned members when they reconnect.
    """
    _require_moderator(actor)
    if banned and is_moderator(user):
        raise DomainError(_("Editors and moderators cannot be banned here."), code=error_codes.CANNOT_BAN_MODERATOR)
    CommunityProfile.objects.filter(user=user).update(is_banned=banned)
    page_cache.changed()
    if banned:
        transaction.on_commit(lambda: close_user_sockets(user.pk))


# --- Counts -------------------------------------------------------------------------------------


def public_posts_changed() -> None:
    """After a write that may add, change or remove a public post: the feed's pages are out of date, and the
    posts are counted again once the transaction commits."""
    page_cache.changed()
    jobs.enqueue_on_commit("community.recount-posts")


def recount_public_posts() -> int:
    """Count the public posts (live, not hidden, under no view restriction) per type, locale and subcategory
    and replace every PublicPostCount row with the result, in one transaction; returns the total.

    Run every minute (what the Wagtail admin publishes, unpublishes, moves, deletes or restricts is counted
    then) and after each post write of the services."""
    rows = (
        PostPage.objects.filter(public_post_q())
        .order_by()
        .values("content_type_id", "locale_id", sub=F("funpostpage__subcategory"))
        .annotate(n=Count("pk"))
    )
    counts = [
        PublicPostCount(content_type_id=ct, locale_id=locale, subcategory=sub or "", count=n)
        for ct, locale, sub, n in rows.values_list("content_type_id", "locale_id", "sub", "n")
    ]
    stored = set(PublicPostCount.objects.values_list("content_type_id", "locale_id", "subcategory", "count"))
    if stored != {(c.content_type_id, c.locale_id, c.subcategory, c.count) for c in counts}:
        with transaction.atomic():
            PublicPostCount.objects.all().delete()
            PublicPostCount.objects.bulk_create(counts)
            page_cache.changed()  # the lists' page counts
    return sum(count.count for count in counts)
