"""Editorial pages (home, guides, FAQ, restricted items, fees) and the site-wide settings, all served headless."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessPreviewMixin

from .blocks import LARGE_SPEC, THUMBNAIL_SPEC, ContentStreamBlock


class HeadlessPreviewModesMixin(HeadlessPreviewMixin):
    """Two preview modes: the page rendered by Django here (default, works offline) and the
    Next.js frontend at FRONTEND_URL, which fetches the draft from /api/cms/v2/page_preview/."""

    FRONTEND_PREVIEW_MODE = "frontend"

    @property
    def preview_modes(self):
        return [("", "This site"), (self.FRONTEND_PREVIEW_MODE, "Frontend")]

    def serve_preview(self, request, mode_name):
        if mode_name == self.FRONTEND_PREVIEW_MODE:
            return HeadlessPreviewMixin.serve_preview(self, request, mode_name)
        return super(HeadlessPreviewMixin, self).serve_preview(request, mode_name)


def _image_api_fields(name: str) -> list[APIField]:
    """The image as a nested object plus ready-made renditions, so the frontend never builds URLs."""
    return [
        APIField(name),
        APIField(f"{name}_thumbnail", serializer=ImageRenditionField(THUMBNAIL_SPEC, source=name)),
        APIField(f"{name}_large", serializer=ImageRenditionField(LARGE_SPEC, source=name)),
    ]


class HomePage(HeadlessPreviewModesMixin, Page):
    hero_heading = models.CharField(max_length=120, blank=True)
    hero_intro = models.TextField(max_length=500, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(ContentStreamBlock(), blank=True)

    parent_page_types = ["wagtailcore.Page"]
    template = "cms/home_page.html"

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_intro"), FieldPanel("hero_image")], heading=_lazy("Hero")
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_heading"),
        index.SearchField("hero_intro"),
        index.SearchField("body"),
    ]
    api_fields = [APIField("hero_heading"), APIField("hero_intro"), *_image_api_fields("hero_image"), APIField("body")]

    class Meta:
        verbose_name = _lazy("home page")


class ContentPage(HeadlessPreviewModesMixin, Page):
    """A guide, FAQ, policy or list page built from blocks."""

    intro = models.TextField(max_length=500, blank=True, help_text=_lazy("One or two sentences shown in listings."))
    feature_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(ContentStreamBlock(), blank=True)

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    template = "cms/content_page.html"

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("feature_image"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    api_fields = [APIField("intro"), *_image_api_fields("feature_image"), APIField("body")]

    class Meta:
        verbose_name = _lazy("content page")


def validate_link(value: str) -> None:
    """A path on this site ("/fees") or a full http(s) address."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"])(value)


@register_setting(icon="site")
class SiteSettings(BaseGenericSetting):
    contact_email = models.EmailField(blank=True)
    business_hours = models.CharField(max_length=200, blank=True, help_text=_lazy("e.g. Mon–Fri 10:00–18:00 KST"))
    announcement_active = models.BooleanField(default=False, help_text=_lazy("Show the banner on every page."))
    announcement_text = models.CharField(max_length=200, blank=True)
    announcement_link = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_link],
        help_text=_lazy("A path such as /fees/ or a full address."),
    )

    panels = [
        MultiFieldPanel([FieldPanel("contact_email"), FieldPanel("business_hours")], heading=_lazy("Contact")),
        MultiFieldPanel(
            [FieldPanel("announcement_active"), FieldPanel("announcement_text"), FieldPanel("announcement_link")],
            heading=_lazy("Announcement banner"),
        ),
    ]

    class Meta:
        verbose_name = _lazy("site settings")

    def clean(self):
        super().clean()
        if self.announcement_active and not self.announcement_text:
            raise ValidationError({"announcement_text": _("An active banner needs a text.")})
