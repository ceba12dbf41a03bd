from django.urls import path

from . import views

urlpatterns = [
    path("posts/", views.PostListView.as_view(), name="community-posts"),
    path("posts/<str:slug>/", views.PostDetailView.as_view(), name="community-post"),
    path("posts/<str:slug>/like/", views.PostLikeView.as_view(), name="community-post-like"),
    path("posts/<str:slug>/comments/", views.PostCommentsView.as_view(), name="community-post-comments"),
    path("posts/<str:slug>/report/", views.PostReportView.as_view(), name="community-post-report"),
    path("comments/<int:comment_id>/", views.CommentDetailView.as_view(), name="community-comment"),
    path("comments/<int:comment_id>/like/", views.CommentLikeView.as_view(), name="community-comment-like"),
    path("comments/<int:comment_id>/report/", views.CommentReportView.as_view(), name="community-comment-report"),
    path("profiles/<str:nickname>/", views.ProfileView.as_view(), name="community-profile"),
    path("profiles/<str:nickname>/like/", views.ProfileLikeView.as_view(), name="community-profile-like"),
    path("me/profile/", views.MyProfileView.as_view(), name="community-my-profile"),
    path("nicknames/check/", views.NicknameCheckView.as_view(), name="community-nickname-check"),
    path("reviews/stats/", views.ReviewStatsView.as_view(), name="community-review-stats"),
    path("regions/", views.RegionsView.as_view(), name="community-regions"),
]
