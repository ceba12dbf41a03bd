"""Demo content for `make run`: home page, how-it-works guide, FAQ, restricted items, fee policy, site settings.

Every page exists in English and, as its translation, in Korean. Idempotent: a page that already exists (by
slug under the home page, or as the Korean translation of the English one) is left as editors last saved it.
"""

import io
import uuid

from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Locale, Site

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


FEE_TEXT = {
    "en": {
        "agency": ("Agency fee", "Of the Korean item total (prices plus domestic shipping), charged with the items."),
        "card": (
            "Card processing fee",
            "Added to each card payment (items, then delivery), as charged by the card network.",
        ),
        "band": ("Delivery to the US, up to {kg:g} kg", "FedEx International, billable weight."),
        "by_weight": (
            "International delivery (FedEx)",
            "By weight",
            "Quoted in USD once your parcel is weighed and measured in our Korean warehouse.",
        ),
    },
    "ko": {
        "agency": ("구매대행 수수료", "한국 상품 합계(상품 가격과 국내 배송비)에 대해, 상품 결제 때 함께 청구됩니다."),
        "card": ("카드 결제 수수료", "카드 결제(상품, 이후 배송)마다 카드사가 청구하는 만큼 더해집니다."),
        "band": ("미국 배송, {kg:g}kg까지", "FedEx International, 부피 무게 기준."),
        "by_weight": (
            "국제 배송 (FedEx)",
            "무게별",
            "한국 창고에서 소포의 무게와 크기를 잰 뒤 USD로 견적을 드립니다.",
        ),
    },
}


def _fee_rows(language: str = "en") -> list[dict]:
    text = FEE_TEXT[language]
    rows = [
        {"label": text["agency"][0], "value": _percent(settings.AGENCY_FEE_PERCENT), "note": text["agency"][1]},
        {"label": text["card"][0], "value": _percent(settings.CARD_FEE_PERCENT), "note": text["card"][1]},
    ]
    bands = list(DeliveryRate.objects.filter(country="US").order_by("max_weight_g"))
    if bands:
        label, note = text["band"]
        rows += [
            {
                "label": label.format(kg=band.max_weight_g / 1000),
                "value": format_usd_cents(band.price_cents),
                "note": note,
            }
            for band in bands
        ]
    else:
        label, value, note = text["by_weight"]
        rows.append({"label": label, "value": value, "note": note})
    return rows


def _pages() -> list[dict]:
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


def _korean_pages() -> dict[str, dict]:
    """The Korean translations of `_pages()`, by the English page's slug (the Korean pages keep it: /ko/faq/)."""
    return {
        "how-it-works": {
            "title": "이용 방법",
            "intro": "상품 링크부터 문 앞까지, 다섯 단계면 됩니다.",
            "body": [
                _heading("1. 링크 보내기"),
                _rich("<p>한국 쇼핑몰의 상품 주소를 사이즈, 색상, 수량과 함께 붙여 넣어 주세요.</p>"),
                _heading("2. 상품 결제"),
                _rich(
                    "<p>상품을 하나하나 확인한 뒤 원화 금액을 당일 환율로 달러로 환산한 견적을 보내 드립니다. "
                    "Stripe 결제 페이지에서 카드로 결제하세요.</p>"
                ),
                _heading("3. 구매와 입고"),
                _rich("<p>저희가 상품을 주문하고 한국 창고에서 받아 확인합니다.</p>"),
                _heading("4. 배송비 결제"),
                _rich("<p>소포의 무게와 크기를 잰 뒤 국제 배송비를 결제하시면 됩니다.</p>"),
                _heading("5. 배송 조회"),
                _rich("<p>FedEx로 발송하며, 도착할 때까지 주문 페이지에서 모든 배송 단계를 확인할 수 있습니다.</p>"),
                _cta("수수료 안내 보기", url="/ko/fees/"),
            ],
        },
        "faq": {
            "title": "자주 묻는 질문",
            "intro": "주문, 결제, 배송, 반품에 대해 알려 드립니다.",
            "body": [
                _block(
                    "faq",
                    {
                        "title": "주문과 결제",
                        "items": [
                            {
                                "question": "어떤 쇼핑몰에서 살 수 있나요?",
                                "answer": "<p>국내 배송이 되는 쇼핑몰이라면 어디든 가능합니다. 쿠팡, 네이버, 무신사, "
                                "올리브영…</p>",
                            },
                            {
                                "question": "결제는 언제 하나요?",
                                "answer": "<p>두 번입니다. 상품은 견적을 받은 뒤에, 배송비는 소포 무게를 잰 뒤에 "
                                "결제합니다.</p>",
                            },
                            {
                                "question": "주문을 취소할 수 있나요?",
                                "answer": "<p>네, 저희가 상품을 구매하기 전까지 가능하며 결제하신 금액은 환불해 "
                                "드립니다.</p>",
                            },
                        ],
                    },
                ),
                _block(
                    "faq",
                    {
                        "title": "배송",
                        "items": [
                            {
                                "question": "배송은 얼마나 걸리나요?",
                                "answer": "<p>소포가 한국을 떠난 뒤 FedEx로 보통 영업일 기준 3–7일 걸립니다.</p>",
                            },
                            {
                                "question": "관세를 내야 하나요?",
                                "answer": "<p>받는 나라의 관세와 세금은 도착할 때 배송사가 청구합니다.</p>",
                            },
                        ],
                    },
                ),
            ],
        },
        "restricted-items": {
            "title": "배송 제한 품목",
            "intro": "보낼 수 없거나 조건부로만 보낼 수 있는 물품입니다.",
            "body": [
                _rich(
                    "<p>항공 운송과 세관 규정에 따라 보낼 수 있는 물품이 제한됩니다. 애매하다면 주문 전에 먼저 "
                    "문의해 주세요.</p>"
                ),
                _block(
                    "restricted_items",
                    {
                        "title": "제한 및 금지 품목",
                        "rows": [
                            {
                                "item": "리튬 배터리",
                                "reason": "항공 화물 화재 위험",
                                "allowed": True,
                                "notes": "기기에 장착된 배터리만 가능하며, 여분 배터리와 보조배터리는 안 됩니다.",
                            },
                            {
                                "item": "칼과 날붙이",
                                "reason": "무기류 규정",
                                "allowed": False,
                                "notes": "주방용 칼도 포함됩니다.",
                            },
                            {
                                "item": "주류",
                                "reason": "인화성, 허가받은 수입만 가능",
                                "allowed": False,
                                "notes": "",
                            },
                            {
                                "item": "육류 가공품",
                                "reason": "농축산물 수입 규정",
                                "allowed": False,
                                "notes": "육포와 고기가 든 라면 스프도 포함됩니다.",
                            },
                            {
                                "item": "스프레이와 향수",
                                "reason": "압축 가스 또는 인화성",
                                "allowed": False,
                                "notes": "",
                            },
                            {
                                "item": "화장품",
                                "reason": "수량 제한",
                                "allowed": True,
                                "notes": "개인 사용 수량만 가능하며, 스프레이 제품은 제외됩니다.",
                            },
                        ],
                    },
                ),
            ],
        },
        "fees": {
            "title": "수수료 안내",
            "intro": "무엇을, 언제 결제하는지 알려 드립니다.",
            "body": [
                _block("fee_table", {"title": "수수료", "rows": _fee_rows("ko")}),
                _rich("<p>가격은 원화로 견적을 내고, 견적서에 표시된 환율로 달러로 결제됩니다.</p>"),
            ],
        },
    }


