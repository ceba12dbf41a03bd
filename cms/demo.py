"""Demo content for `make run`: home page, how-it-works guide, FAQ, restricted items, fee policy, site settings.

Idempotent: a page that already exists (by slug under the home page) is left as the editors last saved it.
"""

import io
import uuid

from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Site

from accounts.models import User
from bidangil.money import format_usd_cents
from commerce.shipping.models import DeliveryRate

from .models import ContentPage, HomePage, SiteSettings

# The superuser publishes: Wagtail's "Editors" group may draft but not publish.
PUBLISHER_EMAIL = "admin@bidangil.local"
HERO_IMAGE_TITLE = "Bidangil demo hero"


def _block(block_type: str, value) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def _rich(html: str) -> dict:
    return _block("rich_text", html)


def _heading(text: str, level: str = "h2") -> dict:
    return _block("heading", {"text": text, "level": level})


def _cta(label: str, *, page: int | None = None, url: str = "") -> dict:
    return _block("call_to_action", {"label": label, "page": page, "url": url})


def _percent(value) -> str:
    return f"{value.normalize():f}%"


def _hero_image():
    """A generated banner image, so thumbnails and renditions have something to show offline."""
    image_model = get_image_model()
    image = image_model.objects.filter(title=HERO_IMAGE_TITLE).first()
    if image is None:
        buffer = io.BytesIO()
        banner = PILImage.new("RGB", (1600, 900), (34, 87, 122))
        banner.paste((255, 196, 61), (0, 700, 1600, 900))
        banner.save(buffer, format="PNG")
        image = image_model(title=HERO_IMAGE_TITLE)
        image.file = ImageFile(buffer, name="bidangil-hero.png")
        image.save()
    return image


def _fee_rows() -> list[dict]:
    rows = [
        {
            "label": "Agency fee",
            "value": _percent(settings.AGENCY_FEE_PERCENT),
            "note": "Of the Korean item total (prices plus domestic shipping), charged with the items.",
        },
        {
            "label": "Card processing fee",
            "value": _percent(settings.CARD_FEE_PERCENT),
            "note": "Added to each card payment (items, then delivery), as charged by the card network.",
        },
    ]
    bands = list(DeliveryRate.objects.filter(country="US").order_by("max_weight_g"))
    if bands:
        rows += [
            {
                "label": f"Delivery to the US, up to {band.max_weight_g / 1000:g} kg",
                "value": format_usd_cents(band.price_cents),
                "note": "FedEx International, billable weight.",
            }
            for band in bands
        ]
    else:
        rows.append(
            {
                "label": "International delivery (FedEx)",
                "value": "By weight",
                "note": "Quoted in USD once your parcel is weighed and measured in our Korean warehouse.",
            }
        )
    return rows


