from django.urls import path

from . import avatar_views

urlpatterns = [
    path("avatar/choices/", avatar_views.AvatarChoicesView.as_view(), name="avatar-choices"),
    path("me/avatar/", avatar_views.MyAvatarView.as_view(), name="my-avatar"),
]
