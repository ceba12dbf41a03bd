"""The JSON shapes the original client reads (original-frontend.md §1), built from this project's rows.

Field names, nesting and types follow the original exactly; values come from the same models the v1
API serializes. Image URLs are absolute.
"""

import html
import re

import nh3
from django.templatetags.static import static
from django.urls import reverse

from bidangil.absolute import absolute_url
from commerce.orders import pricing
from commerce.orders.models import Order, OrderEvent
from commerce.orders.selectors import related_or_none
from commerce.payments.models import Payment
from community.models import Category, MeetupType
from community.regions import STATES
from community.selectors import specific_of

# The original's five steps (InProgressOrderSteps), each done once its event is in the order's log.
STEPS = [
    ("주문 접수 완료", OrderEvent.Kind.REQUESTED),  # request_received
    ("물건 구매 완료", OrderEvent.Kind.PURCHASED),  # item_purchased
    ("물건 도착", OrderEvent.Kind.INTAKE),  # delivery_ready: at the warehouse, delivery fee set
    ("배송 시작", OrderEvent.Kind.SHIPPED),  # delivery_started
    ("배송 완료", OrderEvent.Kind.DELIVERED),  # delivery_completed
]
MEETUP_LABELS = {value: label for value, label in MeetupType.choices}
# The original served `profiles/basic_avatar.png` to members without an avatar; its client reads a null
# avatar as "not signed in", so every avatar field here falls back to this image.
DEFAULT_AVATAR = "community/basic_avatar.png"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# --- Orders -------------------------------------------------------------------------------------


def _address_text(address: dict) -> str:
    # The original stored the address as these five lines.
    keys = ("line1", "line2", "city", "state", "postal_code")
    return "\n".join(str(address.get(key) or "") for key in keys)


def pay_link(request, order: Order, stage: str) -> str:
    return request.build_absolute_uri(reverse("legacy-pay", args=[order.number, stage]))


def _paid(payments, stage: str) -> bool:
    return any(p.kind == Payment.Kind.CHARGE and p.stage == stage and p.status == Payment.Status.PAID for p in payments)


def _payment(request, order: Order) -> dict | None:
    """The original Payment row: amounts in KRW (the client prints total_price with 원), paid flags, pay links.

    The client's only pay button opens `stripe_item_url`, so that field carries the link of whatever is
    payable now (items, then the delivery fee); `stripe_delivery_url` is the delivery link while it is due.
    """
    if order.total_krw is None:
        return None  # not quoted yet: the original had no Payment row either
    payments = list(order.payments.all())
    rate = order.exchange_rate.krw_per_usd
    item_price = order.total_krw
    delivery_price = None
    if order.delivery_fee_cents is not None:
        delivery_cents = pricing.quote_delivery(order.delivery_fee_cents).total_cents
        delivery_price = pricing.cents_to_krw(delivery_cents, rate)
    item_url = delivery_url = None
    if order.status == Order.Status.QUOTED:
        item_url = pay_link(request, order, Payment.Stage.ITEMS)
    elif order.status == Order.Status.DELIVERY_QUOTED:
        item_url = delivery_url = pay_link(request, order, Payment.Stage.DELIVERY)
    return {
        "item_price": float(item_price),
        "delivery_price": float(delivery_price) if delivery_price is not None else None,
        "total_price": float(item_price + (delivery_price or 0)),
        "item_is_paid": _paid(payments, Payment.Stage.ITEMS),
        # A consolidated parcel's fee is one charge on its lead order; every order of the parcel logs it as paid.
        "delivery_is_paid": any(event.kind == OrderEvent.Kind.DELIVERY_PAID for event in order.events.all()),
        "stripe_item_url": item_url,
        "stripe_delivery_url": delivery_url,
    }


def _delivery(order: Order) -> dict | None:
    shipment = related_or_none(order, "shipment")
    if shipment is None:
        return None
    return {
        "delivery_start_at": _iso(shipment.shipped_at),
        "courier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "delivered_at": _iso(shipment.delivered_at),
    }


def order_payload(request, order: Order) -> dict:
    kinds = {event.kind for event in order.events.all()}
    return {
        "id": order.pk,
        "address": _address_text(order.shipping_address or {}),
        "order_created_at": _iso(order.created_at),
        "exchange_rate": str(order.exchange_rate.krw_per_usd),
        "items": [{"url": item.url, "description": item.note} for item in order.items.all()],
        "Payment": _payment(request, order),
        "Delivery": _delivery(order),
        "Steps": [{"label": label, "isDone": kind in kinds} for label, kind in STEPS],
    }


