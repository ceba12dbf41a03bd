"""Wagtail API v2 for the headless frontend: /api/cms/v2/pages|images|documents|page_preview|site-settings/.

Everything here is public and read-only: only live pages without view restrictions are listed, drafts are
reachable only through a signed preview token. Images and documents in restricted collections are never
listed, nor images uploaded with a post that is not public (a draft, hidden, or behind a restriction).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.signing import BadSignature
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.api.v2.filters import LocaleFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Locale, Page, Site, get_page_models
from wagtail_headless_preview.models import HeadlessPreviewMixin, PagePreview

from bidangil.api.exceptions import error_body
from bidangil.search import MAX_OFFSET, plain_search_text
from community import selectors as community_selectors

from . import selectors
from .urls import path_content_language

# A preview link stays valid for a working day; the package deletes stored drafts older than that anyway.
PREVIEW_TOKEN_MAX_AGE = 24 * 60 * 60


class PublicReadMixin:
    """Anonymous read access (the project default is IsAuthenticated) and the project's error shape."""

    permission_classes = [AllowAny]

    def listing_view(self, request):
        offset = request.GET.get("offset", "")
        if offset.isdigit() and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset must be at most {MAX_OFFSET}")
        if "search" in request.GET:
            query = request._request.GET.copy()
            query["search"] = plain_search_text(query["search"])
            request._request.GET = query
        return super().listing_view(request)

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return Response(error_body("not_found", str(exc) or _("Not found.")), status=status.HTTP_404_NOT_FOUND)
        if isinstance(exc, BadRequestError):
            return Response(error_body("invalid", str(exc)), status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


def _moderation_hidden_models() -> list[type[Page]]:
    """Page models that declare an `is_hidden` moderation flag themselves (the community's post pages)."""
    models = []
    for model in get_page_models():
        try:
            field = model._meta.get_field("is_hidden")
        except FieldDoesNotExist:
            continue
        if field.model is model:
            models.append(model)
    return models


class ContentLocaleFilter(LocaleFilter):
    """`?locale=ko`: the pages of one locale; an unknown code is a 400 naming the known ones (Wagtail: 404)."""

    def filter_queryset(self, request, queryset, view):
        code = request.GET.get("locale")
        if code is not None and not Locale.objects.filter(language_code=code).exists():
            known = ", ".join(Locale.objects.order_by("language_code").values_list("language_code", flat=True))
            raise BadRequestError(f"locale must be one of: {known}")
        return super().filter_queryset(request, queryset, view)


class CmsPagesAPIViewSet(PublicReadMixin, PagesAPIViewSet):
    filter_backends = [
        ContentLocaleFilter if backend is LocaleFilter else backend for backend in PagesAPIViewSet.filter_backends
    ]

    def find_object(self, queryset, request):
        """`find/?html_path=/ko/fees/` finds the Korean page: the path's language prefix picks the locale's tree,
        as when the site serves it."""
        site = Site.find_for_request(request)
        if "html_path" not in request.GET or site is None:
            return super().find_object(queryset, request)
        language, path = path_content_language(request.GET["html_path"].lstrip("/"))
        root = site.root_page.specific.get_translation_or_none(Locale.objects.filter(language_code=language).first())
        if root is None:
            return None
        try:
            page, _, _ = root.specific.route(request, [component for component in path.split("/") if component])
        except Http404:
            return None
        return page if queryset.filter(pk=page.pk).exists() else None

    def get_base_queryset(self):
        # Wagtail lets a request through a restriction it satisfies (e.g. a signed-in member on a
        # "login required" page); this API is public and cacheable, so restricted pages are never listed.
        queryset = super().get_base_queryset()
        restricted = selectors.restricted_pages_q()
        if restricted:
            queryset = queryset.exclude(restricted)
        # Posts hidden by a moderator are shown to their author and editors elsewhere (/api/v1/posts/, admin).
        for model in _moderation_hidden_models():
            queryset = queryset.exclude(pk__in=model.objects.filter(is_hidden=True).values("pk"))
        return queryset

    def get_queryset(self):
        # Every listed page names its locale (meta.locale): one join instead of a query per page.
        return super().get_queryset().select_related("locale")


class PublicCollectionsMixin:
    """Wagtail lets a request see collections whose restriction it satisfies; this API is public and cacheable,
    so restricted collections are never listed (as for pages)."""

    def get_queryset(self):
        return super().get_queryset().exclude(collection__in=selectors.restricted_collection_ids())


class CmsImagesAPIViewSet(PublicReadMixin, PublicCollectionsMixin, ImagesAPIViewSet):
    def get_queryset(self):
        return super().get_queryset().exclude(community_selectors.non_public_post_images_q())


class CmsDocumentsAPIViewSet(PublicReadMixin, PublicCollectionsMixin, DocumentsAPIViewSet):
    pass


class PagePreviewAPIViewSet(CmsPagesAPIViewSet):
    """The draft an editor is previewing, serialised like the live page: `?content_type=cms.contentpage&token=…`.

    The token comes signed in the URL wagtail-headless-preview sends the frontend to; it is the only credential.
    """

    known_query_parameters = CmsPagesAPIViewSet.known_query_parameters.union(["content_type", "token"])

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "detail_view"}), name="detail")]

    def detail_view(self, request, pk=None):
        return super().detail_view(request, pk)

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            self._cached_object = self._find_preview()
        return self._cached_object

    def _find_preview(self):
        token = self.request.GET.get("token", "")
        app_label, _dot, model_name = self.request.GET.get("content_type", "").partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model_name.lower()).first()
        model = content_type.model_class() if content_type else None
        if model is None or not issubclass(model, Page) or not issubclass(model, HeadlessPreviewMixin):
            raise Http404(_("Unknown preview."))
        try:
            model.get_preview_signer().unsign(token, max_age=PREVIEW_TOKEN_MAX_AGE)
        except BadSignature as exc:  # also SignatureExpired
            raise Http404(_("This preview link is invalid or has expired.")) from exc
        preview = PagePreview.objects.filter(content_type=content_type, token=token).first()
        if preview is None:
            raise Http404(_("This preview link is invalid or has expired."))
        page = preview.as_page()
        if page.pk is None:
            page.pk = 0  # a page not saved yet: the serializer still needs an id for its links
        return page


class SiteSettingsView(APIView):
    """Contact details and the announcement banner the frontend shows on every page."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        return Response(selectors.site_settings_data(request))


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CmsPagesAPIViewSet)
api_router.register_endpoint("images", CmsImagesAPIViewSet)
api_router.register_endpoint("documents", CmsDocumentsAPIViewSet)
# After "pages": the router links Page objects to the first endpoint registered for them.
api_router.register_endpoint("page_preview", PagePreviewAPIViewSet)

app_name = "wagtailapi"
urlpatterns = [
    *api_router.get_urlpatterns(),
    path("site-settings/", SiteSettingsView.as_view(), name="site-settings"),
]
