"""The data migration's HomePage serves "/", and every page type renders server-side (preview and page view)."""

import pytest
from wagtail.models import Page, Site

from cms.models import HomePage, SiteSettings

from .factories import ImageFactory, make_content_page
from .test_page_api import body_with_every_block

pytestmark = pytest.mark.django_db


def test_the_welcome_page_is_replaced_by_the_home_page():
    site = Site.objects.get(is_default_site=True)

    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.depth == 2
    assert Page.objects.filter(depth=2).count() == 1
    assert Page.get_first_root_node().numchild == 1
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()


def test_home_page_is_served_at_the_root(client, home):
    SiteSettings.objects.create(announcement_active=True, announcement_text="Big news", contact_email="a@b.example")

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Shop Korea from anywhere" in html
    assert "Big news" in html
    assert "a@b.example" in html


def test_content_page_renders_every_block(client, home):
    faq = make_content_page(home, title="FAQ")
    image = ImageFactory()
    make_content_page(home, title="Guide", feature_image=image, body=body_with_every_block(image, faq))

    response = client.get("/guide/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Before you order", 'href="/faq/"', 'alt="A parcel on a scale"', "Read the FAQ", "When?", "Batteries"]:
        assert text in html
    assert "https://www.fedex.com/" in html


def test_draft_pages_are_not_served(client, home):
    make_content_page(home, title="Secret plan", publish=False)

    assert client.get("/secret-plan/").status_code == 404


def test_pages_use_the_site_stylesheet_with_a_korean_font_stack(client, home):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/static/cms/site.css">' in html
    assert "<style" not in html  # one stylesheet, no inline copies
    css = Path(finders.find("cms/site.css")).read_text(encoding="utf-8")
    assert '"Pretendard", "Apple SD Gothic Neo", "Noto Sans KR", "Malgun Gothic"' in css
    assert "@media (max-width:" in css
