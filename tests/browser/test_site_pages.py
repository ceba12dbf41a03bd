"""The site's own pages in a phone-sized browser: the stylesheet loads, Korean fonts first, nothing overflows."""

import pytest

from tests.cms.factories import make_content_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_content_page_on_a_phone(live_server, browser_context):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    intro = "한국 쇼핑몰 상품을 해외로 보내 드립니다. " * 8
    make_content_page(home, title="배송 안내", slug="shipping-guide", intro=intro)
    page = browser_context().pages[0]
    page.set_viewport_size({"width": 375, "height": 740})
    response = page.goto(f"{live_server.url}/shipping-guide/")
    assert response.ok
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('Pretendard, "Apple SD Gothic Neo", "Noto Sans KR", "Malgun Gothic"')
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
