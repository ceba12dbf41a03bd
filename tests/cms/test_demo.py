import io
import re
from decimal import Decimal

import pytest
from django.test import override_settings
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Revision

from cms import demo
from cms.models import ContentPage, SiteSettings
from commerce.shipping.models import DeliveryRate
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

HANGUL = re.compile("[\uac00-\ud7a3]")


def counts():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        get_image_model().objects.count(),
        SiteSettings.objects.count(),
    )


def test_demo_loader_is_idempotent(home):
    UserFactory(email=demo.PUBLISHER_EMAIL, is_staff=True, is_superuser=True)
    demo.load(io.StringIO())
    first = counts()

    demo.load(io.StringIO())

    assert counts() == first
    korean_home = home.get_translation(Locale.objects.get(language_code="ko")).specific
    for locale_home in (home, korean_home):
        pages = ContentPage.objects.child_of(locale_home)
        assert set(pages.values_list("slug", flat=True)) == {"how-it-works", "faq", "restricted-items", "fees"}
        for page in pages:
            assert page.live
            assert page.live_revision is not None
        locale_home.refresh_from_db()
        assert locale_home.live_revision is not None
        assert locale_home.hero_image is not None
    assert ContentPage.objects.count() == 8


def test_demo_pages_are_korean_translations_of_the_english_ones(client, api_client, home):
    demo.load(io.StringIO())
    for path, text in [
        ("/ko/", "어디서든 한국 쇼핑을"),
        ("/ko/faq/", "결제는 언제 하나요?"),
        ("/faq/", "When do I pay?"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert text in response.content.decode(), path

    for english in ContentPage.objects.filter(locale__language_code="en"):
        korean = english.get_translation(Locale.objects.get(language_code="ko"))
        assert korean.slug == english.slug
        assert korean.title != english.title
        assert HANGUL.search(korean.title)
    korean = api_client.get("/api/cms/v2/pages/?locale=ko&type=cms.HomePage&fields=hero_heading,body").json()
    (korean_home,) = korean["items"]
    assert korean_home["hero_heading"] == "어디서든 한국 쇼핑을"
    faq_link = korean_home["body"][-1]["value"]
    assert faq_link["url"] == "/ko/faq/"
    titles = {item["title"] for item in api_client.get("/api/cms/v2/pages/?locale=ko").json()["items"]}
    assert titles == {"비단길", "이용 방법", "자주 묻는 질문", "배송 제한 품목", "수수료 안내"}
    fees = ContentPage.objects.get(slug="fees", locale__language_code="ko")
    assert [row["label"] for row in fees.body[0].value["rows"]] == [
        "구매대행 수수료",
        "카드 결제 수수료",
        "국제 배송 (FedEx)",
    ]


def test_the_restricted_items_table_speaks_the_pages_language(client, home):
    demo.load(io.StringIO())
    korean = client.get("/ko/restricted-items/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    english = client.get("/restricted-items/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "<th>배송 가능 여부</th>" in korean and "Can we ship it?" not in korean
    assert "<th>Can we ship it?</th>" in english and "배송 가능 여부" not in english


def test_demo_pages_through_the_api(api_client, home):
    demo.load(io.StringIO())

    restricted = ContentPage.objects.get(slug="restricted-items", locale__language_code="en")
    body = api_client.get(f"/api/cms/v2/pages/{restricted.pk}/").json()["body"]
    rows = next(block["value"]["rows"] for block in body if block["type"] == "restricted_items")
    items = {row["item"]: row["allowed"] for row in rows}
    assert items["Lithium batteries"] is True
    assert items["Knives and blades"] is False
    assert {"Alcohol", "Meat products"} <= set(items)
    assert api_client.get("/api/cms/v2/site-settings/").json()["announcement"]["link"] == "/how-it-works/"


def test_fee_page_uses_the_configured_fees_and_delivery_rates(home):
    with override_settings(AGENCY_FEE_PERCENT=Decimal("5.5"), CARD_FEE_PERCENT=Decimal("3.0")):
        DeliveryRate.objects.create(country="US", max_weight_g=500, price_cents=1850)
        DeliveryRate.objects.create(country="US", max_weight_g=1000, price_cents=2600)
        demo.load(io.StringIO())

    fees = ContentPage.objects.get(slug="fees", locale__language_code="en")
    rows = [(row["label"], row["value"]) for row in fees.body[0].value["rows"]]
    assert rows == [
        ("Agency fee", "5.5%"),
        ("Card processing fee", "3%"),
        ("Delivery to the US, up to 0.5 kg", "$18.50"),
        ("Delivery to the US, up to 1 kg", "$26.00"),
    ]


def test_fee_page_without_delivery_rates_explains_weight_pricing(home):
    demo.load(io.StringIO())

    rows = ContentPage.objects.get(slug="fees", locale__language_code="en").body[0].value["rows"]
    assert rows[-1]["value"] == "By weight"