def _pages(home: HomePage) -> list[dict]:
    return [
        {
            "slug": "how-it-works",
            "title": "How it works",
            "intro": "From a product link to your door in five steps.",
            "body": [
                _heading("1. Send us the links"),
                _rich("<p>Paste the product URLs from any Korean shop, with size, colour and quantity.</p>"),
                _heading("2. Pay for the items"),
                _rich(
                    "<p>We check each item and send a quote in KRW converted to USD at the day's rate. "
                    "Pay it by card through Stripe Checkout.</p>"
                ),
                _heading("3. We buy and receive"),
                _rich("<p>We order the items and receive them in our warehouse in Korea.</p>"),
                _heading("4. Pay for delivery"),
                _rich("<p>Once your parcel is weighed and measured, you pay the international delivery fee.</p>"),
                _heading("5. Track your parcel"),
                _rich("<p>We ship with FedEx; follow every scan in your order page until it arrives.</p>"),
                _cta("Read the fee policy", url="/fees/"),
            ],
        },
        {
            "slug": "faq",
            "title": "Frequently asked questions",
            "intro": "Orders, payments, delivery and returns.",
            "body": [
                _block(
                    "faq",
                    {
                        "title": "Orders and payments",
                        "items": [
                            {
                                "question": "Which shops can you buy from?",
                                "answer": "<p>Any shop that delivers inside Korea: Coupang, Naver, Musinsa, "
                                "Olive Young…</p>",
                            },
                            {
                                "question": "When do I pay?",
                                "answer": "<p>Twice: the items once we quote them, the delivery once the parcel is "
                                "weighed.</p>",
                            },
                            {
                                "question": "Can I cancel?",
                                "answer": "<p>Yes, until we have bought the items; paid amounts are refunded.</p>",
                            },
                        ],
                    },
                ),
                _block(
                    "faq",
                    {
                        "title": "Delivery",
                        "items": [
                            {
                                "question": "How long does delivery take?",
                                "answer": "<p>Usually 3–7 business days with FedEx once the parcel has left Korea.</p>",
                            },
                            {
                                "question": "Do I pay customs duties?",
                                "answer": "<p>Duties and taxes of your country are charged by the carrier on "
                                "arrival.</p>",
                            },
                        ],
                    },
                ),
            ],
        },
        {
            "slug": "restricted-items",
            "title": "Restricted items",
            "intro": "What we cannot ship, or ship only under conditions.",
            "body": [
                _rich("<p>Airlines and customs limit what can travel. When in doubt, ask before ordering.</p>"),
                _block(
                    "restricted_items",
                    {
                        "title": "Restricted and prohibited items",
                        "rows": [
                            {
                                "item": "Lithium batteries",
                                "reason": "Fire risk in air freight",
                                "allowed": True,
                                "notes": "Only installed in the device they power; no spare batteries or power banks.",
                            },
                            {
                                "item": "Knives and blades",
                                "reason": "Weapons rules",
                                "allowed": False,
                                "notes": "Kitchen knives included.",
                            },
                            {
                                "item": "Alcohol",
                                "reason": "Flammable; licensed import only",
                                "allowed": False,
                                "notes": "",
                            },
                            {
                                "item": "Meat products",
                                "reason": "Agricultural import rules",
                                "allowed": False,
                                "notes": "Includes jerky and ramen soup packs containing meat.",
                            },
                            {
                                "item": "Aerosols and perfume",
                                "reason": "Pressurised or flammable",
                                "allowed": False,
                                "notes": "",
                            },
                            {
                                "item": "Cosmetics",
                                "reason": "Quantity limits",
                                "allowed": True,
                                "notes": "Personal quantities; no aerosols.",
                            },
                        ],
                    },
                ),
            ],
        },
        {
            "slug": "fees",
            "title": "Fee policy",
            "intro": "What you pay, and when.",
            "body": [
                _block("fee_table", {"title": "Our fees", "rows": _fee_rows()}),
                _rich("<p>Prices are quoted in KRW and charged in USD at the exchange rate shown on the quote.</p>"),
            ],
        },
    ]


def load(stdout) -> None:
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        stdout.write("  cms: the default site's root is not a HomePage; demo pages skipped")
        return
    publisher = User.objects.filter(email=PUBLISHER_EMAIL).first()

    created = []
    for spec in _pages(home):
        if home.get_children().filter(slug=spec["slug"]).exists():
            continue
        page = ContentPage(show_in_menus=True, **spec)
        page.owner = publisher
        home.add_child(instance=page)
        page.save_revision(user=publisher, log_action=True).publish(user=publisher)
        created.append(page.slug)

    if home.live_revision_id is None:
        faq = home.get_children().filter(slug="faq").first()
        home.hero_image = _hero_image()
        home.body = [
            _rich("<p>Korean fashion, beauty, books and snacks, bought for you and shipped worldwide.</p>"),
            _cta("How it works", url="/how-it-works/"),
            _cta("Questions? Read the FAQ", page=faq.pk if faq else None, url="" if faq else "/faq/"),
        ]
        home.save_revision(user=publisher, log_action=True).publish(user=publisher)
        created.append("home")

    site_settings = SiteSettings.load()
    if not site_settings.contact_email:
        site_settings.contact_email = "hello@bidangil.local"
        site_settings.business_hours = "Mon–Fri 10:00–18:00 KST"
        site_settings.announcement_active = True
        site_settings.announcement_text = "New: pay your delivery fee by card as soon as your parcel is weighed."
        site_settings.announcement_link = "/how-it-works/"
        site_settings.save()

    stdout.write(f"  cms: pages {', '.join(created) if created else 'already there'}")
