"""Legacy community endpoints over community.services / selectors / nicknames / avatars."""

import re

from django.utils.translation import gettext as _
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.models import Language
from accounts.services import update_me
from bidangil import page_cache
from bidangil.search import MAX_OFFSET
from community import selectors, services
from community.api.serializers import PostInput
from community.avatars import services as avatars
from community.models import Category, CommentLike, MeetupType, PostLike
from community.nicknames import nickname_problem
from community.regions import STATES

from . import payloads
from . import selectors as legacy_selectors
from .api import LegacyView, PublicLegacyView, bad_request

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
IMAGE_FIELD = re.compile(r"^image_(\d+)$")
STATE_CODES = {name.lower(): code for code, (name, _label) in STATES.items()}
MEETUP_TYPES = {label: value for value, label in MeetupType.choices}
SPECIES = {ko: key for key, _english, ko in avatars.SPECIES}
# Korean personality tag → answer index, per question.
TAGS = [{answer[3]: index for index, answer in enumerate(answers)} for _key, _label, answers in avatars.QUESTIONS]


def _int_param(request, name: str, default: int, maximum: int = MAX_OFFSET) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(_("%(name)s must be a whole number.") % {"name": name}, name) from None
    if value < 1 or (maximum is not None and value > maximum):
        raise bad_request(
            _("%(name)s must be at least 1 and at most %(maximum)s.") % {"name": name, "maximum": maximum}, name
        )
    return value


