"""Wagtail's page serving in each content language: English pages at their path ("/fees/"), Korean ones
under "/ko/" ("/ko/fees/").

The language of the path picks the page tree, whatever language the request is otherwise answered in
(Accept-Language, the member's saved preference): a URL always shows the same page.
"""

import re

from django.conf import settings
from django.http import Http404
from django.urls import URLResolver, re_path
from django.utils import translation
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page

# Wagtail's own URL list ends with its catch-all page view; its other views (page password, login) stay as
# they are, without a language prefix.
WAGTAIL_SERVE_PATTERN = wagtail_urls.urlpatterns[-1].pattern.regex.pattern


def default_content_language() -> str:
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def prefixed_content_languages() -> list[str]:
    default = default_content_language()
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES if code != default]


def path_content_language(path: str) -> tuple[str, str]:
    """(content language, the path without its language prefix) for a path of the site ("ko/fees/")."""
    for code in prefixed_content_languages():
        if path.startswith(f"{code}/"):
            return code, path[len(code) + 1 :]
    return default_content_language(), path


class ContentLanguagePrefix:
    """The URL prefix of a content language: none for the default one, "ko/" for Korean.

    Reversing is Django's `LocalePrefixPattern(prefix_default_language=False)`: the prefix of the active
    language, which Wagtail sets to the page's own while building `page.url`. Matching reads the prefix
    from the path alone, so the request's language never hides a page; and not being Django's class, it
    leaves LocaleMiddleware choosing the language of every other URL as it does without i18n_patterns.
    """

    converters = {}

    @property
    def language_prefix(self) -> str:
        try:
            language = get_supported_content_language_variant(translation.get_language() or settings.LANGUAGE_CODE)
        except LookupError:
            return ""
        return "" if language == default_content_language() else f"{language}/"

    @property
    def regex(self):
        return re.compile(re.escape(self.language_prefix))

    def match(self, path):
        language, rest = path_content_language(path)
        return rest, (), {"language": language}

    def check(self):
        return []

    def describe(self):
        return "'<content language>/'"

    def __str__(self):
        return self.language_prefix


def serve(request, path, language):
    """Wagtail's page view with the page's language active: Wagtail routes into that locale's tree. A page is
    served only under its own language's prefix (Wagtail would fall back to the default tree)."""
    with translation.override(language):
        route = Page.route_for_request(request, path)
        if route is not None and route[0].locale.language_code != language:
            raise Http404
        response = wagtail_views.serve(request, path)
        if hasattr(response, "render"):
            response.render()  # the template too, in the page's language
    response.headers["Content-Language"] = language
    return response


urlpatterns = [
    *wagtail_urls.urlpatterns[:-1],
    URLResolver(ContentLanguagePrefix(), [re_path(WAGTAIL_SERVE_PATTERN, serve, name="wagtail_serve")]),
]