# --- Community ----------------------------------------------------------------------------------


def _profile(user):
    return getattr(user, "profile", None) if user else None


def avatar_url(request, profile) -> str:
    """The member's avatar, or the default image (never null: the client would take it for "signed out")."""
    url = profile.avatar.url if profile and profile.avatar else static(DEFAULT_AVATAR)
    return absolute_url(url, request)


_LINK = re.compile(r'<a\b[^>]*\bhref="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_LINE_BREAK = re.compile(r"<br\s*/?>|</li>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|blockquote|ul|ol)>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)


def _link_text(match: re.Match) -> str:
    href, text = html.unescape(match.group(1)), match.group(2)
    return text if html.unescape(nh3.clean(text, tags=set())).strip() == href else f"{text} ({match.group(1)})"


def plain_text(body: str) -> str:
    """A post body (sanitised limited HTML) as the plain text the client shows inside <pre>.

    Paragraphs and lists become blank-line separated blocks, <br> a newline, list items "- " lines, links
    "text (url)"; every other tag is dropped and entities are decoded. Plain-text bodies come back unchanged.
    """
    text = _LINK.sub(_link_text, body or "")
    text = _LIST_ITEM.sub("- ", _BLOCK_END.sub("\n\n", _LINE_BREAK.sub("\n", text)))
    text = html.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def state_name(code: str) -> str:
    return STATES[code][0] if code in STATES else code


def county_name(county: str) -> str:
    return f"{county} County" if county else ""


def _images(request, post) -> list[dict]:
    return [{"image_url": absolute_url(item.url, request)} for item in post.images.all()]


def _likers(request, post) -> dict:
    profiles = [_profile(like.user) for like in post.likes.all()]
    profiles = [profile for profile in profiles if profile is not None]
    return {
        "liked_avatars": [avatar_url(request, profile) for profile in profiles],
        "liked_nickname": [profile.nickname for profile in profiles],
    }


def post_payload(request, post, *, with_likes: bool = False) -> dict:
    """The original `PostSerializer`: `post_like` lists the likers on detail / my posts when signed in."""
    specific = specific_of(post)
    author = post.author or post.owner
    profile = _profile(author)
    category = specific.category if specific else ""
    fun = category == Category.FUN
    signed_in = request.user.is_authenticated
    return {
        "id": post.pk,
        "user": author.pk if author else None,
        "title": post.title,
        "content": plain_text(post.body),
        "created_at": _iso(post.first_published_at or post.latest_revision_created_at),
        "images": _images(request, post),
        "avatar": avatar_url(request, profile),
        "user_nickname": profile.nickname if profile else None,
        "slug": post.slug,
        "category": category,
        "subcategory": specific.subcategory if fun else "",
        "state": state_name(post.state),
        "county": county_name(post.county),
        "meetuptype": MEETUP_LABELS.get(specific.meetup_type, "") if fun else "",
        "restaurant_address": specific.restaurant_address if fun else "",
        "user_community_address": profile.region if profile else None,
        "post_like": _likers(request, post) if with_likes and signed_in else False,
    }


def review_payload(request, post) -> dict:
    """The original `ReviewSerializer`: the rating travels as the title string ("1"–"5")."""
    specific = specific_of(post)
    author = post.author or post.owner
    profile = _profile(author)
    return {
        "id": post.pk,
        "user": author.pk if author else None,
        "title": str(specific.rating) if specific else "",
        "content": plain_text(post.body),
        "created_at": _iso(post.first_published_at or post.latest_revision_created_at),
        "images": _images(request, post),
        "avatar": avatar_url(request, profile),
        "user_nickname": profile.nickname if profile else None,
    }


def comment_payload(request, comment) -> dict:
    """The original comment tree node; replies newest first, as the original served them."""
    profile = None if comment.tombstone else _profile(comment.author)
    return {
        "id": comment.pk,
        "user_name": profile.nickname if profile else "",
        "avatar": avatar_url(request, profile),
        "content": "" if comment.tombstone else comment.body,
        "created_at": _iso(comment.created_at),
        "likes": comment.like_count,
        "depth": comment.depth,
        "children": [comment_payload(request, child) for child in reversed(comment.children)],
    }


def page_payload(rows: list, *, page: int, size: int, total: int) -> dict:
    """The original page envelope; `total_pages` is total // size, as the client adds one itself."""
    return {
        "results": rows,
        "page": page,
        "page_size": size,
        "has_next": page * size < total,
        "total_pages": total // size,
    }
