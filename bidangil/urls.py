from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import admin_views
from bidangil import metrics, views
from cms import admin_views as cms_admin_views
from commerce.payments import dummy_checkout

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("commerce.urls")),
    path("", include("community.urls")),
    path("", include("notifications.urls")),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("api/v1/", include(api_v1)),
    path("api/cms/v2/", include("cms.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("django-admin/", admin.site.urls),
    # Wagtail's own views for these two, but a password they change signs the account out everywhere else.
    path("admin/account/", admin_views.account_view, name="wagtailadmin_account"),
    path("admin/password_reset/", admin_views.password_reset_view, name="wagtailadmin_password_reset"),
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        admin_views.password_reset_confirm_view,
        name="wagtailadmin_password_reset_confirm",
    ),
    path(
        "admin/choose-page/chosen-multiple/",
        cms_admin_views.chosen_multiple_pages,
        name="wagtailadmin_choose_page_chosen_multiple",
    ),
    path(
        "admin/localize/submit/page/<int:page_id>/",
        cms_admin_views.submit_page_translation,
        name="submit_page_translation",
    ),
    path("admin/localize/api/snippets/<slug:app_label>/<slug:model_name>/", cms_admin_views.snippet_api_listing),
    path(
        "admin/localize/api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/", cms_admin_views.snippet_api_detail
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.PAYMENT_BACKEND == "dummy":
    # The offline provider's Checkout page exists only while the dummy takes the payments.
    urlpatterns.append(
        path("payments/dummy-checkout/<str:session_id>/", dummy_checkout.dummy_checkout, name="dummy_checkout")
    )

if settings.LEGACY_API:
    urlpatterns.append(path("", include("legacy.urls")))

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Local media (the embedded default, single-server installs); with a bucket, S3 serves media itself.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", views.media, name="media"))

urlpatterns.append(path("", include("cms.urls")))

handler400 = "bidangil.views.bad_request"
handler403 = "bidangil.views.forbidden"
handler404 = "bidangil.views.not_found"
handler500 = "bidangil.views.server_error"
