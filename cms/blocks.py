"""StreamField blocks of the content pages; each serialises to plain JSON for the headless frontend."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import blocks
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.blocks import ImageChooserBlock

# Limited on purpose: structure comes from the blocks, rich text only carries inline emphasis, links and lists.
RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]

# Rendition filter specs served to the frontend (thumbnail for cards, large for the page body).
THUMBNAIL_SPEC = "fill-480x320"
LARGE_SPEC = "max-1600x1200"


def rendition_json(image, spec: str) -> dict:
    """Rendition URL and size of `image`, in the same shape as Wagtail's ImageRenditionField."""
    return ImageRenditionField(spec).to_representation(image)


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(choices=[("h2", _lazy("Heading 2")), ("h3", _lazy("Heading 3"))], default="h2")

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(max_length=200, help_text=_lazy("Describe the image for people who cannot see it."))
    caption = blocks.CharBlock(max_length=200, required=False)

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"

    def get_api_representation(self, value, context=None):
        image = value["image"]
        if image is None:  # the image was deleted after the page was published
            return None
        return {
            "id": image.pk,
            "alt": value["alt"],
            "caption": value["caption"],
            "thumbnail": rendition_json(image, THUMBNAIL_SPEC),
            "large": rendition_json(image, LARGE_SPEC),
        }


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False, help_text=_lazy("Link to a page of this site…"))
    url = blocks.URLBlock(required=False, help_text=_lazy("…or to another address."))

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value["page"]) == bool(value["url"]):
            message = _("Choose a page or enter an address (one of the two).")
            raise blocks.StructBlockValidationError(block_errors={"page": ValidationError(message)})
        return value

    def get_api_representation(self, value, context=None):
        page = value["page"]
        request = (context or {}).get("request")
        url = value["url"] or None
        if page is not None:
            url = page.get_url(request=request) if page.live else None  # no link to an unpublished page
        return {"label": value["label"], "page": page.pk if page else None, "url": url}


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, required=False)
    items = blocks.ListBlock(FAQItemBlock(), min_num=1)

    class Meta:
        icon = "help"
        label = _lazy("FAQ list")
        template = "cms/blocks/faq.html"


class RestrictedItemBlock(blocks.StructBlock):
    item = blocks.CharBlock(max_length=100)
    reason = blocks.CharBlock(max_length=200)
    allowed = blocks.BooleanBlock(
        required=False, help_text=_lazy("Tick when we can ship it (with the conditions in notes).")
    )
    notes = blocks.CharBlock(max_length=300, required=False)


class RestrictedItemsTableBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, required=False)
    rows = blocks.ListBlock(RestrictedItemBlock(), min_num=1)

    class Meta:
        icon = "warning"
        label = _lazy("Restricted items table")
        template = "cms/blocks/restricted_items.html"


class FeeRowBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=100)
    value = blocks.CharBlock(max_length=60, help_text=_lazy("As shown, e.g. “4%” or “$18.50”."))
    note = blocks.CharBlock(max_length=300, required=False)


class FeeTableBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, required=False)
    rows = blocks.ListBlock(FeeRowBlock(), min_num=1)

    class Meta:
        icon = "table"
        label = _lazy("Fee table")
        template = "cms/blocks/fee_table.html"


class ContentStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    rich_text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = ImageBlock()
    call_to_action = CallToActionBlock()
    faq = FAQBlock()
    restricted_items = RestrictedItemsTableBlock()
    fee_table = FeeTableBlock()