def _home_body(faq: ContentPage | None, *, korean: bool = False) -> list[dict]:
    prefix = "/ko" if korean else ""
    faq_link = {"page": faq.pk} if faq else {"url": f"{prefix}/faq/"}
    if korean:
        return [
            _rich("<p>한국의 패션, 뷰티, 책과 간식을 대신 구매해 전 세계로 보내 드립니다.</p>"),
            _cta("이용 방법", url="/ko/how-it-works/"),
            _cta("궁금한 점은 자주 묻는 질문에서", **faq_link),
        ]
    return [
        _rich("<p>Korean fashion, beauty, books and snacks, bought for you and shipped worldwide.</p>"),
        _cta("How it works", url="/how-it-works/"),
        _cta("Questions? Read the FAQ", **faq_link),
    ]


def _publish(page, publisher) -> None:
    page.save_revision(user=publisher, log_action=True).publish(user=publisher)


def _load_korean(home: HomePage, publisher, created: list[str]) -> None:
    """The Korean home and content pages, as translations of the English ones (Wagtail's translation key)."""
    korean = Locale.objects.get(language_code="ko")
    korean_home = home.get_translation_or_none(korean) or home.copy_for_translation(korean)
    korean_home = korean_home.specific

    for slug, spec in _korean_pages().items():
        page = home.get_children().filter(slug=slug).first()
        if page is None or page.has_translation(korean):
            continue
        translation = page.specific.copy_for_translation(korean)
        for field, value in spec.items():
            setattr(translation, field, value)
        _publish(translation, publisher)
        created.append(f"{slug} (ko)")

    if korean_home.live_revision_id is None:
        korean_home.refresh_from_db()  # its new children changed the tree columns (numchild) since it was read
        korean_home.title = "비단길"
        korean_home.hero_heading = "어디서든 한국 쇼핑을"
        korean_home.hero_intro = (
            "한국 쇼핑몰의 상품 링크를 보내 주세요. 저희가 구매하고 확인해서 문 앞까지 보내 드립니다."
        )
        korean_home.body = _home_body(korean_home.get_children().filter(slug="faq").first(), korean=True)
        _publish(korean_home, publisher)
        created.append("home (ko)")


def load(stdout) -> None:
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        stdout.write("  cms: the default site's root is not a HomePage; demo pages skipped")
        return
    publisher = User.objects.filter(email=PUBLISHER_EMAIL).first()

    created = []
    for spec in _pages():
        if home.get_children().filter(slug=spec["slug"]).exists():
            continue
        page = ContentPage(show_in_menus=True, **spec)
        page.owner = publisher
        home.add_child(instance=page)
        _publish(page, publisher)
        created.append(page.slug)

    if home.live_revision_id is None:
        home.hero_image = _hero_image()
        home.body = _home_body(home.get_children().filter(slug="faq").first())
        _publish(home, publisher)
        created.append("home")

    _load_korean(home, publisher, created)

    site_settings = SiteSettings.load()
    if not site_settings.contact_email:
        site_settings.contact_email = "hello@bidangil.local"
        site_settings.business_hours = "Mon–Fri 10:00–18:00 KST"
        site_settings.announcement_active = True
        site_settings.announcement_text = "New: pay your delivery fee by card as soon as your parcel is weighed."
        site_settings.announcement_link = "/how-it-works/"
        site_settings.save()

    stdout.write(f"  cms: pages {', '.join(created) if created else 'already there'}")
