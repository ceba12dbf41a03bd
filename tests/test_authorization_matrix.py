"""Who may reach what: every route of the URL resolver × anonymous, the customer who owns the objects, another
customer, an editor, order staff and a superuser.

API (v1, Wagtail's page API, legacy, webhooks, media and documents, the site's pages) and ADMIN (the Wagtail
admin, the Django admin) below hold one row per route and method. A route or a view method without a row fails
`test_every_route_is_classified` by name, so a new route must be given its expected outcomes here.

Each cell is one outcome: "ok" reached the view (2xx, a redirect to another screen, or a 400/409 from validating
the deliberately minimal body), "auth" refused (401/403, a redirect to a sign-in page or, in the Wagtail admin, to
its home page with "no permission"), "hidden" 404. Every request runs in its own savepoint, so a write by one
role never changes what the next one sees.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Site, Task, Workflow

from cms.models import SiteSettings
from commerce.conversations import documents as conversation_documents
from commerce.conversations import services as conversations
from commerce.conversations.models import ReplyTemplate
from commerce.orders.models import ExchangeRate, HsCategory
from commerce.payments import services as payments
from commerce.payments.models import Payment
from commerce.problems.models import ItemProblem
from commerce.products.models import ProductLookup
from commerce.shipping import documents
from commerce.shipping import services as shipping
from commerce.shipping.models import DeliveryRate
from community import services as community
from notifications.services import notify
from tests.accounts.factories import AddressFactory, EditorFactory, OrderStaffFactory, UserFactory
from tests.cms.factories import ImageFactory
from tests.commerce.factories import RestrictedItemRuleFactory, quoted_order
from tests.commerce.shipping_factories import PurchasedOrderFactory, us_rates
from tests.commerce.shipping_helpers import image_upload
from tests.community.factories import make_boards, make_post

ROLES = ("anonymous", "customer", "other", "editor", "staff", "superuser")
PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
WRITES = ("post", "put", "patch", "delete")


def routes() -> dict[str, tuple]:
    """Every route of the resolver, as name -> (pattern, view): unnamed ones under their pattern, a second
    pattern of the same name as `name@pattern`; a pattern shadowed by an earlier identical one is left out."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield name or route, route, pattern.callback

    found, seen = {}, set()
    for name, route, callback in walk(get_resolver().url_patterns, "", None):
        if route not in seen:
            found[name if name not in found else f"{name}@{route}"] = (route, callback)
            seen.add(route)
    return found


ROUTES = routes()


