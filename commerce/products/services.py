"""Product lookups: URL -> {name, price_krw, image}, from the page's own data first, then the AI backend.

Pages are fetched through the SSRF-safe `integrations.fetch`; results are cached for 24 h per
normalised URL (per shop product id for the big Korean shops), so ten members pasting the same
Coupang link cost one fetch.
"""

import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bidangil import claims, jobs
from bidangil.errors import InvalidInput
from commerce.orders import pages
from commerce.orders.models import OrderItem
from commerce.products.models import ProductLookup
from integrations import fetch
from integrations.ai import AIError
from integrations.backends import get_backend

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 60 * 60
# Runs of one look-up (Huey's retries, then the sweep's) before it is failed.
MAX_ATTEMPTS = 4
MAX_NAME = 200
TRACKING_PARAMS = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|msclkid|igshid|mc_.*|ref|ref_src|src|spm|trcid|traceid|"
    r"NaPm|n_.*|sourceType|searchId|rank|q|isAddedCart|wPcid|wRef|wTime|redirect)$",
    re.IGNORECASE,
)
SHOPS = [
    # (shop, host pattern, path/query pattern capturing the product id)
    ("coupang", re.compile(r"(^|\.)coupang\.com$"), re.compile(r"/v[pm]/products/(\d+)")),
    ("naver", re.compile(r"(^|\.)(smartstore|brand|shopping)\.naver\.com$"), re.compile(r"/products/(\d+)")),
    ("gmarket", re.compile(r"(^|\.)gmarket\.co\.kr$"), re.compile(r"[?&]goodscode=(\d+)", re.IGNORECASE)),
    ("11st", re.compile(r"(^|\.)11st\.co\.kr$"), re.compile(r"/products/(?:(?:ma|m|pa)/)?(\d+)")),
    ("musinsa", re.compile(r"(^|\.)musinsa\.com$"), re.compile(r"/(?:app/goods|products|goods)/(\d+)")),
]


@dataclass
class ProductInfo:
    name: str = ""
    price_krw: int | None = None
    image: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.name and self.price_krw is not None)


class LookupFailed(Exception):
    """The page could not be read; `retryable` tells the job whether another try may help."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


# --- URLs --------------------------------------------------------------------------


def validate_url(url) -> str:
    """Syntax only (the SSRF checks run when the page is fetched): an absolute http(s) URL without credentials."""
    message = _("Enter a product page address starting with http:// or https://.")
    if not isinstance(url, str) or not url.strip() or len(url.strip()) > fetch.MAX_URL_LENGTH:
        raise InvalidInput(message, fields={"url": [message]})
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise InvalidInput(message, fields={"url": [message]}) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        raise InvalidInput(message, fields={"url": [message]})
    if any(ch in url for ch in "\r\n\t\x00 "):
        raise InvalidInput(message, fields={"url": [message]})
    return url


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, default port dropped, fragment and tracking parameters removed, query sorted."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k))
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def shop_product_id(url: str) -> tuple[str, str] | None:
    """(shop, product id) for Coupang, Naver smartstore, Gmarket, 11st and Musinsa product URLs."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    where = parts.path + ("?" + parts.query if parts.query else "")
    for shop, host_pattern, id_pattern in SHOPS:
        if host_pattern.search(host):
            match = id_pattern.search(where)
            if match:
                return shop, match.group(1)
    return None


def cache_key(url: str) -> str:
    found = shop_product_id(url)
    return f"{found[0]}:{found[1]}" if found else normalise_url(url)[:300]


def _cache_name(key: str) -> str:
    return "product-info:" + hashlib.sha256(key.encode()).hexdigest()


# --- Reading a page ----------------------------------------------------------------


