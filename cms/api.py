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
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.v2.filters import LocaleFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Locale, Page, Site, get_page_models
from wagtail_headless_preview.models import HeadlessPreviewMixin, PagePreview

from bidangil import page_cache
from bidangil.api.exceptions import error_body
from bidangil.search import MAX_OFFSET, plain_search_text
from community import selectors as community_selectors
from community.models import PostPage

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

    def get_renderer_context(self):
        # Wagtail pretty-prints its API (indent 4): a third more bytes, and Python's JSON encoder in pure Python
        # instead of its C one. Compact, like the rest of the API; `Accept: application/json; indent=4` still
        # pretty-prints.
        context = super().get_renderer_context()
        context.pop("indent", None)
        return context

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


def _content_types(model) -> list[ContentType]:
    """The content types of `model` and of its page subclasses (a listing of PostPage holds every post type)."""
    models = [m for m in get_page_models() if issubclass(m, model)]
    return list(ContentType.objects.get_for_models(*models).values())


class _Counted:
    """A queryset whose row count is already known: what WagtailPagination reads (count, then one slice)."""

    def __init__(self, queryset, total: int):
        self.queryset, self.total = queryset, total

    def count(self) -> int:
        return self.total

    def __getitem__(self, key):
        return self.queryset[key]


class StoredCountPagination(WagtailPagination):
    """`meta.total_count` of a plain listing of one post type from the stored public post counts, not COUNT(*)."""

    def paginate_queryset(self, queryset, request, view=None):
        total = view.stored_total(queryset) if view is not None else None
        return super().paginate_queryset(queryset if total is None else _Counted(queryset, total), request, view)


# Parameters that do not change which pages a listing holds: with only these, a post type's count is stored.
COUNT_NEUTRAL_PARAMETERS = {"type", "limit", "offset", "fields", "order", "locale"}


class CmsPagesAPIViewSet(PublicReadMixin, PagesAPIViewSet):
    filter_backends = [
        ContentLocaleFilter if backend is LocaleFilter else backend for backend in PagesAPIViewSet.filter_backends
    ]
    pagination_class = StoredCountPagination

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

    def _public_pages(self, model=Page):
        """The live pages of `model` anyone may see on this site.

        Wagtail lets a request through a restriction it satisfies (e.g. a signed-in member on a "login required"
        page); this API is public and cacheable, so restricted pages are never listed. Posts hidden by a
        moderator are shown to their author and editors elsewhere (/api/v1/posts/, admin)."""
        try:
            queryset = get_public_pages_queryset(self.request, model=model)
        except ValueError as exc:
            raise BadRequestError(str(exc)) from exc
        if model is not Page:  # the page table's own type column: MariaDB then walks the path index, no sort
            queryset = queryset.filter(content_type__in=_content_types(model))
        restricted = selectors.restricted_pages_q()
        if restricted:
            queryset = queryset.exclude(restricted)
        for hidden_model in _moderation_hidden_models():
            if issubclass(model, hidden_model):
                queryset = queryset.filter(is_hidden=False)  # a column of the model's own join
            else:
                queryset = queryset.exclude(pk__in=hidden_model.objects.filter(is_hidden=True).values("pk"))
        return queryset

    def listing_view(self, request):
        # Public and alike for everyone: cached until the next content write (bidangil/page_cache.py).
        build = super().listing_view
        return Response(page_cache.page(request.build_absolute_uri(), lambda: build(request).data))

    def get_base_queryset(self):
        return self._public_pages()

    def _single_type(self):
        try:
            models = page_models_from_string(self.request.GET.get("type", ""))
        except (LookupError, ValueError):
            return None  # Wagtail's get_queryset answers it
        return models[0] if len(models) == 1 and models[0] is not Page else None

    def get_queryset(self):
        # One page type: its own table joined to the page's, filtered there (Wagtail filters `pk IN (every public
        # page)`, which MariaDB answers by reading the whole type table). Every listed page names its locale
        # (meta.locale): prefetched, as a join to that table of a few rows would lead the plan and sort the pages.
        model = self._single_type() if self.action == "listing_view" else None
        queryset = self._public_pages(model) if model is not None else super().get_queryset()
        return queryset.prefetch_related("locale")

    def stored_total(self, queryset) -> int | None:
        """The row count of a listing of one post type with nothing else filtering it, from the stored counts."""
        model = self._single_type()
        if model is None or not issubclass(model, PostPage) or set(self.request.GET) - COUNT_NEUTRAL_PARAMETERS:
            return None
        code = self.request.GET.get("locale")
        locale_id = Locale.objects.get(language_code=code).pk if code else None  # the filter checked the code
        types = [content_type.model_class() for content_type in _content_types(model)]
        return community_selectors.visible_post_count(None, queryset, types=types, locale_id=locale_id)


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
