"""Community API views: parse input, call one service or selector, render JSON."""

from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.pagination import NewestFirstCursorPagination
from bidangil.api.throttling import ScopedThrottle

from .. import regions, selectors, services
from ..models import CommunityProfile
from ..nicknames import nickname_problem
from . import serializers as s


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


def _post_fields(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in ("category", "title", "body", "subcategory")}


class PostListView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    write_scope = "post"

    def get(self, request):
        filters = _input(s.FeedQuery, request.query_params)
        posts = selectors.feed(request.user, **filters)
        paginator = FeedPagination()
        page = paginator.paginate_queryset(posts, request, view=self)
        return paginator.get_paginated_response([s.post_payload(request, post) for post in page])

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
        return Response({"slug": post.slug, "id": post.pk, "live": post.live}, status=status.HTTP_201_CREATED)


class PostDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get(self, request, slug):
        post = selectors.get_post(request.user, slug)
        return Response(s.post_payload(request, post, detail=True))

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
        return Response(s.post_payload(request, selectors.get_post(request.user, slug), detail=True))

    def delete(self, request, slug):
        post = selectors.get_post(request.user, slug)
        services.delete_post(actor=request.user, post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostLikeView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticated]
    write_scope = "like"

    def _set(self, request, slug, liked):
        post = selectors.interactable_post(request.user, slug)
        liked, count = services.set_post_like(user=request.user, post=post, liked=liked)
        return Response({"liked": liked, "like_count": count})

    def post(self, request, slug):
        return self._set(request, slug, True)

    def delete(self, request, slug):
        return self._set(request, slug, False)


class PostCommentsView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    write_scope = "comment"

    def get(self, request, slug):
        post = selectors.get_post(request.user, slug)
        tree = selectors.comments_for(request.user, post)
        return Response({"results": [s.comment_payload(request, comment) for comment in tree]})

    def post(self, request, slug):
        post = selectors.interactable_post(request.user, slug)
        data = _input(s.CommentInput, request.data)
        comment = services.add_comment(author=request.user, post=post, body=data["body"], parent_id=data.get("parent"))
        comment.like_count, comment.liked_by_me, comment.children, comment.tombstone = 0, False, [], False
        return Response(s.comment_payload(request, comment), status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    def patch(self, request, comment_id):
        comment = selectors.comment_for_action(request.user, comment_id)
        data = _input(s.CommentUpdateInput, request.data)
        comment = services.edit_comment(actor=request.user, comment=comment, body=data["body"])
        return Response({"id": comment.pk, "body": comment.body, "edited_at": comment.edited_at})

    def delete(self, request, comment_id):
        comment = selectors.comment_for_action(request.user, comment_id)
        services.delete_comment(actor=request.user, comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentLikeView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticated]
    write_scope = "like"

    def _set(self, request, comment_id, liked):
        comment = selectors.comment_for_action(request.user, comment_id)
        if comment.is_deleted:
            raise selectors.NotFound("No such comment.")
        liked, count = services.set_comment_like(user=request.user, comment=comment, liked=liked)
        return Response({"liked": liked, "like_count": count})

    def post(self, request, comment_id):
        return self._set(request, comment_id, True)

    def delete(self, request, comment_id):
        return self._set(request, comment_id, False)


class PostReportView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticated]
    write_scope = "report"

    def post(self, request, slug):
        post = selectors.interactable_post(request.user, slug)
        data = _input(s.ReportInput, request.data)
        report = services.report(reporter=request.user, post=post, reason=data["reason"])
        return Response({"id": report.pk, "status": report.status}, status=status.HTTP_201_CREATED)


class CommentReportView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticated]
    write_scope = "report"

    def post(self, request, comment_id):
        comment = selectors.comment_for_action(request.user, comment_id)
        data = _input(s.ReportInput, request.data)
        report = services.report(reporter=request.user, comment=comment, reason=data["reason"])
        return Response({"id": report.pk, "status": report.status}, status=status.HTTP_201_CREATED)


class ProfileView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, nickname):
        return Response(s.profile_payload(request, selectors.get_profile(request.user, nickname)))


class ProfileLikeView(WriteThrottled, APIView):
    permission_classes = [IsAuthenticated]
    write_scope = "like"

    def _set(self, request, nickname, liked):
        profile = selectors.get_profile(request.user, nickname)
        liked, count = services.set_profile_like(user=request.user, profile=profile, liked=liked)
        return Response({"liked": liked, "like_count": count})

    def post(self, request, nickname):
        return self._set(request, nickname, True)

    def delete(self, request, nickname):
        return self._set(request, nickname, False)


class MyProfileView(APIView):
    permission_classes = [IsAuthenticated]

    def _render(self, request):
        profile = CommunityProfile.objects.filter(user=request.user).first()
        if profile is None:
            raise selectors.NotFound("You have no community profile yet.")
        public = selectors.get_profile(request.user, profile.nickname)
        data = s.profile_payload(request, public)
        data.update(state=profile.region_state, county=profile.region_county, is_banned=profile.is_banned)
        return Response(data)

    def get(self, request):
        return self._render(request)

    def patch(self, request):
        data = _input(s.ProfileUpdateInput, request.data)
        if not CommunityProfile.objects.filter(user=request.user).exists():
            raise selectors.NotFound("You have no community profile yet.")
        services.update_profile(user=request.user, **data)
        return self._render(request)


class NicknameCheckView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        nickname = request.query_params.get("nickname", "")
        exclude = request.user.pk if request.user.is_authenticated else None
        problem = nickname_problem(nickname, exclude_user_id=exclude)
        return Response({"available": problem is None, "reason": problem or ""})


class ReviewStatsView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response(selectors.review_stats())


class RegionsView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"results": regions.as_payload()})