def _page(request, queryset, render, total: int) -> dict:
    """One page of `queryset`, of `total` rows (the selectors read it from stored counts, not COUNT(*))."""
    page = _int_param(request, "page", 1)
    size = _int_param(request, "size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    rows = list(queryset[(page - 1) * size : page * size])
    return payloads.page_payload([render(request, row) for row in rows], page=page, size=size, total=total)


def _public_page(request, build) -> dict:
    """`build(request, user)`: for whoever sees only the public posts, built as for everyone and cached
    (bidangil/page_cache.py); the lists hold nothing of the member's own."""
    if not selectors.sees_only_public_posts(request.user):
        return build(request, request.user)
    return page_cache.page(request.build_absolute_uri(), lambda: build(request, None))


def _field(data, name: str) -> str:
    value = data.get(name) if hasattr(data, "get") else None
    return value.strip() if isinstance(value, str) else ""


def _state_code(value: str) -> str:
    """The client sends full state names ("California"); profiles and v1 use codes ("CA")."""
    return STATE_CODES.get(value.lower(), value.upper() if len(value) == 2 else value)


def _county(value: str) -> str:
    """ "Los Angeles County" and the client's "Kings (Brooklyn)" label → the stored county name."""
    value = value.split(" (", 1)[0]
    return value[: -len(" County")] if value.endswith(" County") else value


# --- Profiles -----------------------------------------------------------------------------------


class CommunityProfileView(LegacyView):
    """GET → {avatar, nickname, address, likes, liked_users_nickname[], liked_users_avatars[]}."""

    def get(self, request):
        profile = services.require_member(request.user)
        likers = legacy_selectors.profile_likers(profile)
        return Response(
            {
                "avatar": payloads.avatar_url(request, profile),
                "nickname": profile.nickname,
                "address": profile.region,
                "likes": len(likers),
                "liked_users_nickname": [liker.nickname for liker in likers],
                "liked_users_avatars": [payloads.avatar_url(request, liker) for liker in likers],
            }
        )


class ProfileLikeView(LegacyView):
    """POST {nickname} → {result: "liked" | "unliked"} (a toggle over set_profile_like)."""

    throttle_scope = "like"

    def post(self, request):
        profile = selectors.get_profile(request.user, _field(request.data, "nickname"))
        liked, _count = services.set_profile_like(user=request.user, profile=profile, liked=not profile.liked_by_me)
        return Response({"result": "liked" if liked else "unliked"})


class OthersProfileView(LegacyView):
    """GET ?usr=NICK → {result: {nickname, community_address, avatar, likes, liked_posts[], target_posts[]}}."""

    def get(self, request):
        profile = selectors.get_profile(request.user, request.query_params.get("usr", ""))
        liked = legacy_selectors.posts_liked_by(request.user, profile.user)
        written = legacy_selectors.posts_by(request.user, profile.user)
        return Response(
            {
                "result": {
                    "nickname": profile.nickname,
                    "community_address": profile.region,
                    "avatar": payloads.avatar_url(request, profile),
                    "likes": profile.like_count,
                    "liked_posts": [payloads.post_payload(request, post) for post in liked],
                    "target_posts": [payloads.post_payload(request, post) for post in written],
                }
            }
        )


class ValidateNicknameView(LegacyView):
    """POST {nickname} → {result: true} when the member may take it (same rules as v1), else false."""

    def post(self, request):
        problem = nickname_problem(_field(request.data, "nickname"), exclude_user_id=request.user.pk)
        return Response({"result": problem is None})


class UpdateProfileView(LegacyView):
    """POST {nickname, address: "County, ST", language?: "ko" | "en"} → {results: "updated"}.

    `language` (the member's saved language, as `PATCH /api/v1/me/`) is optional: the original client never sends it.
    """

    def post(self, request):
        language = request.data.get("language")
        if language is not None and language not in Language.values:
            raise bad_request(_("Choose one of: %(choices)s.") % {"choices": ", ".join(Language.values)}, "language")
        changes = {}
        nickname = _field(request.data, "nickname")
        if nickname:
            changes["nickname"] = nickname
        address = _field(request.data, "address")
        if address:
            county, _comma, state = address.rpartition(",")
            if not county.strip() or not state.strip():
                raise bad_request(_('Give the region as "County, ST", e.g. "Los Angeles, CA".'), "address")
            changes.update(state=state.strip().upper(), county=_county(county.strip()))
        if changes or language is None:
            services.update_profile(user=request.user, **changes)
        if language is not None:
            update_me(user=request.user, language=language)
        return Response({"results": "updated"})


class CreateAvatarView(LegacyView):
    """POST {species (Korean), personality: [4 Korean tags]} → 200 {msg: "success"}; the image comes by socket.

    Limits are the service's, as in v1: one drawing at a time (409) and a few a day (429).
    """

    def post(self, request):
        species = SPECIES.get(_field(request.data, "species"))
        if species is None:
            raise bad_request(_("Choose one of: %(join)s.") % {"join": ", ".join(SPECIES)}, "species")
        tags = request.data.get("personality")
        if not isinstance(tags, list) or len(tags) != len(TAGS) or not all(isinstance(t, str) for t in tags):
            raise bad_request(_("Answer the four questions."), "personality")
        answers = [TAGS[index].get(tag) for index, tag in enumerate(tags)]
        if None in answers:
            raise bad_request(_("Unknown personality answer."), "personality")
        avatars.request_avatar(user=request.user, species=species, answers=answers)
        return Response({"msg": "success"})


# --- Posts --------------------------------------------------------------------------------------


def _post_input(data) -> tuple[dict, str]:
    """The original form fields → v1 PostInput fields (validated by the v1 serializer)."""
    category = _field(data, "category")
    title = _field(data, "title")
    body = data.get("content") if isinstance(data.get("content"), str) else ""
    mapped = {"category": category, "body": body}
    if category == Category.REVIEW:
        # The original's review title *is* the rating; the page gets a title from the text.
        mapped["rating"] = title
        mapped["title"] = (body.strip().splitlines() or [""])[0][:50].strip() or "Review"
        return mapped, title
    mapped["title"] = title
    if category == Category.SHARE:
        mapped.update(state=_state_code(_field(data, "state")), county=_county(_field(data, "county")))
    elif category == Category.FUN:
        subcategory = _field(data, "funcategory")
        mapped["subcategory"] = subcategory
        if subcategory == "food":
            mapped["restaurant_address"] = _field(data, "restaurantaddress")
        elif subcategory == "meetup":
            meetup = _field(data, "meetupcategory")
            mapped.update(
                state=_state_code(_field(data, "state")),
                county=_county(_field(data, "county")),
                meetup_type=MEETUP_TYPES.get(meetup, meetup),
            )
    return mapped, title


def _images(files) -> list:
    numbered = sorted((int(match.group(1)), key) for key in files if (match := IMAGE_FIELD.match(key)))
    return [files[key] for _number, key in numbered]


class CreatePostView(LegacyView):
    """POST multipart (category, title, content, image_0..8, category fields) → 200 {msg}; 400 {err}."""

    throttle_scope = "post"

    def post(self, request):
        not_files = [key for key in request.POST if IMAGE_FIELD.match(key)]
        if not_files:
            raise bad_request(_("%(name)s must be an image file.") % {"name": not_files[0]}, "images")
        mapped, _rating = _post_input(request.data)
        serializer = PostInput(data=mapped)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        services.create_post(
            author=request.user,
            category=data.pop("category"),
            subcategory=data.pop("subcategory", ""),
            title=data.pop("title"),
            body=data.pop("body", ""),
            images=_images(request.FILES),
            meetup_at_required=False,
            **data,
        )
        return Response({"msg": "new post created!"})


class ReviewListView(PublicLegacyView):
    """GET ?page&size → {results: [Review], page, page_size, has_next, total_pages}."""

    def get(self, request):
        return Response(_public_page(request, self._page))

    @staticmethod
    def _page(request, user):
        posts = legacy_selectors.reviews(user)
        return _page(request, posts, payloads.review_payload, legacy_selectors.reviews_total(user, posts))


class PostListView(PublicLegacyView):
    """GET ?page&size&filter ("" | share | food | meetup | chat) → the same envelope of [Post]."""

    def get(self, request):
        value = request.query_params.get("filter", "").strip()
        if value not in legacy_selectors.POST_FILTERS:
            raise bad_request(_("filter must be empty or one of share, food, meetup, chat."), "filter")
        return Response(_public_page(request, lambda request, user: self._page(request, user, value)))

    @staticmethod
    def _page(request, user, value):
        posts = legacy_selectors.post_list(user, value)
        total = legacy_selectors.post_list_total(user, value, posts)
        return _page(request, posts, payloads.post_payload, total)


class MyPostsView(LegacyView):
    """GET → {results: [Post]} with `post_like` listing who liked each."""

    def get(self, request):
        posts = legacy_selectors.my_posts(request.user)
        return Response({"results": [payloads.post_payload(request, post, with_likes=True) for post in posts]})


class PostDetailView(PublicLegacyView):
    """GET /api/post/{slug}/ → {results: Post, did_like}."""

    def get(self, request, slug):
        post = legacy_selectors.post_with_likers(request.user, slug)
        return Response(
            {
                "results": payloads.post_payload(request, post, with_likes=True),
                "did_like": bool(post.liked_by_me),
            }
        )


class PostLikeView(LegacyView):
    """POST {slug} → {result: "liked" | "unliked"} (a toggle over set_post_like)."""

    throttle_scope = "like"

    def post(self, request):
        post = selectors.interactable_post(request.user, _field(request.data, "slug"))
        liked_now = PostLike.objects.filter(user=request.user, post=post).exists()
        liked, _count = services.set_post_like(user=request.user, post=post, liked=not liked_now)
        return Response({"result": "liked" if liked else "unliked"})


class CommentListView(PublicLegacyView):
    """GET ?slug= → {results: [Comment]} (roots newest first, `children` nested)."""

    def get(self, request):
        post = selectors.get_post(request.user, request.query_params.get("slug", ""))
        tree = selectors.comments_for(request.user, post)
        return Response({"results": [payloads.comment_payload(request, comment) for comment in tree]})


class WriteCommentView(LegacyView):
    """POST ?slug= {content, parent_id | null} → {result: "created"}."""

    throttle_scope = "comment"

    def post(self, request):
        post = selectors.interactable_post(request.user, request.query_params.get("slug", ""))
        content = request.data.get("content") if hasattr(request.data, "get") else None
        if not isinstance(content, str) or len(content) > 2000:
            raise bad_request(_("Write a comment of at most 2000 characters."), "content")
        services.add_comment(author=request.user, post=post, body=content, parent_id=request.data.get("parent_id"))
        return Response({"result": "created"})


class CommentLikeView(LegacyView):
    """POST {id} → {msg: "liked" | "unliked"} (a toggle over set_comment_like)."""

    throttle_scope = "like"

    def post(self, request):
        comment = selectors.comment_for_action(request.user, request.data.get("id"))
        liked_now = CommentLike.objects.filter(user=request.user, comment=comment).exists()
        liked, _count = services.set_comment_like(user=request.user, comment=comment, liked=not liked_now)
        return Response({"msg": "liked" if liked else "unliked"})


class SummaryView(PublicLegacyView):
    """GET → {results: {reviews, usrs}}: what the Restrictions component reads (it meant these counts)."""

    permission_classes = [AllowAny]

    def get(self, request):
        stats = selectors.review_stats()
        return Response({"results": {"reviews": stats["count"], "usrs": legacy_selectors.active_member_count()}})
