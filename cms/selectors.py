"""Reads of the cms app."""

from .models import SiteSettings


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