@pytest.fixture(autouse=True)
def _isolated_state():
    """Throttles start empty for every request; the media folders are the world's, for the whole module."""
    cache.clear()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The objects every route is filled from, created once in a transaction rolled back after the module."""
    media = tmp_path_factory.mktemp("matrix")
    with (
        override_settings(MEDIA_ROOT=str(media / "media"), PRIVATE_MEDIA_ROOT=str(media / "private")),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> dict:
    customer, other = UserFactory(), UserFactory()
    staff = OrderStaffFactory()
    users = {
        "customer": customer,
        "other": other,
        "editor": EditorFactory(),
        "staff": staff,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    boards = make_boards()
    post = make_post(author=customer)
    comment = community.add_comment(author=customer, post=post, body="Still available?")
    report = community.report(reporter=other, reason="Spam", post=post)
    order = quoted_order(customer)
    payment = payments.start_checkout(order_id=order.pk, stage=Payment.Stage.ITEMS)
    us_rates()
    parcel_order = PurchasedOrderFactory(user=customer)
    parcel_order = shipping.record_intake(
        order_id=parcel_order.pk,
        actor=staff,
        weight_g=900,
        length_cm=10,
        width_cm=10,
        height_cm=10,
        photos=[image_upload("parcel.png")],
    )
    photo = parcel_order.parcel.photos.get()
    message = conversations.post_message(
        order_id=order.pk, author=staff, body="Here it is", images=[image_upload("item.png")], from_staff=True
    )
    message_image = message.images.get()
    problem = ItemProblem.objects.create(
        order=order,
        item=order.items.first(),
        kind=ItemProblem.Kind.UNAVAILABLE,
        deadline=order.created_at + timedelta(days=3),
    )
    image = ImageFactory()
    document = get_document_model().objects.create(title="Guide", file=ContentFile(b"%PDF-1.4", name="guide.pdf"))
    collection = Collection.get_first_root_node().add_child(name="Shop photos")
    clients = {"anonymous": None}
    for role, user in users.items():
        browser = Client()
        browser.force_login(user)
        clients[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "sessions": clients,
        "users": users,
        "customer": customer,
        "nickname": customer.profile.nickname,
        "address": AddressFactory(user=customer),
        "order": order,
        "problem": problem,
        "payment": payment,
        "photo": photo,
        "parcel": parcel_order.parcel,
        "photo_token": documents.photo_url(photo).rstrip("/").rsplit("/", 1)[-1],
        "message_image_token": conversation_documents.image_url(message_image).rstrip("/").rsplit("/", 1)[-1],
        "post": post,
        "board": boards["share"],
        "comment": comment,
        "report": report,
        "notification": notify(customer.pk, "order_status", {"message": "Quoted"}),
        "lookup": ProductLookup.objects.create(
            user=customer, url="https://shop.example.kr/p/1", cache_key="p1", status=ProductLookup.Status.READY
        ),
        "image": image,
        "document": document,
        "collection": collection,
        "site": Site.objects.get(is_default_site=True),
        "locale": Locale.objects.get(language_code="ko"),
        "site_settings": SiteSettings.load(),
        "group": Group.objects.get(name="Editors"),
        "workflow": Workflow.objects.first(),
        "task": Task.objects.first(),
        "redirect": Redirect.objects.create(old_path="/old-guide", redirect_link="https://example.com/"),
        "snippets": {
            "deliveryrate": DeliveryRate.objects.first(),
            "hscategory": HsCategory.objects.create(
                name="Skincare", keywords="serum", description="Skin care preparation", hs_code="330499"
            ),
            "order": order,
            "restricteditemrule": RestrictedItemRuleFactory(),
            "exchangerate": ExchangeRate.objects.first(),
            "payment": payment,
            "replytemplate": ReplyTemplate.objects.create(title="Thanks", body="Thank you."),
        },
    }


def url_for(key: str, world: dict) -> str:
    """The route's path with every parameter filled from the world (the customer's objects where they own one)."""
    route = ROUTES[key][0]
    w, snippets = world, world["snippets"]
    special = {
        "documents/^(\\d+)/(.*)$": f"documents/{w['document'].pk}/guide.pdf",
        "^((?:[\\w\\-]+/)*)$": "",  # the site's home page
        "django-admin/(?P<url>.*)$": "django-admin/nowhere/",
        "admin/^.*/$": "admin/nowhere/",
    }
    if route in special:
        return "/" + special[route]
    model = re.search(r"(?:snippets|choose)/commerce/(\w+)/", route)
    by_prefix = [
        (r"^admin/(orders|\^commerce/order)/", w["order"].pk),
        (r"^admin/\^commerce/parcel/", w["parcel"].pk),
        (r"^admin/snippets/", model and snippets[model.group(1)].pk),
        (r"^admin/collections/", w["collection"].pk),
        (r"^admin/workflows/tasks/", w["task"].pk),
        (r"^admin/workflows/", w["workflow"].pk),
        (r"^admin/sites/", w["site"].pk),
        (r"^admin/locales/", w["locale"].pk),
        (r"^admin/settings/", w["site_settings"].pk),
        (r"^admin/users/", w["customer"].pk),
        (r"^admin/groups/", w["group"].pk),
        (r"^admin/community/reports/", w["report"].pk),
        (r"^(admin/api/main|api/cms/v2)/\^images/", w["image"].pk),
        (r"^(admin/api/main|api/cms/v2)/\^documents/", w["document"].pk),
        (r"^admin/(images|documents)/chooser/", w["image"].pk if "images" in route else w["document"].pk),
        (r"^django-admin/auth/group/", w["group"].pk),
        (r"^django-admin/wagtailimages/", w["image"].pk),
        (r"^django-admin/wagtaildocs/", w["document"].pk),
        (r"^django-admin/authtoken/", w["customer"].pk),
        (r"^api/v1/me/addresses/", w["address"].pk),
        (r"", w["post"].pk),
    ]
    pk = next(value for pattern, value in by_prefix if re.search(pattern, route))
    app_model = {
        "wagtail_bulk_action": ("wagtailcore", "page"),
        "wagtailadmin_tag_model_autocomplete": ("wagtailimages", "image"),
        "wagtailsettings:edit": ("cms", "sitesettings"),
        "wagtailsettings:preview_on_edit": ("cms", "sitesettings"),
        "wagtailadmin_workflows:add_task": ("wagtailcore", "groupapprovaltask"),
        "wagtailadmin_editing_sessions:ping": ("wagtailcore", "page"),
    }.get(key.split("@")[0], ("cms", "contentpage"))
    values = {
        "number": w["order"].number,
        "stage": "items",
        "slug": w["post"].slug,
        "comment_id": w["comment"].pk,
        "nickname": w["nickname"],
        "token": (w["message_image_token"] if "message-images" in route else w["photo_token"])
        if route.startswith("api/")
        else "x",
        "uidb64": "x",
        "lookup_id": w["lookup"].pk,
        "parcel_id": w["parcel"].pk,
        "problem_id": w["problem"].pk,
        "session_id": w["payment"].session_id if route.startswith("payments/") else 0,
        "path": w["photo"].image.name,
        "parent_page_id": w["site"].root_page_id,
        "destination_id": w["board"].pk,
        "revision_id": w["post"].latest_revision_id,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "workflow_pk": w["workflow"].pk,
        "task_id": w["task"].pk,
        "image_id": w["image"].pk,
        "document_id": w["document"].pk,
        "doc_id": w["document"].pk,
        "redirect_id": w["redirect"].pk,
        "collection_id": w["collection"].pk,
        "action_name": "approve",
        "action": "dismiss" if key == "community_report_action" else "delete",
        "filter_spec": "original",
        "app_label": "auth" if route.startswith("django-admin/") else app_model[0],
        "app_name": app_model[0],
        "content_type_app_name": app_model[0],
        "model_name": app_model[1],
        "content_type_model_name": app_model[1],
        "content_type_id": 1,
    }

    def value(match):
        name = match.group(1) or match.group(2)
        if name in values:
            return str(values[name])
        if name.endswith(("state_id", "uploaded_file_id", "restriction_id")) or key.startswith("admin:otp_totp"):
            return "0"  # nothing of the kind exists: the route answers 404 to whoever may reach it
        return str(pk)

    return "/" + PARAM.sub(value, route).replace("^", "").replace("$", "").replace("\\", "")


SIGN_IN_OR_REFUSED = ("/admin/", "/admin/two-factor/setup/")


def outcome(response) -> str:
    status = response.status_code
    if status in (401, 403):
        return "auth"
    if status == 404:
        return "hidden"
    if status in (301, 302):
        location = response.headers["Location"].split("?")[0]
        return "auth" if location.endswith("/login/") or location in SIGN_IN_OR_REFUSED else "ok"
    if status < 300 or status in (400, 409):
        return "ok"
    return str(status)


def call(world: dict, key: str, method: str, role: str, body: dict | None = None):
    """One request as the role, in a savepoint rolled back afterwards; returns the response."""
    browser = Client(raise_request_exception=False)
    if world["sessions"][role]:
        browser.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
    url = url_for(key, world) + QUERIES.get(key, "").format(**world)
    body = BODIES.get((key, method), {}) if body is None else body
    body = {name: value.format(**world) if isinstance(value, str) else value for name, value in body.items()}
    cache.clear()
    with transaction.atomic():
        if method == "get":
            response = browser.get(url)
            for _ in range(3):  # a redirect to another screen of the site decides by that screen's answer
                location = response.headers.get("Location", "")
                if response.status_code not in (301, 302) or not location.startswith("/") or outcome(response) != "ok":
                    break
                response = browser.get(location)
        elif url.startswith(("/admin/", "/django-admin/")):
            response = getattr(browser, method)(url, body)
        else:
            response = getattr(browser, method)(url, body, content_type="application/json")
        transaction.set_rollback(True)
    return response


# Bodies that pass validation where a write's owner check comes after it, so the row shows who may act.
BODIES = {
    ("community-post", "patch"): {"title": "Rice cooker, still here"},
    ("community-comment", "patch"): {"body": "Edited"},
    ("address-detail", "patch"): {"city": "Irvine"},
    ("legacy-profile-like", "post"): {"nickname": "{nickname}"},
    ("legacy-post-like", "post"): {"slug": "{post.slug}"},
    ("legacy-comment-like", "post"): {"id": "{comment.pk}"},
}
QUERIES = {
    "legacy-others-profile": "?usr={nickname}",
    "legacy-comments": "?slug={post.slug}",
    "legacy-write-comment": "?slug={post.slug}",
}
# The project's own admin screens are also posted to (an empty form); Wagtail's and Django's are opened.
OWN_ADMIN = ("commerce_", "community_", "two_factor_")


def handled_methods(key: str) -> list[str]:
    callback = ROUTES[key][1]
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if getattr(callback, "actions", None):
        return sorted(method for method in callback.actions if method != "head")
    if view is None:
        return ["get", "post"]
    return [m for m in ("get", *WRITES) if hasattr(view, m) and m in view.http_method_names]


# One row per route and method: the outcome for anonymous, customer, other customer, editor, order staff,
# superuser. "405" is a method the view refuses before any permission check.
API = {
    "healthz": {"get": "ok ok ok ok ok ok", "post": "ok ok ok ok ok ok"},
    "metrics": {"get": "auth auth auth ok ok ok", "post": "auth auth auth ok ok ok"},
    "auth-csrf": {"get": "ok ok ok ok ok ok"},
    "auth-signup": {"post": "ok ok ok ok ok ok"},
    "auth-verify": {"post": "ok ok ok ok ok ok"},
    "auth-resend": {"post": "ok ok ok ok ok ok"},
    "auth-login": {"post": "ok ok ok ok ok ok"},
    "auth-logout": {"post": "ok ok ok ok ok ok"},
    "auth-password-reset": {"post": "ok ok ok ok ok ok"},
    "auth-password-reset-confirm": {"post": "ok ok ok ok ok ok"},
    "auth-password-change": {"post": "auth ok ok ok ok ok"},
    "me": {"get": "auth ok ok ok ok ok", "patch": "auth ok ok ok ok ok"},
    "me-export": {"get": "auth ok ok ok ok ok"},
    "me-close": {"post": "auth ok ok ok ok ok"},
    "address-list": {"get": "auth ok ok ok ok ok", "post": "auth ok ok ok ok ok"},
    "address-detail": {
        "get": "auth ok hidden hidden hidden hidden",
        "patch": "auth ok hidden hidden hidden hidden",
        "delete": "auth ok hidden hidden hidden hidden",
    },
    "order-list": {"get": "auth ok ok ok ok ok", "post": "auth ok ok ok ok ok"},
    "order-detail": {"get": "auth ok hidden hidden hidden hidden"},
    "order-cancel": {"post": "auth ok hidden hidden hidden hidden"},
    "order-problems": {"get": "auth ok hidden hidden hidden hidden"},
    "order-problem-answer": {"post": "auth ok hidden hidden hidden hidden"},
    "staff-order-problems": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "order-checkout": {"post": "auth ok hidden hidden hidden hidden"},
    "stripe-webhook": {"get": "405 405 405 405 405 405", "post": "ok ok ok ok ok ok"},
    "staff-order-list": {"get": "auth auth auth auth ok ok"},
    "staff-order-detail": {"get": "auth auth auth auth ok ok"},
    "staff-order-quote": {"post": "auth auth auth auth ok ok"},
    "staff-order-reject": {"post": "auth auth auth auth ok ok"},
    "staff-order-purchase": {"post": "auth auth auth auth ok ok"},
    "staff-order-cancel": {"post": "auth auth auth auth ok ok"},
    "staff-order-refund": {"post": "auth auth auth auth ok ok"},
    "staff-order-intake": {"post": "auth auth auth auth ok ok"},
    "staff-order-customs": {"get": "auth auth auth auth ok ok", "put": "auth auth auth auth ok ok"},
    "staff-order-commercial-invoice": {"get": "auth auth auth auth ok ok"},
    "parcel-create": {"post": "auth ok ok ok ok ok"},
    "parcel-detail": {"get": "auth ok hidden hidden hidden hidden"},
    "parcel-split": {"post": "auth ok hidden hidden hidden hidden"},
    "parcel-photo": {"get": "ok ok ok ok ok ok", "post": "405 405 405 405 405 405"},
    "staff-order-ship": {"post": "auth auth auth auth ok ok"},
    "staff-order-label": {"post": "auth auth auth auth ok ok"},
    # The world's token is a parcel photo's: signed for another document, so refused for everyone.
    "shipment-label": {"get": "hidden hidden hidden hidden hidden hidden", "post": "405 405 405 405 405 405"},
    "order-messages": {"get": "auth ok hidden hidden hidden hidden", "post": "auth ok hidden hidden hidden hidden"},
    "order-messages-read": {"post": "auth ok hidden hidden hidden hidden"},
    "message-image": {"get": "ok ok ok ok ok ok", "post": "405 405 405 405 405 405"},
    "staff-order-messages": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "staff-order-messages-read": {"post": "auth auth auth auth ok ok"},
    "staff-reply-templates": {"get": "auth auth auth auth ok ok"},
    "product-info": {"post": "auth ok ok ok ok ok"},
    "product-info-detail": {"get": "auth ok hidden hidden hidden hidden"},
    "community-posts": {"get": "ok ok ok ok ok ok", "post": "auth ok ok ok ok ok"},
    "community-post": {
        "get": "ok ok ok ok ok ok",
        "patch": "auth ok auth ok auth ok",
        "delete": "auth ok auth ok auth ok",
    },
    "community-post-like": {"post": "auth ok ok ok ok ok", "delete": "auth ok ok ok ok ok"},
    "community-post-comments": {"get": "ok ok ok ok ok ok", "post": "auth ok ok ok ok ok"},
    "community-post-report": {"post": "auth ok ok ok ok ok"},
    "community-comment": {"patch": "auth ok auth auth auth auth", "delete": "auth ok auth ok auth ok"},
    "community-comment-like": {"post": "auth ok ok ok ok ok", "delete": "auth ok ok ok ok ok"},
    "community-comment-report": {"post": "auth ok ok ok ok ok"},
    "community-profile": {"get": "ok ok ok ok ok ok"},
    "community-profile-like": {"post": "auth ok ok ok ok ok", "delete": "auth ok ok ok ok ok"},
    "community-my-profile": {"get": "auth ok ok ok ok ok", "patch": "auth ok ok ok ok ok"},
    "community-nickname-check": {"get": "ok ok ok ok ok ok"},
    "community-review-stats": {"get": "ok ok ok ok ok ok"},
    "community-regions": {"get": "ok ok ok ok ok ok"},
    "avatar-choices": {"get": "ok ok ok ok ok ok"},
    "my-avatar": {"get": "auth ok ok ok ok ok", "post": "auth ok ok ok ok ok"},
    "notification-list": {"get": "auth ok ok ok ok ok"},
    "notification-read": {"post": "auth ok ok ok ok ok"},
    "wagtailapi:pages:listing": {"get": "ok ok ok ok ok ok"},
    "wagtailapi:pages:detail": {"get": "ok ok ok ok ok ok"},
    "wagtailapi:pages:find": {"get": "hidden hidden hidden hidden hidden hidden"},
    "wagtailapi:images:listing": {"get": "ok ok ok ok ok ok"},
    "wagtailapi:images:detail": {"get": "ok ok ok ok ok ok"},
    "wagtailapi:images:find": {"get": "hidden hidden hidden hidden hidden hidden"},
    "wagtailapi:documents:listing": {"get": "ok ok ok ok ok ok"},
    "wagtailapi:documents:detail": {"get": "ok ok ok ok ok ok"},
    "wagtailapi:documents:find": {"get": "hidden hidden hidden hidden hidden hidden"},
    "wagtailapi:page_preview:detail": {"get": "hidden hidden hidden hidden hidden hidden"},
    "wagtailapi:site-settings": {"get": "ok ok ok ok ok ok"},
    "schema": {"get": "ok ok ok ok ok ok"},
    "api-docs": {"get": "ok ok ok ok ok ok"},
    "api-redoc": {"get": "ok ok ok ok ok ok"},
    "wagtaildocs_serve": {"get": "ok ok ok ok ok ok", "post": "ok ok ok ok ok ok"},
    "wagtaildocs_authenticate_with_password": {
        "get": "hidden hidden hidden hidden hidden hidden",
        "post": "hidden hidden hidden hidden hidden hidden",
    },
    "dummy_checkout": {"get": "ok ok ok ok ok ok", "post": "ok ok ok ok ok ok"},
    "legacy-csrf-token": {"get": "ok ok ok ok ok ok"},
    "legacy-login": {"post": "ok ok ok ok ok ok"},
    "legacy-logout": {"post": "auth ok ok ok ok ok"},
    "legacy-session-ping": {"get": "auth ok ok ok ok ok"},
    "legacy-send-code": {"post": "ok ok ok ok ok ok"},
    "legacy-verify-code": {"post": "ok ok ok ok ok ok"},
    "legacy-sign-up": {"post": "ok ok ok ok ok ok"},
    "legacy-submit-order": {"post": "auth ok ok ok ok ok"},
    "legacy-profile-info": {"get": "auth ok ok ok ok ok"},
    "legacy-pay": {"get": "auth ok hidden hidden hidden hidden"},
    "legacy-stripe-webhook": {"get": "405 405 405 405 405 405", "post": "ok ok ok ok ok ok"},
    "legacy-community-profile": {"get": "auth ok ok ok ok ok"},
    "legacy-profile-like": {"post": "auth ok ok ok ok ok"},
    "legacy-others-profile": {"get": "auth ok ok ok ok ok"},
    "legacy-validate-nickname": {"post": "auth ok ok ok ok ok"},
    "legacy-update-profile": {"post": "auth ok ok ok ok ok"},
    "legacy-create-avatar": {"post": "auth ok ok ok ok ok"},
    "legacy-create-post": {"post": "auth ok ok ok ok ok"},
    "legacy-reviews": {"get": "ok ok ok ok ok ok"},
    "legacy-posts": {"get": "ok ok ok ok ok ok"},
    "legacy-my-posts": {"get": "auth ok ok ok ok ok"},
    "legacy-post-like": {"post": "auth ok ok ok ok ok"},
    "legacy-comments": {"get": "ok ok ok ok ok ok"},
    "legacy-write-comment": {"post": "auth ok ok ok ok ok"},
    "legacy-comment-like": {"post": "auth ok ok ok ok ok"},
    "legacy-post-detail": {"get": "ok ok ok ok ok ok"},
    "legacy-summary": {"get": "ok ok ok ok ok ok"},
    "media": {"get": "hidden hidden hidden hidden hidden hidden", "post": "hidden hidden hidden hidden hidden hidden"},
    "wagtailcore_authenticate_with_password": {
        "get": "hidden hidden hidden hidden hidden hidden",
        "post": "hidden hidden hidden hidden hidden hidden",
    },
    "wagtailcore_login": {"get": "ok ok ok ok ok ok", "post": "ok ok ok ok ok ok", "put": "ok ok ok ok ok ok"},
    "wagtail_serve": {"get": "ok ok ok ok ok ok", "post": "ok ok ok ok ok ok"},
}

# The Wagtail admin (/admin/) and the Django admin (/django-admin/, superusers only), opened (GET) and, for the
# project's own screens, posted to. Signed-out visitors and customers are sent to the sign-in page; editors keep
# pages, images, documents and moderation; order, payment and customer screens are for order staff; users,
# groups, sites, collections, workflows and redirects for superusers. The 500 is Wagtail's deliberate error
# page (its test is marked server_error); django-otp's screens that show a device's secret are closed to everyone.
ADMIN = {
    "admin:index": {"get": "auth auth auth auth auth ok"},
    "admin:login": {"get": "ok ok ok ok ok ok"},
    "admin:logout": {"get": "auth auth auth auth auth 405"},
    "admin:password_change": {"get": "auth auth auth auth auth ok"},
    "admin:password_change_done": {"get": "auth auth auth auth auth ok"},
    "admin:autocomplete": {"get": "auth auth auth auth auth auth"},
    "admin:jsi18n": {"get": "auth auth auth auth auth ok"},
    "admin:view_on_site": {"get": "auth auth auth auth auth hidden"},
    "admin:wagtaildocs_document_changelist": {"get": "auth auth auth auth auth ok"},
    "admin:wagtaildocs_document_add": {"get": "auth auth auth auth auth ok"},
    "admin:wagtaildocs_document_history": {"get": "auth auth auth auth auth ok"},
    "admin:wagtaildocs_document_delete": {"get": "auth auth auth auth auth ok"},
    "admin:wagtaildocs_document_change": {"get": "auth auth auth auth auth ok"},
    "django-admin/wagtaildocs/document/<path:object_id>/": {"get": "auth auth auth auth auth ok"},
    "admin:wagtailimages_image_changelist": {"get": "auth auth auth auth auth ok"},
    "admin:wagtailimages_image_add": {"get": "auth auth auth auth auth ok"},
    "admin:wagtailimages_image_history": {"get": "auth auth auth auth auth ok"},
    "admin:wagtailimages_image_delete": {"get": "auth auth auth auth auth ok"},
    "admin:wagtailimages_image_change": {"get": "auth auth auth auth auth ok"},
    "django-admin/wagtailimages/image/<path:object_id>/": {"get": "auth auth auth auth auth ok"},
    "admin:taggit_tag_merge_tags": {"get": "auth auth auth auth auth ok"},
    "admin:taggit_tag_changelist": {"get": "auth auth auth auth auth ok"},
    "admin:taggit_tag_add": {"get": "auth auth auth auth auth ok"},
    "admin:taggit_tag_history": {"get": "auth auth auth auth auth ok"},
    "admin:taggit_tag_delete": {"get": "auth auth auth auth auth ok"},
    "admin:taggit_tag_change": {"get": "auth auth auth auth auth ok"},
    "django-admin/taggit/tag/<path:object_id>/": {"get": "auth auth auth auth auth ok"},
    "admin:authtoken_tokenproxy_changelist": {"get": "auth auth auth auth auth ok"},
    "admin:authtoken_tokenproxy_add": {"get": "auth auth auth auth auth ok"},
    "admin:authtoken_tokenproxy_history": {"get": "auth auth auth auth auth ok"},
    "admin:authtoken_tokenproxy_delete": {"get": "auth auth auth auth auth ok"},
    "admin:authtoken_tokenproxy_change": {"get": "auth auth auth auth auth ok"},
    "django-admin/authtoken/tokenproxy/<path:object_id>/": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accessattempt_changelist": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accessattempt_add": {"get": "auth auth auth auth auth auth"},
    "admin:axes_accessattempt_history": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accessattempt_delete": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accessattempt_change": {"get": "auth auth auth auth auth ok"},
    "django-admin/axes/accessattempt/<path:object_id>/": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accesslog_changelist": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accesslog_add": {"get": "auth auth auth auth auth auth"},
    "admin:axes_accesslog_history": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accesslog_delete": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accesslog_change": {"get": "auth auth auth auth auth ok"},
    "django-admin/axes/accesslog/<path:object_id>/": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accessfailurelog_changelist": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accessfailurelog_add": {"get": "auth auth auth auth auth auth"},
    "admin:axes_accessfailurelog_history": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accessfailurelog_delete": {"get": "auth auth auth auth auth ok"},
    "admin:axes_accessfailurelog_change": {"get": "auth auth auth auth auth ok"},
    "django-admin/axes/accessfailurelog/<path:object_id>/": {"get": "auth auth auth auth auth ok"},
    "admin:otp_totp_totpdevice_config": {"get": "auth auth auth auth auth auth"},
    "admin:otp_totp_totpdevice_qrcode": {"get": "auth auth auth auth auth auth"},
    "admin:otp_totp_totpdevice_changelist": {"get": "auth auth auth auth auth ok"},
    "admin:otp_totp_totpdevice_add": {"get": "auth auth auth auth auth ok"},
    "admin:otp_totp_totpdevice_history": {"get": "auth auth auth auth auth ok"},
    "admin:otp_totp_totpdevice_delete": {"get": "auth auth auth auth auth ok"},
    "admin:otp_totp_totpdevice_change": {"get": "auth auth auth auth auth ok"},
    "django-admin/otp_totp/totpdevice/<path:object_id>/": {"get": "auth auth auth auth auth ok"},
    "admin:auth_group_changelist": {"get": "auth auth auth auth auth ok"},
    "admin:auth_group_add": {"get": "auth auth auth auth auth ok"},
    "admin:auth_group_history": {"get": "auth auth auth auth auth ok"},
    "admin:auth_group_delete": {"get": "auth auth auth auth auth ok"},
    "admin:auth_group_change": {"get": "auth auth auth auth auth ok"},
    "django-admin/auth/group/<path:object_id>/": {"get": "auth auth auth auth auth ok"},
    "admin:app_list": {"get": "auth auth auth auth auth ok"},
    "django-admin/(?P<url>.*)$": {"get": "auth auth auth auth auth hidden"},
    "wagtailadmin_account": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_password_reset_confirm": {"get": "ok ok ok ok ok ok"},
    "wagtailadmin_home": {"get": "auth auth auth ok ok ok"},
    # The editors' translation workflow (wagtail-localize) and the locales; the project refuses community pages.
    "submit_page_translation": {"get": "auth auth auth ok auth ok", "post": "auth auth auth ok auth ok"},
    "wagtail_localize:javascript_catalog": {"get": "auth auth auth ok ok ok"},
    "wagtail_localize:submit_snippet_translation": {"get": "auth auth auth hidden auth hidden"},
    "wagtail_localize:update_translations": {"get": "auth auth auth hidden auth hidden"},
    "wagtail_localize:edit_string_translation": {"get": "auth auth auth 405 405 405"},
    "wagtail_localize:edit_override": {"get": "auth auth auth 405 405 405"},
    "wagtail_localize:download_pofile": {"get": "auth auth auth hidden hidden hidden"},
    "wagtail_localize:upload_pofile": {"get": "auth auth auth 405 405 405"},
    "wagtail_localize:machine_translate": {"get": "auth auth auth 405 405 405"},
    "wagtail_localize:preview_translation": {"get": "auth auth auth hidden hidden hidden"},
    "wagtail_localize:preview_translation@admin/localize/translate/<int:translation_id>/preview/<str:mode>/": {
        "get": "auth auth auth hidden hidden hidden"
    },
    "wagtail_localize:stop_translation": {"get": "auth auth auth 405 405 405"},
    "wagtail_localize:convert_to_alias": {"get": "auth auth auth hidden auth hidden"},
    "wagtail_localize:translations_report": {"get": "auth auth auth ok ok ok"},
    # wagtail-localize's snippet API behind the project's model permission check (cms/admin_views.py).
    "admin/localize/api/snippets/<slug:app_label>/<slug:model_name>/": {"get": "auth auth auth hidden hidden hidden"},
    "admin/localize/api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/": {
        "get": "auth auth auth hidden hidden hidden"
    },
    "wagtail_localize:translations_report_results": {"get": "auth auth auth ok ok ok"},
    "wagtaillocales:index": {"get": "auth auth auth auth auth ok"},
    "wagtaillocales:index_results": {"get": "auth auth auth auth auth ok"},
    "wagtaillocales:add": {"get": "auth auth auth auth auth ok"},
    "wagtaillocales:edit": {"get": "auth auth auth auth auth ok"},
    "wagtaillocales:delete": {"get": "auth auth auth auth auth ok"},
    "wagtaillocales:history": {"get": "auth auth auth auth auth ok"},
    "wagtaillocales:history_results": {"get": "auth auth auth auth auth ok"},
    "wagtaillocales:usage": {"get": "auth auth auth auth auth ok"},
    "wagtaillocales:copy": {"get": "auth auth auth auth auth ok"},
    "admin/test404/": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_api:pages:listing": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_api:pages:detail": {"get": "auth auth auth ok hidden ok"},
    "wagtailadmin_api:pages:find": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailadmin_api:pages:action": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_api:documents:listing": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_api:documents:detail": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_api:documents:find": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailadmin_api:images:listing": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_api:images:detail": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_api:images:find": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailadmin_error_test": {"get": "auth auth auth 500 500 500"},
    "wagtailadmin_explore_root": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_explore": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_explore_results": {"get": "auth auth auth ok auth ok"},
    "wagtail_bulk_action": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailadmin_pages:add": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:preview_on_add": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:type_use": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:choose_parent": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_pages:type_use_results": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:usage": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:edit": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:preview_on_edit": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:view_draft": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:add_subpage": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:delete": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_pages:unpublish": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_pages:convert_alias": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailadmin_pages:search": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:search_results": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:move": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_pages:move_confirm": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_pages:set_page_position": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_pages:copy": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:workflow_action": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailadmin_pages:collect_workflow_action_data": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailadmin_pages:confirm_workflow_cancellation": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_pages:workflow_preview": {"get": "auth auth auth auth auth auth"},
    "wagtailadmin_pages:set_privacy": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_pages:lock": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_pages:unlock": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_pages:revisions_index": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:revisions_view": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:revisions_revert": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:revisions_unschedule": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_pages:revisions_compare": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:workflow_history": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:workflow_history_detail": {"get": "auth auth auth hidden auth hidden"},
    "wagtailadmin_pages:history": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_pages:history_results": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_choose_page": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_choose_page_child": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_choose_page_search": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_choose_page_chosen_multiple": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_choose_page_external_link": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_choose_page_email_link": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_choose_page_phone_link": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_choose_page_anchor_link": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_tag_autocomplete": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_tag_model_autocomplete": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailadmin_collections:index": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_collections:add": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_collections:edit": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_collections:delete": {"get": "auth auth auth hidden hidden ok"},
    "wagtailadmin_collections:set_privacy": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:index": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:index_results": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:add": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:enable": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_workflows:disable": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:edit": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:usage": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:usage_results": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:remove": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_workflows:remove@admin/workflows/remove/<int:page_pk>/<int:workflow_pk>/": {
        "get": "auth auth auth 405 405 405"
    },
    "wagtailadmin_workflows:add_task": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:select_task_type": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:task_index": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:task_index_results": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:edit_task": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:disable_task": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_workflows:enable_task": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_workflows:task_chooser": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_workflows:task_chooser_results": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_workflows:task_chooser_create": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_workflows:task_chosen": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_reports:locked_pages": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_reports:locked_pages_results": {"get": "auth auth auth auth auth ok"},
    "wagtailadmin_reports:workflow": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_reports:workflow_results": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_reports:workflow_tasks": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_reports:workflow_tasks_results": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_reports:site_history": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_reports:site_history_results": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_reports:aging_pages": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_reports:aging_pages_results": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_reports:page_types_usage": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_reports:page_types_usage_results": {"get": "auth auth auth ok auth ok"},
    "wagtailadmin_logout": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_dismissibles": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_editing_sessions:ping": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_editing_sessions:release": {"get": "auth auth auth 405 405 405"},
    "wagtailadmin_block_preview": {"get": "auth auth auth hidden hidden hidden"},
    "two_factor_setup": {"get": "auth auth auth ok ok ok", "post": "auth auth auth ok ok ok"},
    "two_factor_verify": {"get": "auth auth auth ok ok ok", "post": "auth auth auth ok ok ok"},
    "commerce_order_intake": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_ship": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_label": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_split": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_customs": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_customs_invoice": {
        "get": "auth auth auth auth hidden hidden",
        "post": "auth auth auth auth 405 405",
    },
    "commerce_parcel_modeladmin_index": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth 405 405"},
    "commerce_parcel_modeladmin_create": {
        "get": "auth auth auth auth auth auth",
        "post": "auth auth auth auth auth auth",
    },
    "commerce_parcel_modeladmin_edit": {
        "get": "auth auth auth auth auth auth",
        "post": "auth auth auth auth auth auth",
    },
    "commerce_parcel_modeladmin_delete": {
        "get": "auth auth auth auth auth auth",
        "post": "auth auth auth auth auth auth",
    },
    "commerce_parcel_modeladmin_history": {
        "get": "auth auth auth auth auth auth",
        "post": "auth auth auth auth auth auth",
    },
    "commerce_order_screen": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_quote": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_reject": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_purchase": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_cancel": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_refund": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_note": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_item_problem": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_conversation": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth ok ok"},
    "commerce_order_conversation_read": {"get": "auth auth auth 405 405 405", "post": "auth auth auth auth ok ok"},
    "commerce_order_modeladmin_index": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth 405 405"},
    "commerce_order_modeladmin_create": {
        "get": "auth auth auth auth auth auth",
        "post": "auth auth auth auth auth auth",
    },
    "commerce_order_modeladmin_edit": {"get": "auth auth auth auth auth auth", "post": "auth auth auth auth auth auth"},
    "commerce_order_modeladmin_delete": {
        "get": "auth auth auth auth auth auth",
        "post": "auth auth auth auth auth auth",
    },
    "commerce_order_modeladmin_inspect": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth 405 405"},
    "commerce_order_modeladmin_history": {"get": "auth auth auth auth ok ok", "post": "auth auth auth auth 405 405"},
    "community_reports": {"get": "auth auth auth ok auth ok", "post": "auth auth auth ok auth ok"},
    "community_report_action": {"get": "auth auth auth 405 405 405", "post": "auth auth auth ok auth ok"},
    "wagtailforms:index": {"get": "auth auth auth ok auth ok"},
    "wagtailforms:index_results": {"get": "auth auth auth ok auth ok"},
    "wagtailforms:list_submissions": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailforms:list_submissions_results": {"get": "auth auth auth hidden hidden hidden"},
    "wagtailforms:delete_submissions": {"get": "auth auth auth auth auth auth"},
    "wagtailredirects:index": {"get": "auth auth auth auth auth ok"},
    "wagtailredirects:index_results": {"get": "auth auth auth auth auth ok"},
    "wagtailredirects:add": {"get": "auth auth auth auth auth ok"},
    "wagtailredirects:edit": {"get": "auth auth auth auth auth ok"},
    "wagtailredirects:delete": {"get": "auth auth auth auth auth ok"},
    "wagtailredirects:start_import": {"get": "auth auth auth auth auth ok"},
    "wagtailredirects:process_import": {"get": "auth auth auth auth auth 405"},
    "wagtailsettings:edit": {"get": "auth auth auth auth auth ok"},
    "wagtailsettings:edit@admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/": {
        "get": "auth auth auth auth auth ok"
    },
    "wagtailsettings:preview_on_edit": {"get": "auth auth auth auth auth hidden"},
    "wagtailembeds:chooser": {"get": "auth auth auth ok ok ok"},
    "wagtailembeds:chooser_upload": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippets:index": {"get": "auth auth auth auth ok ok"},
    "wagtaildocs:index": {"get": "auth auth auth ok auth ok"},
    "wagtaildocs:index_results": {"get": "auth auth auth ok auth ok"},
    "wagtaildocs:add": {"get": "auth auth auth ok auth ok"},
    "wagtaildocs:edit": {"get": "auth auth auth ok auth ok"},
    "wagtaildocs:delete": {"get": "auth auth auth ok auth ok"},
    "wagtaildocs:add_multiple": {"get": "auth auth auth ok auth ok"},
    "wagtaildocs:edit_multiple": {"get": "auth auth auth 405 405 405"},
    "wagtaildocs:create_multiple_from_uploaded_document": {"get": "auth auth auth 405 405 405"},
    "wagtaildocs:delete_multiple": {"get": "auth auth auth 405 405 405"},
    "wagtaildocs:delete_upload_multiple": {"get": "auth auth auth 405 405 405"},
    "wagtaildocs:document_usage": {"get": "auth auth auth ok auth ok"},
    "wagtailimages:index": {"get": "auth auth auth ok auth ok"},
    "wagtailimages:index_results": {"get": "auth auth auth ok auth ok"},
    "wagtailimages:edit": {"get": "auth auth auth ok auth ok"},
    "wagtailimages:delete": {"get": "auth auth auth ok auth ok"},
    "wagtailimages:url_generator": {"get": "auth auth auth hidden auth hidden"},
    "wagtailimages:url_generator_output": {"get": "auth auth auth hidden auth hidden"},
    "wagtailimages:preview": {"get": "auth auth auth ok auth ok"},
    "wagtailimages:add": {"get": "auth auth auth ok auth ok"},
    "wagtailimages:image_usage": {"get": "auth auth auth ok auth ok"},
    "wagtailimages:add_multiple": {"get": "auth auth auth ok auth ok"},
    "wagtailimages:edit_multiple": {"get": "auth auth auth 405 405 405"},
    "wagtailimages:create_multiple_from_uploaded_image": {"get": "auth auth auth 405 405 405"},
    "wagtailimages:delete_multiple": {"get": "auth auth auth 405 405 405"},
    "wagtailimages:delete_upload_multiple": {"get": "auth auth auth 405 405 405"},
    "wagtailsnippets_commerce_deliveryrate:list": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_deliveryrate:list_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_deliveryrate:add": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_deliveryrate:edit": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_deliveryrate:delete": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_deliveryrate:usage": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_deliveryrate:history": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_deliveryrate:history_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_deliveryrate:choose": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_deliveryrate:choose_results": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_deliveryrate:chosen": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_deliveryrate:chosen_multiple": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_deliveryrate:create": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_hscategory:list": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_hscategory:list_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_hscategory:add": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_hscategory:edit": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_hscategory:delete": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_hscategory:usage": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_hscategory:history": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_hscategory:history_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_hscategory:choose": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_hscategory:choose_results": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_hscategory:chosen": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_hscategory:chosen_multiple": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_hscategory:create": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_order:list": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_order:list_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_order:add": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_order:edit": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_order:delete": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_order:usage": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_order:history": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_order:history_results": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_order:inspect": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_order:choose": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_order:choose_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_order:chosen": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_order:chosen_multiple": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_order:create": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_replytemplate:list": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_replytemplate:list_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_replytemplate:add": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_replytemplate:edit": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_replytemplate:delete": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_replytemplate:usage": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_replytemplate:history": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_replytemplate:history_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_replytemplate:copy": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_replytemplate:choose": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_replytemplate:choose_results": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_replytemplate:chosen": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_replytemplate:chosen_multiple": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_replytemplate:create": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_restricteditemrule:list": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_restricteditemrule:list_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_restricteditemrule:add": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_restricteditemrule:edit": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_restricteditemrule:delete": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_restricteditemrule:usage": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_restricteditemrule:history": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_restricteditemrule:history_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_restricteditemrule:copy": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_restricteditemrule:choose": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_restricteditemrule:choose_results": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_restricteditemrule:chosen": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_restricteditemrule:chosen_multiple": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_restricteditemrule:create": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_exchangerate:list": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_exchangerate:list_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_exchangerate:add": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_exchangerate:edit": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_exchangerate:delete": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_exchangerate:usage": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_exchangerate:history": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_exchangerate:history_results": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_exchangerate:inspect": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_exchangerate:choose": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_exchangerate:choose_results": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_exchangerate:chosen": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_exchangerate:chosen_multiple": {"get": "auth auth auth ok ok ok"},
    "wagtailsnippetchoosers_commerce_exchangerate:create": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_payment:list": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_payment:list_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippets_commerce_payment:add": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_payment:edit": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_payment:delete": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_payment:usage": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_payment:history": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_payment:history_results": {"get": "auth auth auth auth auth auth"},
    "wagtailsnippets_commerce_payment:inspect": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_payment:choose": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_payment:choose_results": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_payment:chosen": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_payment:chosen_multiple": {"get": "auth auth auth auth ok ok"},
    "wagtailsnippetchoosers_commerce_payment:create": {"get": "auth auth auth auth auth auth"},
    "wagtailsites:index": {"get": "auth auth auth auth auth ok"},
    "wagtailsites:index_results": {"get": "auth auth auth auth auth ok"},
    "wagtailsites:add": {"get": "auth auth auth auth auth ok"},
    "wagtailsites:edit": {"get": "auth auth auth auth auth ok"},
    "wagtailsites:delete": {"get": "auth auth auth auth auth ok"},
    "wagtailsites:history": {"get": "auth auth auth auth auth ok"},
    "wagtailsites:history_results": {"get": "auth auth auth auth auth ok"},
    "wagtailsites:usage": {"get": "auth auth auth auth auth ok"},
    "wagtailsites:copy": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_users:index": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_users:index_results": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_users:add": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_users:edit": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_users:delete": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_users:history": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_users:history_results": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_users:usage": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_users:copy": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_groups:index": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_groups:index_results": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_groups:add": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_groups:edit": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_groups:delete": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_groups:history": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_groups:history_results": {"get": "auth auth auth auth auth ok"},
    "wagtailusers_groups:usage": {"get": "auth auth auth auth auth ok"},
    "wagtaildocs_chooser:choose": {"get": "auth auth auth ok ok ok"},
    "wagtaildocs_chooser:choose_results": {"get": "auth auth auth ok ok ok"},
    "wagtaildocs_chooser:chosen": {"get": "auth auth auth ok ok ok"},
    "wagtaildocs_chooser:chosen_multiple": {"get": "auth auth auth ok ok ok"},
    "wagtaildocs_chooser:create": {"get": "auth auth auth ok auth ok"},
    "wagtailimages_chooser:choose": {"get": "auth auth auth ok ok ok"},
    "wagtailimages_chooser:choose_results": {"get": "auth auth auth ok ok ok"},
    "wagtailimages_chooser:chosen": {"get": "auth auth auth ok auth ok"},
    "wagtailimages_chooser:chosen_multiple": {"get": "auth auth auth ok ok ok"},
    "wagtailimages_chooser:create": {"get": "auth auth auth ok auth ok"},
    "wagtailimages_chooser:select_format": {"get": "auth auth auth ok auth ok"},
    "wagtail_modeladmin:javascript_catalog": {"get": "auth auth auth ok ok ok"},
    "wagtailadmin_sprite": {"get": "ok ok ok ok ok ok"},
    "wagtailadmin_login": {"get": "ok ok ok auth auth auth"},
    "wagtailadmin_password_reset": {"get": "ok ok ok ok ok ok"},
    "wagtailadmin_password_reset_done": {"get": "ok ok ok ok ok ok"},
    "wagtailadmin_password_reset_complete": {"get": "ok ok ok ok ok ok"},
    "wagtailadmin_javascript_catalog": {"get": "ok ok ok ok ok ok"},
    "admin/^.*/$": {"get": "auth auth auth hidden hidden hidden"},
}


TABLE = {**API, **ADMIN}


def test_every_route_is_classified():
    """A route (or a method of it) without a row fails here by name: give it its expected outcomes."""
    missing = [key for key in ROUTES if key not in TABLE]
    stale = [key for key in TABLE if key not in ROUTES]
    methods = [
        f"{key}: table {sorted(TABLE[key])}, view {handled_methods(key)}"
        for key in API
        if key in ROUTES and sorted(TABLE[key]) != sorted(handled_methods(key))
    ]
    assert not (missing or stale or methods), f"unclassified: {missing}\nno such route: {stale}\nmethods: {methods}"


DELIBERATE_ERRORS = {"wagtailadmin_error_test"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key",
    [pytest.param(key, marks=[pytest.mark.server_error] if key in DELIBERATE_ERRORS else []) for key in sorted(TABLE)],
)
def test_route(world, key):
    mismatches = []
    for method, row in TABLE[key].items():
        got = [outcome(call(world, key, method, role)) for role in ROLES]
        if got != row.split():
            mismatches.append(f"{method.upper()} {url_for(key, world)}\n  expected {row}\n  got      {' '.join(got)}")
    assert not mismatches, "\n".join(mismatches)
