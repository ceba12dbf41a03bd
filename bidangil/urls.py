from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from bidangil import views

# Django's own admin is a superuser's tool; staff and editors work in the Wagtail admin at /admin/.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("commerce.urls")),
    path("", include("community.urls")),
    path("", include("notifications.urls")),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/cms/v2/", include("cms.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("integrations.urls")),
]

if settings.LEGACY_API:
    urlpatterns.append(path("", include("legacy.urls")))

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Local media (the embedded default, single-server installs); with a bucket, S3 serves media itself.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", views.media, name="media"))

urlpatterns.append(path("", include(wagtail_urls)))

handler400 = "bidangil.views.bad_request_error"
handler403 = "bidangil.views.forbidden"
handler404 = "bidangil.views.not_found"
handler500 = "bidangil.views.server_error"
