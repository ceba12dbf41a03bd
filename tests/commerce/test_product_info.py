"""Product lookups: page data, the AI fallback, the 24 h cache, Korean shop ids, the API, order item names."""

import json

import pytest
from django.core.cache import cache

from commerce.orders.models import OrderItem
from commerce.products import services as products
from commerce.products.models import ProductLookup
from integrations.ai import AIError, ProductGuess
from integrations.ai.dummy import DummyAIBackend
from tests.accounts.factories import UserFactory
from tests.integrations.realtime_http import FakeHTTPServer

from .factories import requested_order

pytestmark = pytest.mark.django_db

HTML = {"Content-Type": "text/html; charset=utf-8"}

JSON_LD_PAGE = """<html><head><title>신라면 멀티팩 : 쿠팡</title>
<script type="application/ld+json">{json}</script></head><body><h1>신라면</h1></body></html>"""
PRODUCT = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "BreadcrumbList"},
        {
            "@type": "Product",
            "name": "농심 신라면 120g x 5",
            "image": ["/img/ramen.jpg"],
            "offers": {"@type": "Offer", "price": "4,980", "priceCurrency": "KRW"},
        },
    ],
}
OG_PAGE = """<html><head><title>Mug</title>
<meta property="og:title" content="Stoneware mug"><meta property="og:image" content="https://cdn.example/mug.png">
<meta property="product:price:amount" content="12000"><meta property="product:price:currency" content="KRW">
</head><body>mug</body></html>"""
TITLE_ONLY = "<html><head><title>Blue hoodie | Shop</title></head><body><p>Cozy hoodie 39,000원</p></body></html>"


@pytest.fixture
def shop(settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    with FakeHTTPServer() as server:
        yield server


class RecordingAI(DummyAIBackend):
    def __init__(self, guess=None, error=None):
        self.calls, self.guess, self.error = [], guess, error

    def extract_product(self, *, url, page_text):
        self.calls.append((url, page_text))
        if self.error:
            raise self.error
        return self.guess or ProductGuess(name="AI name", price_krw=39000, image="https://cdn.example/ai.jpg")


@pytest.fixture
def ai(monkeypatch):
    backend = RecordingAI()
    monkeypatch.setattr("commerce.products.services.get_backend", lambda kind: backend)
    return backend


def test_json_ld_product_data_needs_no_ai(shop, ai):
    shop.add("GET", "/p/1", body=JSON_LD_PAGE.replace("{json}", json.dumps(PRODUCT, ensure_ascii=False)), headers=HTML)
    info = products.lookup(f"{shop.url}/p/1")
    assert (info.name, info.price_krw, info.image) == ("농심 신라면 120g x 5", 4980, f"{shop.url}/img/ramen.jpg")
    assert ai.calls == []


def test_open_graph_data_needs_no_ai(shop, ai):
    shop.add("GET", "/mug", body=OG_PAGE, headers=HTML)
    info = products.lookup(f"{shop.url}/mug")
    assert (info.name, info.price_krw, info.image) == ("Stoneware mug", 12000, "https://cdn.example/mug.png")
    assert ai.calls == []


def test_incomplete_page_asks_the_ai_with_the_page_text(shop, ai):
    shop.add("GET", "/hoodie", body=TITLE_ONLY, headers=HTML)
    info = products.lookup(f"{shop.url}/hoodie")
    assert (info.name, info.price_krw) == ("Blue hoodie | Shop", 39000)  # the page's own name wins
    assert "Cozy hoodie 39,000원" in ai.calls[0][1]


def test_results_are_cached_per_normalised_url(shop, ai):
    shop.add("GET", "/mug", body=OG_PAGE, headers=HTML)
    products.lookup(f"{shop.url}/mug?utm_source=x#top")
    products.lookup(f"{shop.url.upper().replace('HTTP', 'http')}/mug")
    assert len(shop.requests) == 1


def test_unreachable_page_falls_back_to_the_ai_with_the_url(ai):
    info = products.lookup("https://www.coupang.com/vp/products/123")  # the suite's DNS is offline
    assert info.name == "AI name"
    assert ai.calls == [("https://www.coupang.com/vp/products/123", "")]


def test_internal_addresses_fail_without_asking_the_ai(ai):
    with pytest.raises(products.LookupFailed) as caught:
        products.lookup("http://169.254.169.254/latest/meta-data/")
    assert caught.value.retryable is False
    assert ai.calls == []


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.coupang.com/vp/products/7335597976?itemId=1&vendorItemId=2", "coupang:7335597976"),
        ("https://m.coupang.com/vm/products/7335597976?src=1", "coupang:7335597976"),
        ("https://smartstore.naver.com/bidangil/products/5012345678?NaPm=ct", "naver:5012345678"),
        ("https://brand.naver.com/nongshim/products/4801234567", "naver:4801234567"),
        ("http://item.gmarket.co.kr/Item?goodscode=2345678901", "gmarket:2345678901"),
        ("https://mitem.gmarket.co.kr/Item?goodsCode=2345678901&pos=1", "gmarket:2345678901"),
        ("https://www.11st.co.kr/products/3456789012?trTypeCd=1", "11st:3456789012"),
        ("https://m.11st.co.kr/products/ma/3456789012", "11st:3456789012"),
        ("https://www.musinsa.com/app/goods/1234567", "musinsa:1234567"),
        ("https://www.musinsa.com/products/1234567?utm_source=ig", "musinsa:1234567"),
        ("https://Shop.Example.com:443/item/?b=2&a=1&utm_medium=x#frag", "https://shop.example.com/item/?a=1&b=2"),
        ("https://evilcoupang.com/vp/products/1", "https://evilcoupang.com/vp/products/1"),
    ],
)
def test_cache_keys_use_korean_shop_product_ids(url, key):
    assert products.cache_key(url) == key


