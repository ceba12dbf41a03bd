from django.urls import path

from community.api import views as community_api
from community.avatars import api as avatars_api

urlpatterns = [
    path("posts/", community_api.PostListView.as_view(), name="community-posts"),
    path("posts/<str:slug>/", community_api.PostDetailView.as_view(), name="community-post"),
    path("posts/<str:slug>/like/", community_api.PostLikeView.as_view(), name="community-post-like"),
    path("posts/<str:slug>/comments/", community_api.PostCommentsView.as_view(), name="community-post-comments"),
    path("posts/<str:slug>/report/", community_api.PostReportView.as_view(), name="community-post-report"),
    path("comments/<int:comment_id>/", community_api.CommentDetailView.as_view(), name="community-comment"),
    path("comments/<int:comment_id>/like/", community_api.CommentLikeView.as_view(), name="community-comment-like"),
    path(
        "comments/<int:comment_id>/report/", community_api.CommentReportView.as_view(), name="community-comment-report"
    ),
    path("profiles/<str:nickname>/", community_api.ProfileView.as_view(), name="community-profile"),
    path("profiles/<str:nickname>/like/", community_api.ProfileLikeView.as_view(), name="community-profile-like"),
    path("me/profile/", community_api.MyProfileView.as_view(), name="community-my-profile"),
    path("nicknames/check/", community_api.NicknameCheckView.as_view(), name="community-nickname-check"),
    path("reviews/stats/", community_api.ReviewStatsView.as_view(), name="community-review-stats"),
    path("regions/", community_api.RegionsView.as_view(), name="community-regions"),
    path("avatar/choices/", avatars_api.AvatarChoicesView.as_view(), name="avatar-choices"),
    path("me/avatar/", avatars_api.MyAvatarView.as_view(), name="my-avatar"),
]
