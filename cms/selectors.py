"""Reads of the cms app, and the page-privacy rules every API exposing pages or their images applies."""

from django.db.models import Q
from wagtail.models import CollectionViewRestriction, PageViewRestriction

from .models import SiteSettings


def _satisfies(restriction: PageViewRestriction, user) -> bool:
    """Whether `user` (None: anonymous, e.g. the public, cacheable CMS API) may see past `restriction`.

    A password is entered in a browser session on the site itself, so no API request satisfies it.
    """
    if user is None or not user.is_authenticated:
        return False
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return True
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        return user.is_superuser or any(group.pk in _group_ids(user) for group in restriction.groups.all())
    return False


def passes_a_restriction(user, restrictions=None) -> bool:
    """Whether some page view restriction lets `user` through (no query for an anonymous request)."""
    if user is None or not user.is_authenticated:
        return False
    return any(_satisfies(r, user) for r in (page_restrictions() if restrictions is None else restrictions))


def _group_ids(user) -> set[int]:
    if not hasattr(user, "_page_privacy_group_ids"):
        user._page_privacy_group_ids = set(user.groups.values_list("pk", flat=True))
    return user._page_privacy_group_ids


def page_restrictions() -> list[PageViewRestriction]:
    """Every page view restriction, with its page and groups (for several checks of one request)."""
    return list(PageViewRestriction.objects.select_related("page").prefetch_related("groups"))


def restricted_pages_q(user=None, *, prefix: str = "", restrictions=None) -> Q | None:
    """Pages under a view restriction (password, login, groups) the user does not satisfy, with their subpages;
    None when there is none. `prefix` points at a page from another model (e.g. "post__"); `restrictions`, when
    given, are page_restrictions() already read."""
    restricted = Q()
    for restriction in page_restrictions() if restrictions is None else restrictions:
        if not _satisfies(restriction, user):
            restricted |= Q(**{f"{prefix}path__startswith": restriction.page.path})
    return restricted or None


def restricted_collection_ids() -> list[int]:
    """Collections with any view restriction, and their subcollections: never in the public CMS API."""
    ids = set()
    for restriction in CollectionViewRestriction.objects.select_related("collection"):
        collection = restriction.collection
        ids.update(collection.get_descendants(inclusive=True).values_list("pk", flat=True))
    return sorted(ids)


def site_settings_data(request=None) -> dict:
    """The site-wide settings as the frontend needs them; `announcement` is null while the banner is off."""
    site_settings = SiteSettings.load(request_or_site=request)
    announcement = None
    if site_settings.announcement_active and site_settings.announcement_text:
        announcement = {"text": site_settings.announcement_text, "link": site_settings.announcement_link or None}
    return {
        "contact_email": site_settings.contact_email,
        "business_hours": site_settings.business_hours,
        "announcement": announcement,
    }