def test_same_coupang_product_with_different_tracking_is_one_cache_entry(ai):
    products.lookup("https://www.coupang.com/vp/products/99?itemId=1&src=a")
    products.lookup("https://m.coupang.com/vm/products/99?itemId=1")
    assert len(ai.calls) == 1


# --- API ----------------------------------------------------------------------------


def test_post_returns_202_and_the_job_fills_it_in(shop, user_client, ai, django_capture_on_commit_callbacks):
    shop.add("GET", "/mug", body=OG_PAGE, headers=HTML)
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post("/api/v1/product-info/", {"url": f"{shop.url}/mug"}, format="json")
    assert response.status_code == 202
    detail = user_client.get(f"/api/v1/product-info/{response.json()['id']}/").json()
    assert (detail["status"], detail["name"], detail["price_krw"], detail["image"]) == (
        "ready",
        "Stoneware mug",
        12000,
        "https://cdn.example/mug.png",
    )


def test_cached_answers_are_ready_at_once(shop, user_client, ai):
    shop.add("GET", "/mug", body=OG_PAGE, headers=HTML)
    products.lookup(f"{shop.url}/mug")
    response = user_client.post("/api/v1/product-info/", {"url": f"{shop.url}/mug?fbclid=1"}, format="json")
    assert response.json()["status"] == "ready"


# The failing job's traceback is logged by Huey, as it would be in production.
@pytest.mark.server_error
def test_failures_end_as_failed_never_pending(user_client, ai, django_capture_on_commit_callbacks):
    ai.error = AIError("The AI provider timed out.")
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post("/api/v1/product-info/", {"url": "https://shop.example.kr/p/1"}, format="json")
    lookup = ProductLookup.objects.get(pk=response.json()["id"])
    # Immediate mode: the retryable error re-queues the job for later; the final attempt fails it.
    products.run_lookup(lookup.pk, final_attempt=True)
    lookup.refresh_from_db()
    assert (lookup.status, lookup.error) == ("failed", "The AI provider timed out.")


def test_refused_url_fails_the_lookup(user_client, ai, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post("/api/v1/product-info/", {"url": "http://10.0.0.1/admin"}, format="json")
    assert response.status_code == 202
    detail = user_client.get(f"/api/v1/product-info/{response.json()['id']}/").json()
    assert detail["status"] == "failed"
    assert "not a public address" in detail["error"]


def test_only_the_requester_can_read_a_lookup(user_client, api_client):
    theirs = ProductLookup.objects.create(user=UserFactory(), url="https://a.example/", cache_key="k")
    assert user_client.get(f"/api/v1/product-info/{theirs.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/product-info/{theirs.pk}/").status_code in (401, 403)
    assert api_client.post("/api/v1/product-info/", {"url": "https://a.example/"}, format="json").status_code in (
        401,
        403,
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": ""},
        {"url": 5},
        {"url": ["https://a.example/"]},
        {"url": "not a url"},
        {"url": "ftp://a.example/x"},
        {"url": "javascript:alert(1)"},
        {"url": "https://user:pw@a.example/"},
        {"url": "https://a.example:99999/"},
        {"url": "https://a.example/" + "x" * 2100},
        {"url": "https://a.example/\nx"},
    ],
)
def test_bad_urls_are_400_and_nothing_is_stored(user_client, body):
    response = user_client.post("/api/v1/product-info/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"].get("url")
    assert not ProductLookup.objects.exists()


def test_lookups_are_throttled(user_client, settings, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "product_info": "2/hour"}
    # monkeypatch removes the class attribute afterwards; assigning it by hand would leave it shadowing
    # SimpleRateThrottle.THROTTLE_RATES for every later test.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    codes = [
        user_client.post("/api/v1/product-info/", {"url": f"https://a.example/{n}"}, format="json").status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]


# --- Order items -------------------------------------------------------------------


def test_order_item_names_are_filled_without_touching_anything_else(shop, ai, user):
    shop.add("GET", "/mug", body=OG_PAGE, headers=HTML)
    order = requested_order(user, items=3)
    first, second, third = order.items.all()
    OrderItem.objects.filter(pk=first.pk).update(url=f"{shop.url}/mug", quantity=2, note="blue")
    OrderItem.objects.filter(pk=second.pk).update(url="http://127.0.0.1:9/gone")  # unreachable -> AI
    OrderItem.objects.filter(pk=third.pk).update(url="http://192.168.0.1/x")  # refused -> failed
    cache.clear()
    products.fill_order_item_names(order.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.name, first.name_status, first.quantity, first.note) == ("Stoneware mug", "ready", 2, "blue")
    assert (second.name, second.name_status) == ("AI name", "ready")
    assert (third.name, third.name_status) == ("", "failed")
    order.refresh_from_db()
    assert order.status == "requested"


def test_retryable_item_failures_retry_then_fail(ai, user):
    order = requested_order(user, items=1)
    ai.error = AIError("429")
    with pytest.raises(products.LookupFailed):
        products.fill_order_item_names(order.pk, final_attempt=False)
    assert order.items.get().name_status == "pending"
    products.fill_order_item_names(order.pk, final_attempt=True)
    assert order.items.get().name_status == "failed"


def test_ready_items_are_left_alone_when_the_job_runs_again(ai, user):
    order = requested_order(user, items=1)
    OrderItem.objects.filter(order=order).update(name="Staff fixed name", name_status="ready")
    products.fill_order_item_names(order.pk)
    assert order.items.get().name == "Staff fixed name"
    assert ai.calls == []
