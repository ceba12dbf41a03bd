"""Community API views: parse input, call one service or selector, render JSON."""

from functools import partial

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil import page_cache
from bidangil.api.pagination import NewestFirstCursorPagination
from bidangil.api.serializers import error_responses
from bidangil.api.throttling import ScopedThrottle
from bidangil.errors import NotFound
from community import regions, selectors, services

from ..models import CommunityProfile
from ..nicknames import nickname_problem
from . import serializers as s

TAGS = ["community"]
ERROR_DESCRIPTIONS = {
    403: "Not allowed: no community profile yet, a suspended member, or not the author (or a moderator).",
    413: "An image is too large.",
}
DELETED = OpenApiResponse(description="Deleted.")


_errors = partial(error_responses, defaults=ERROR_DESCRIPTIONS)


class FeedPagination(NewestFirstCursorPagination):
    ordering = ("-first_published_at", "-pk")


class WriteThrottled:
    """Throttle only writes, with the scope named by `write_scope` (settings DEFAULT_THROTTLE_RATES)."""

    write_scope = None

    def get_throttles(self):
        if self.request.method in SAFE_METHODS or not self.write_scope:
            return []
        self.throttle_scope = self.write_scope
        return [ScopedThrottle()]


def _input(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _with_liked(comments: list[dict], liked: set[int]) -> list[dict]:
    """Cached comment threads with the member's own likes set, replies included."""
    return [{**c, "liked_by_me": c["id"] in liked, "children": _with_liked(c["children"], liked)} for c in comments]


def _post_fields(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in ("category", "title", "body", "subcategory")}


class PostListView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = FeedPagination
    write_scope = "post"

    @extend_schema(
        tags=TAGS,
        summary="The feed, newest first",
        parameters=[s.FeedQuery],
        responses={200: s.PostListItem(many=True), **_errors(400, 404, e404="Invalid cursor.")},
    )
    def get(self, request):
        filters = _input(s.FeedQuery, request.query_params)
        user = request.user
        if not selectors.sees_only_public_posts(user):
            return Response(self._page(request, user, filters))
        # The page everyone sees alike, from the cache (bidangil/page_cache.py); the member's own likes on top.
        data = page_cache.page(request.build_absolute_uri(), lambda: self._page(request, None, filters))
        liked = selectors.liked_post_ids(user, [item["id"] for item in data["results"]])
        if liked:
            data = {**data, "results": [{**item, "liked_by_me": item["id"] in liked} for item in data["results"]]}
        return Response(data)

    def _page(self, request, user, filters) -> dict:
        posts = selectors.feed(user, **filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(posts, request, view=self)
        items = list(s.PostListItem(page, many=True, context={"request": request}).data)  # plain: it is cached
        return paginator.get_paginated_response(items).data

    @extend_schema(
        tags=TAGS,
        summary="Write a post",
        request={"multipart/form-data": s.PostForm, "application/json": s.PostInput},
        responses={
            201: s.PostCreated,
            **_errors(400, 401, 403, 409, 413, 429, e409="The category's board does not exist yet."),
        },
    )
    def post(self, request):
        data = _input(s.PostInput, request.data)
        post = services.create_post(
            author=request.user,
            category=data["category"],
            subcategory=data.get("subcategory", ""),
            title=data["title"],
            body=data.get("body", ""),
            images=request.FILES.getlist("images"),
            **_post_fields(data),
        )
        # Publishing a revision updates the stored page, not this instance: read `live` back.
        post.refresh_from_db(fields=["live"])
        return Response(s.PostCreated(post).data, status=status.HTTP_201_CREATED)


class PostDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(tags=TAGS, responses={200: s.PostDetail, **_errors(404)})
    def get(self, request, slug):
        user = request.user
        if not selectors.sees_only_public_posts(user):
            return Response(self._detail(request, user, slug))
        data = page_cache.page(request.build_absolute_uri(), lambda: self._detail(request, None, slug))
        if selectors.liked_post_ids(user, [data["id"]]):
            data = {**data, "liked_by_me": True}
        return Response(data)

    @staticmethod
    def _detail(request, user, slug) -> dict:
        return s.PostDetail(selectors.get_post(user, slug), context={"request": request}).data

    @extend_schema(
        tags=TAGS,
        summary="Edit a post (author or moderator)",
        request={"multipart/form-data": s.PostUpdateForm, "application/json": s.PostUpdateInput},
        responses={200: s.PostDetail, **_errors(400, 401, 403, 404, 413)},
    )
    def patch(self, request, slug):
        post = selectors.get_post(request.user, slug)
        data = _input(s.PostUpdateInput, request.data, partial=True)
        images = request.FILES.getlist("images") if "images" in request.FILES else None
        services.update_post(
            actor=request.user,
            post=post,
            title=data.get("title"),
            body=data.get("body"),
            subcategory=data.get("subcategory"),
            images=images,
            **_post_fields(data),
        )
        return Response(s.PostDetail(selectors.get_post(request.user, slug), context={"request": request}).data)

    @extend_schema(
        tags=TAGS, summary="Delete a post (author or moderator)", responses={204: DELETED, **_errors(401, 403, 404)}
    )
    def delete(self, request, slug):
        post = selectors.get_post(request.user, slug)
        services.delete_post(actor=request.user, post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LikeView(WriteThrottled, APIView):
    """POST likes, DELETE takes the like back; both are idempotent and answer with the new like count."""

    # Subclasses implement set_like: find the target from the URL and call its like service.

    permission_classes = [IsAuthenticated]
    write_scope = "like"

    def set_like(self, request, liked: bool, **url_kwargs) -> tuple[bool, int]:
        raise NotImplementedError

    def post(self, request, **url_kwargs):
        return self._answer(*self.set_like(request, True, **url_kwargs))

    def delete(self, request, **url_kwargs):
        return self._answer(*self.set_like(request, False, **url_kwargs))

    @staticmethod
    def _answer(liked: bool, count: int):
        return Response(s.LikeState({"liked": liked, "like_count": count}).data)


def _like_schema(target: str, *codes: int, **descriptions: str):
    responses = {200: s.LikeState, **_errors(*codes, **descriptions)}
    return extend_schema_view(
        post=extend_schema(tags=TAGS, summary=f"Like the {target} (idempotent)", request=None, responses=responses),
        delete=extend_schema(tags=TAGS, summary=f"Take back a like on the {target} (idempotent)", responses=responses),
    )


@_like_schema("post", 401, 403, 404, 429)
class PostLikeView(LikeView):
    def set_like(self, request, liked, slug):
        post = selectors.interactable_post(request.user, slug)
        return services.set_post_like(user=request.user, post=post, liked=liked)


class PostCommentsView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    write_scope = "comment"

    @extend_schema(tags=TAGS, summary="The comment threads of a post", responses={200: s.CommentThread, **_errors(404)})
    def get(self, request, slug):
        user = request.user
        if not selectors.sees_only_public_comments(user, slug):
            return Response(self._threads(request, user, slug))
        data = page_cache.page(request.build_absolute_uri(), lambda: self._threads(request, None, slug))
        liked = selectors.liked_comment_ids(user, slug)
        return Response({"results": _with_liked(data["results"], liked)} if liked else data)

    @staticmethod
    def _threads(request, user, slug) -> dict:
        post = selectors.get_post(user, slug)
        tree = selectors.comments_for(user, post)
        return s.CommentThread({"results": tree}, context={"request": request}).data

    @extend_schema(
        tags=TAGS,
        summary="Comment on a post, or reply with `parent`",
        request=s.CommentInput,
        responses={201: s.CommentOutput, **_errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, slug):
        post = selectors.interactable_post(request.user, slug)
        data = _input(s.CommentInput, request.data)
        comment = services.add_comment(author=request.user, post=post, body=data["body"], parent_id=data.get("parent"))
        comment.like_count, comment.liked_by_me, comment.children, comment.tombstone = 0, False, [], False
        return Response(s.CommentOutput(comment, context={"request": request}).data, status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Edit your comment",
        request={
            media_type: s.COMMENT_UPDATE_SCHEMA
            for media_type in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
        },
        responses={
            200: s.CommentEdited,
            **_errors(400, 401, 403, 404, 409, e409="The comment was deleted."),
        },
    )
    def patch(self, request, comment_id):
        comment = selectors.comment_for_action(request.user, comment_id)
        data = _input(s.CommentUpdateInput, request.data)
        comment = services.edit_comment(actor=request.user, comment=comment, body=data["body"])
        return Response(s.CommentEdited(comment).data)

    @extend_schema(
        tags=TAGS, summary="Delete a comment (author or moderator)", responses={204: DELETED, **_errors(401, 403, 404)}
    )
    def delete(self, request, comment_id):
        comment = selectors.comment_for_action(request.user, comment_id)
        services.delete_comment(actor=request.user, comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)


@_like_schema("comment", 401, 403, 404, 429)
class CommentLikeView(LikeView):
    def set_like(self, request, liked, comment_id):
        comment = selectors.comment_for_action(request.user, comment_id)
        if comment.is_deleted:
            raise NotFound(_("No such comment."))
        return services.set_comment_like(user=request.user, comment=comment, liked=liked)


class ReportView(WriteThrottled, APIView):
    """Report to the moderators, with a reason; a member reports the same thing once."""

    # Subclasses implement reported: find the target from the URL, as the keyword services.report takes.

    permission_classes = [IsAuthenticated]
    write_scope = "report"

    def reported(self, request, **url_kwargs) -> dict:
        raise NotImplementedError

    def post(self, request, **url_kwargs):
        target = self.reported(request, **url_kwargs)
        data = _input(s.ReportInput, request.data)
        report = services.report(reporter=request.user, reason=data["reason"], **target)
        return Response(s.ReportCreated(report).data, status=status.HTTP_201_CREATED)


def _report_schema(target: str):
    return extend_schema_view(
        post=extend_schema(
            tags=TAGS,
            summary=f"Report the {target} to the moderators",
            request=s.ReportInput,
            responses={
                201: s.ReportCreated,
                **_errors(400, 401, 403, 404, 409, 429, e409=f"You already reported this {target}."),
            },
        )
    )


@_report_schema("post")
class PostReportView(ReportView):
    def reported(self, request, slug):
        return {"post": selectors.interactable_post(request.user, slug)}


@_report_schema("comment")
class CommentReportView(ReportView):
    def reported(self, request, comment_id):
        return {"comment": selectors.comment_for_action(request.user, comment_id)}


class ProfileView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, summary="A member's public profile", responses={200: s.ProfileOutput, **_errors(404)})
    def get(self, request, nickname):
        return Response(
            s.ProfileOutput(selectors.get_profile(request.user, nickname), context={"request": request}).data
        )


@_like_schema("profile", 400, 401, 403, 404, 429, e400="Members cannot like their own profile.")
class ProfileLikeView(LikeView):
    def set_like(self, request, liked, nickname):
        profile = selectors.get_profile(request.user, nickname)
        return services.set_profile_like(user=request.user, profile=profile, liked=liked)


class MyProfileView(APIView):
    permission_classes = [IsAuthenticated]

    def _render(self, request):
        profile = CommunityProfile.objects.filter(user=request.user).first()
        if profile is None:
            raise NotFound(_("You have no community profile yet."))
        public = selectors.get_profile(request.user, profile.nickname)
        return Response(s.MyProfileOutput(public, context={"request": request}).data)

    @extend_schema(
        tags=TAGS,
        summary="Your own profile",
        responses={200: s.MyProfileOutput, **_errors(401, 404, e404="You have no community profile yet.")},
    )
    def get(self, request):
        return self._render(request)

    @extend_schema(
        tags=TAGS,
        summary="Change your nickname, region or bio",
        request=s.ProfileUpdateInput,
        responses={200: s.MyProfileOutput, **_errors(400, 401, 404, e404="You have no community profile yet.")},
    )
    def patch(self, request):
        data = _input(s.ProfileUpdateInput, request.data)
        if not CommunityProfile.objects.filter(user=request.user).exists():
            raise NotFound(_("You have no community profile yet."))
        services.update_profile(user=request.user, **data)
        return self._render(request)


class NicknameCheckView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="Whether a nickname is free and allowed",
        parameters=[OpenApiParameter("nickname", str, description="An empty nickname is reported as not available.")],
        responses={200: s.NicknameCheck},
    )
    def get(self, request):
        nickname = request.query_params.get("nickname", "")
        exclude = request.user.pk if request.user.is_authenticated else None
        problem = nickname_problem(nickname, exclude_user_id=exclude)
        return Response(s.NicknameCheck({"available": problem is None, "reason": problem or ""}).data)


class ReviewStatsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS, summary="Count, average and distribution of review ratings", responses={200: s.ReviewStats}
    )
    def get(self, request):
        return Response(selectors.review_stats())


class RegionsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, summary="States and their counties, for region pickers", responses={200: s.RegionList})
    def get(self, request):
        return Response({"results": regions.as_payload()})
