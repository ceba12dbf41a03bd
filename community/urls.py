from django.urls import include, path

urlpatterns = [
    path("", include("community.api.urls")),  # posts, comments, likes, profiles, reports, review stats
    path("", include("community.avatar_urls")),  # avatar quiz and generation
]