def _to_krw(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value >= 0 else None
    if isinstance(value, str):
        digits = re.sub(r"[^\d.]", "", value.replace(",", ""))
        try:
            return int(float(digits)) if digits else None
        except ValueError:
            return None
    return None


def _first_image(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or ""
    return value if isinstance(value, str) else ""


def _json_ld_products(soup):
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if "Product" in kinds:
                    yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _offer_price(offers) -> int | None:
    for offer in offers if isinstance(offers, list) else [offers]:
        if not isinstance(offer, dict):
            continue
        currency = str(offer.get("priceCurrency") or "KRW").upper()
        if currency != "KRW":
            continue
        price = _to_krw(offer.get("price", offer.get("lowPrice")))
        if price is not None:
            return price
    return None


def read_page(html: str, base_url: str) -> tuple[ProductInfo, str]:
    """The product data a page declares (JSON-LD Product, then Open Graph, then <title>) and its text for the AI."""
    soup = BeautifulSoup(html, "html.parser")
    info = ProductInfo()
    for product in _json_ld_products(soup):
        info.name = info.name or str(product.get("name") or "").strip()
        if info.price_krw is None:
            info.price_krw = _offer_price(product.get("offers"))
        info.image = info.image or _first_image(product.get("image"))

    def meta(*names):
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
            if tag and tag.get("content"):
                return tag["content"].strip()
        return ""

    info.name = info.name or meta("og:title", "twitter:title")
    if info.price_krw is None:
        currency = meta("product:price:currency", "og:price:currency").upper() or "KRW"
        if currency == "KRW":
            info.price_krw = _to_krw(meta("product:price:amount", "og:price:amount"))
    info.image = info.image or meta("og:image", "twitter:image")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if info.image:
        info.image = urljoin(base_url, info.image)
        if not info.image.startswith(("http://", "https://")):
            info.image = ""
    for tag in soup(["script", "style", "noscript", "svg"]):
        tag.decompose()
    text = " ".join(soup.get_text(" ", strip=True).split())
    description = meta("og:description", "description")
    page_text = "\n".join(part for part in (f"Title: {title}", f"Description: {description}", text) if part)
    info.name = info.name or title
    info.name = info.name[:MAX_NAME]
    return info, page_text


def lookup(url: str) -> ProductInfo:
    """Name, price and image for a product URL (cached 24 h). Raises LookupFailed."""
    key = _cache_name(cache_key(url))
    cached = cache.get(key)
    if cached is not None:
        return ProductInfo(**cached)
    page_info, page_text = ProductInfo(), ""
    try:
        page = fetch.fetch_html(url)
        page_info, page_text = read_page(page.text, page.url)
    except fetch.FetchRefused as exc:
        raise LookupFailed(str(exc), retryable=False) from exc
    except fetch.FetchError as exc:
        # Shops often block robots: the AI still gets the URL, which alone often names the product.
        logger.info("product page %s not fetched: %s", url, exc)
    info = page_info
    if not page_info.complete:
        try:
            guess = get_backend("ai").extract_product(url=url, page_text=page_text)
        except AIError as exc:
            if not page_info.name:
                raise LookupFailed(str(exc), retryable=exc.retryable) from exc
        else:
            info = ProductInfo(
                name=(page_info.name or guess.name).strip()[:MAX_NAME],
                price_krw=page_info.price_krw if page_info.price_krw is not None else guess.price_krw,
                image=page_info.image or guess.image,
            )
    if not info.name:
        raise LookupFailed("No product found on this page.", retryable=False)
    cache.set(key, asdict(info), CACHE_SECONDS)
    return info


# --- Services ----------------------------------------------------------------------


def request_product_info(*, user, url) -> ProductLookup:
    """Queue a lookup for a member (answered from the cache at once when possible)."""
    url = validate_url(url)
    cached = cache.get(_cache_name(cache_key(url)))
    with transaction.atomic():
        product = ProductLookup.objects.create(user=user, url=url, cache_key=cache_key(url))
        if cached is not None:
            _finish(product.pk, ProductInfo(**cached))
            product.refresh_from_db()
        else:
            jobs.enqueue_on_commit("products.lookup", product.pk)
    return product


def _finish(lookup_id: int, info: ProductInfo) -> None:
    ProductLookup.objects.filter(pk=lookup_id, status=ProductLookup.Status.PENDING).update(
        status=ProductLookup.Status.READY,
        name=info.name[:MAX_NAME],
        price_krw=info.price_krw,
        image=info.image[:2000],
        finished_at=timezone.now(),
    )


@jobs.retry(times=2, delay=20, backoff=2)
def run_lookup(lookup_id: int, *, final_attempt: bool = True) -> None:
    """Job body for POST /product-info/: safe to repeat; never leaves a lookup pending after the final attempt."""
    pending = ProductLookup.objects.filter(pk=lookup_id, status=ProductLookup.Status.PENDING)
    token = claims.take(pending, seconds=settings.JOB_CLAIM_SECONDS)
    if token is None:
        return
    mine = claims.held(pending, token)
    product = mine.get()
    try:
        info = lookup(product.url)
    except LookupFailed as exc:
        if exc.retryable and not final_attempt and product.attempts < MAX_ATTEMPTS:
            claims.release(mine, token)
            raise
        mine.update(status=ProductLookup.Status.FAILED, error=str(exc)[:200], finished_at=timezone.now())
        return
    except Exception:
        claims.release(mine, token)
        raise
    _finish(lookup_id, info)


@jobs.retry(times=2, delay=60, backoff=2)
def fill_order_item_names(order_id: int, *, final_attempt: bool = True) -> None:
    """Fill in OrderItem.name for an order's pending items (name_status pending -> ready/failed).

    Each item is claimed, then written with a narrow conditional UPDATE of its name fields only, so it
    never races the order's own transitions. Retryable failures re-raise (after the other items are done)
    for the job to retry.
    """
    retry = None
    items = OrderItem.objects.filter(order_id=order_id, name_status=OrderItem.NameStatus.PENDING).only("pk", "url")
    for item in items:
        pending = OrderItem.objects.filter(pk=item.pk, name_status=OrderItem.NameStatus.PENDING)
        token = claims.take(pending, seconds=settings.JOB_CLAIM_SECONDS, prefix="name_")
        if token is None:
            continue
        mine = claims.held(pending, token, prefix="name_")
        try:
            info = lookup(item.url)
        except LookupFailed as exc:
            if exc.retryable and not final_attempt and mine.filter(name_attempts__lt=MAX_ATTEMPTS).exists():
                claims.release(mine, token, prefix="name_")
                retry = exc
                continue
            mine.update(name_status=OrderItem.NameStatus.FAILED)
            continue
        except Exception:
            claims.release(mine, token, prefix="name_")
            raise
        mine.update(name=info.name[:MAX_NAME], name_status=OrderItem.NameStatus.READY)
    pages.changed(orders=[order_id])
    if retry is not None:
        raise retry


@jobs.pending("product_lookups", job="products.lookup")
def stalled_lookup_ids(now=None) -> list[int]:
    """Pending look-ups whose job died or was lost: fail those out of attempts, return the others."""
    now = now or timezone.now()
    stalled = claims.stalled(
        ProductLookup.objects.filter(status=ProductLookup.Status.PENDING),
        now,
    )
    stalled.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ProductLookup.Status.FAILED, error="The page could not be read; try again.", finished_at=now
    )
    return list(stalled.values_list("pk", flat=True))


@jobs.pending("item_names", job="products.item-names")
def stalled_item_order_ids(now=None) -> list[int]:
    """Orders with item names still pending after their job died or was lost (items out of attempts fail)."""
    now = now or timezone.now()
    stalled = claims.stalled(
        OrderItem.objects.filter(name_status=OrderItem.NameStatus.PENDING),
        now,
        created_field="order__created_at",
        prefix="name_",
    )
    failed = stalled.filter(name_attempts__gte=MAX_ATTEMPTS)
    failed_orders = set(failed.values_list("order_id", flat=True))
    if failed.update(name_status=OrderItem.NameStatus.FAILED):
        pages.changed(orders=failed_orders)
    return sorted(set(stalled.values_list("order_id", flat=True)))


def lookup_for(user, lookup_id: int) -> ProductLookup | None:
    """A member's own lookup (None for anyone else's)."""
    return ProductLookup.objects.filter(pk=lookup_id, user=user).first()
