"""The original web client's paths (original-frontend.md §1), served only when settings.LEGACY_API is on."""

from django.urls import path

from accounts.views import CsrfTokenView
from commerce.payments.webhooks import stripe_webhook

from . import accounts, community, orders

urlpatterns = [
    path("api/csrf_token/", CsrfTokenView.as_view(), name="legacy-csrf-token"),
    path("api/login/", accounts.LoginView.as_view(), name="legacy-login"),
    path("api/logout/", accounts.LogoutView.as_view(), name="legacy-logout"),
    path("api/session_ping/", accounts.SessionPingView.as_view(), name="legacy-session-ping"),
    path("api/send_code/", accounts.SendCodeView.as_view(), name="legacy-send-code"),
    path("api/verify_code/", accounts.VerifyCodeView.as_view(), name="legacy-verify-code"),
    path("api/sign_up/", accounts.SignUpView.as_view(), name="legacy-sign-up"),
    path("api/submit_order/", orders.SubmitOrderView.as_view(), name="legacy-submit-order"),
    path("api/profile_info/", orders.ProfileInfoView.as_view(), name="legacy-profile-info"),
    path("api/pay/<str:number>/<str:stage>/", orders.PayLinkView.as_view(), name="legacy-pay"),
    path("webhook/stripe_payment", stripe_webhook, name="legacy-stripe-webhook"),
    path("api/community_profile/", community.CommunityProfileView.as_view(), name="legacy-community-profile"),
    path("api/community_profile/like/", community.ProfileLikeView.as_view(), name="legacy-profile-like"),
    path("api/others_profile/", community.OthersProfileView.as_view(), name="legacy-others-profile"),
    path("api/validate_nickname/", community.ValidateNicknameView.as_view(), name="legacy-validate-nickname"),
    path("api/community/update_profile/", community.UpdateProfileView.as_view(), name="legacy-update-profile"),
    path("api/create_avatar/", community.CreateAvatarView.as_view(), name="legacy-create-avatar"),
    path("api/community/post/", community.CreatePostView.as_view(), name="legacy-create-post"),
    path("api/get_reviews/", community.ReviewListView.as_view(), name="legacy-reviews"),
    path("api/posts/", community.PostListView.as_view(), name="legacy-posts"),
    path("api/posts/get_my_posts/", community.MyPostsView.as_view(), name="legacy-my-posts"),
    path("api/post/like/", community.PostLikeView.as_view(), name="legacy-post-like"),
    path("api/post/get_comments/", community.CommentListView.as_view(), name="legacy-comments"),
    path("api/post/write_comments/", community.WriteCommentView.as_view(), name="legacy-write-comment"),
    path("api/post/like_comment/", community.CommentLikeView.as_view(), name="legacy-comment-like"),
    path("api/post/<str:slug>/", community.PostDetailView.as_view(), name="legacy-post-detail"),
    path("api/summarize_reliable/", community.SummaryView.as_view(), name="legacy-summary"),
]
