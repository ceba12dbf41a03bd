"""The conversation on an order: customer and staff messages through the API and the admin, images as private
documents, pushes and emails to whoever is not connected, unread counts and read marking, reply templates."""

import os

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core import mail
from django.test import Client

from commerce.conversations.models import OrderMessage, OrderMessageImage, ReplyTemplate
from commerce.orders.models import Order, OrderEvent
from commerce.selectors import waiting_on_staff_q
from notifications import presence
from notifications.models import Notification
from tests.accounts.factories import EditorFactory, OrderStaffFactory, UserFactory
from tests.commerce.factories import requested_order
from tests.commerce.shipping_helpers import image_upload, text_upload
from tests.notifications.wsutil import communicator, session_cookie

pytestmark = pytest.mark.django_db


def messages_url(order, *, staff=False):
    return f"/api/v1/{'staff/' if staff else ''}orders/{order.number}/messages/"


@pytest.fixture
def order(user):
    return requested_order(user)


def post(client, order, *, staff=False, images=None, **data):
    if images is not None:
        return client.post(messages_url(order, staff=staff), {**data, "images": images}, format="multipart")
    return client.post(messages_url(order, staff=staff), data, format="json")


def nothing_written():
    assert not OrderMessage.objects.exists()
    assert not OrderMessageImage.objects.exists()
    assert not OrderEvent.objects.filter(kind=OrderEvent.Kind.MESSAGE).exists()
    assert not Notification.objects.filter(type=Notification.Type.ORDER_MESSAGE).exists()


# --- The exchange ------------------------------------------------------------------------------------


def test_customer_message_reaches_staff_by_push_and_email(
    user_client, order, staff_user, django_capture_on_commit_callbacks
):
    other_staff = OrderStaffFactory()
    UserFactory()  # a customer who is not staff hears nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = post(user_client, order, body="  Can you check the colour?  ")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sender"] == "customer" and body["body"] == "Can you check the colour?"
    assert body["images"] == [] and body["read_at"] is None
    assert "author" not in body

    event = order.events.get(kind=OrderEvent.Kind.MESSAGE)
    assert event.actor == order.user and event.data == {"message": body["id"], "from": "customer", "images": 0}
    notes = Notification.objects.filter(type=Notification.Type.ORDER_MESSAGE)
    assert sorted(notes.values_list("user_id", flat=True)) == sorted([staff_user.pk, other_staff.pk])
    assert notes.first().payload["url"].endswith(f"/admin/orders/{order.pk}/messages/")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff_user.email, other_staff.email])
    assert f"Customer message on order {order.number}" in mail.outbox[0].subject
    assert "Can you check the colour?" in mail.outbox[0].body


def test_staff_reply_with_images_reaches_the_customer(
    user_client, staff_client, order, django_capture_on_commit_callbacks
):
    post(user_client, order, body="Is it in stock?")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        images = [image_upload(), image_upload("b.jpg", "JPEG")]
        response = post(staff_client, order, staff=True, body="Yes, see the photos.", images=images)
    assert response.status_code == 201, response.content
    reply = response.json()
    assert reply["sender"] == "staff" and reply["author"] == staff_client.user.email
    assert [(i["width"], i["height"]) for i in reply["images"]] == [(40, 30), (40, 30)]
    # Replying reads the customer's message.
    assert OrderMessage.objects.get(from_staff=False).read_at is not None

    note = Notification.objects.get(user=order.user, type=Notification.Type.ORDER_MESSAGE)
    assert note.payload["from"] == "staff" and note.payload["order"] == order.number
    assert [m.to for m in mail.outbox] == [[order.user.email]]
    assert f"/orders/{order.number}" in mail.outbox[0].body

    # The customer sees the reply without the staff member's address, and can open the images.
    listed = user_client.get(messages_url(order)).json()
    assert [m["sender"] for m in listed["results"]] == ["customer", "staff"]
    assert "author" not in listed["results"][1]
    for image in listed["results"][1]["images"]:
        assert Client().get(image["url"]).status_code == 200
    for row in OrderMessageImage.objects.all():
        assert row.image.name.startswith("messages/") and order.number not in row.image.name


def test_a_connected_recipient_gets_the_push_and_no_email(
    user_client, staff_client, order, django_capture_on_commit_callbacks, monkeypatch
):
    # The consumer's database_sync_to_async closes "old" connections, and inside the test's transaction
    # MariaDB's connection looks like one (autocommit off): keep it, as SQLite's in-memory one is kept.
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
    session = session_cookie(order.user)

    async def body():
        ws = communicator(session=session)
        connected, _ = await ws.connect()
        assert connected
        assert presence.is_connected(order.user.pk)

        def reply():
            with django_capture_on_commit_callbacks(execute=True):
                assert post(staff_client, order, staff=True, body="Shipped today").status_code == 201

        # On the test's own thread and connection: the order exists only inside the test's transaction.
        await sync_to_async(reply)()
        pushed = await ws.receive_json_from(timeout=2)
        assert pushed["type"] == "order.message" and pushed["message"] == "Shipped today"
        await ws.disconnect()

    async_to_sync(body)()
    note = Notification.objects.get(user=order.user, type=Notification.Type.ORDER_MESSAGE)
    assert note.delivery == Notification.Delivery.NONE
    assert mail.outbox == []
    assert not presence.is_connected(order.user.pk)  # the last tab closed


def test_presence_counts_tabs_and_expires(settings):
    async def tabs():
        await presence.connected(7)
        await presence.connected(7)
        await presence.disconnected(7)

    async_to_sync(tabs)()
    assert presence.is_connected(7)
    async_to_sync(presence.disconnected)(7)
    assert not presence.is_connected(7)
    async_to_sync(presence.disconnected)(7)  # a late disconnect after expiry is harmless
    assert not presence.is_connected(7)


def test_unread_counts_on_both_order_lists_and_read_marking(user_client, staff_client, order):
    post(user_client, order, body="one")
    post(user_client, order, body="two")
    staff_list = staff_client.get("/api/v1/staff/orders/").json()["results"]
    assert [o["unread_messages"] for o in staff_list] == [2]
    assert user_client.get("/api/v1/orders/").json()["results"][0]["unread_messages"] == 0
    assert staff_client.get(f"/api/v1/staff/orders/{order.number}/").json()["unread_messages"] == 2

    post(staff_client, order, staff=True, body="three")
    assert user_client.get("/api/v1/orders/").json()["results"][0]["unread_messages"] == 1
    assert user_client.get(f"/api/v1/orders/{order.number}/").json()["unread_messages"] == 1
    assert staff_client.get("/api/v1/staff/orders/").json()["results"][0]["unread_messages"] == 0

    response = user_client.post(f"{messages_url(order)}read/")
    assert response.status_code == 200 and response.json() == {"updated": 1, "unread": 0}
    assert user_client.get("/api/v1/orders/").json()["results"][0]["unread_messages"] == 0
    assert user_client.post(f"{messages_url(order)}read/").json()["updated"] == 0


def test_unanswered_customer_messages_put_the_order_on_the_staff_queue(user_client, staff_client):
    order = requested_order(user_client.user)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)  # nothing else waits on staff

    def waiting():
        return list(Order.objects.filter(waiting_on_staff_q()))

    assert waiting() == []
    post(user_client, order, body="Where is it?")
    assert waiting() == [order]
    staff_client.post(f"{messages_url(order, staff=True)}read/")
    assert waiting() == []


def test_messages_are_in_the_event_history(user_client, staff_client, order):
    post(user_client, order, body="hello")
    post(staff_client, order, staff=True, body="hi")
    kinds = [e["kind"] for e in user_client.get(f"/api/v1/orders/{order.number}/").json()["events"]]
    assert kinds.count("message") == 2
    staff_events = staff_client.get(f"/api/v1/staff/orders/{order.number}/").json()["events"]
    assert [e["data"]["from"] for e in staff_events if e["kind"] == "message"] == ["customer", "staff"]
    assert order.events.filter(kind=OrderEvent.Kind.MESSAGE).count() == 2
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED  # a message is no transition


# --- Reply templates ---------------------------------------------------------------------------------


def test_staff_reply_from_a_template(staff_client, user_client, order):
    template = ReplyTemplate.objects.create(title="Out of stock", body="Sorry, this item is sold out.")
    listed = staff_client.get("/api/v1/staff/reply-templates/")
    assert listed.json() == [{"id": template.pk, "title": "Out of stock", "body": "Sorry, this item is sold out."}]
    response = post(staff_client, order, staff=True, template=template.pk)
    assert response.status_code == 201 and response.json()["body"] == "Sorry, this item is sold out."
    # Text written wins over the template.
    assert post(staff_client, order, staff=True, template=template.pk, body="Own words").json()["body"] == "Own words"
    missing = post(staff_client, order, staff=True, template=template.pk + 99)
    assert missing.status_code == 400 and "template" in missing.json()["error"]["fields"]
    # Customers cannot use templates.
    assert post(user_client, order, template=template.pk).status_code == 400


# --- Bad input: a clear 4xx and nothing written ------------------------------------------------------


def test_someone_elses_order_is_a_404(client_for, order):
    stranger = client_for(UserFactory())
    assert stranger.get(messages_url(order)).status_code == 404
    response = post(stranger, order, body="hi")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert stranger.post(f"{messages_url(order)}read/").status_code == 404
    nothing_written()


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"body": ""}, 400, "body"),
        ({"body": "   \n "}, 400, "body"),
        ({}, 400, "body"),
        ({"body": "x" * 5001}, 400, "body"),
        ({"body": 12}, 400, "body"),
        ({"body": "hi", "status": "delivered"}, 400, "status"),
    ],
)
def test_bad_text_is_refused(user_client, order, data, status, field):
    response = post(user_client, order, **data)
    assert response.status_code == status, response.content
    assert field in response.json()["error"]["fields"]
    nothing_written()


def test_too_many_images(user_client, order, settings):
    response = post(user_client, order, body="look", images=[image_upload(f"{n}.png") for n in range(6)])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_images"
    nothing_written()
    assert not os.path.exists(os.path.join(settings.PRIVATE_MEDIA_ROOT, "messages"))


def test_oversize_and_non_images(user_client, order, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 2000
    big = post(user_client, order, body="look", images=[image_upload(), image_upload(size=(300, 300), noise=True)])
    assert big.status_code == 413 and big.json()["error"]["code"] == "file_too_large"
    fake = post(user_client, order, body="look", images=[text_upload()])
    assert fake.status_code == 400 and fake.json()["error"]["code"] == "invalid_image"
    nothing_written()


def test_a_failure_after_the_files_were_written_leaves_no_file(order, settings, monkeypatch):
    from commerce.conversations import services

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_event", boom)
    with pytest.raises(RuntimeError):
        services.post_message(
            order_id=order.pk, author=order.user, body="look", images=[image_upload()], from_staff=False
        )
    nothing_written()
    folder = os.path.join(settings.PRIVATE_MEDIA_ROOT, "messages")
    assert not os.path.exists(folder) or os.listdir(folder) == []


def test_forged_image_links_are_404(user_client, staff_client, order):
    post(staff_client, order, staff=True, body="photo", images=[image_upload()])
    url = user_client.get(messages_url(order)).json()["results"][0]["images"][0]["url"]
    assert Client().get(url).status_code == 200
    assert Client().get(url[:-3] + "abc/").status_code == 404
    image = OrderMessageImage.objects.get()
    # A parcel-photo link for the same id is no message-image link.
    from commerce.shipping import documents

    token = documents._photos.sign(image.pk)
    assert Client().get(f"/api/v1/message-images/{token}/").status_code == 404


# --- Permissions -------------------------------------------------------------------------------------


def test_staff_endpoints_refuse_customers_editors_and_anonymous(client_for, api_client, user_client, order):
    editor = client_for(EditorFactory())
    for client, status in ((user_client, 403), (editor, 403), (api_client, 401)):
        assert client.get(messages_url(order, staff=True)).status_code == status
        assert post(client, order, staff=True, body="hi").status_code == status
        assert client.post(f"{messages_url(order, staff=True)}read/").status_code == status
        assert client.get("/api/v1/staff/reply-templates/").status_code == status
    assert api_client.get(messages_url(order)).status_code == 401
    assert post(api_client, order, body="hi").status_code == 401
    nothing_written()


def test_staff_cannot_post_as_the_customer(staff_client, order):
    """Staff on the customer endpoint see only their own orders: someone else's order is a 404."""
    assert post(staff_client, order, body="hi").status_code == 404
    nothing_written()


# --- Query counts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 20])
def test_conversation_query_count_is_constant(user_client, staff_client, order, django_assert_num_queries, n):
    for index in range(n):
        post(staff_client, order, staff=True, body=f"m{index}", images=[image_upload()] if index % 2 else None)
    # the order, count, the page of messages (authors joined), their images
    with django_assert_num_queries(4):
        response = user_client.get(messages_url(order), {"page_size": 50})
    assert len(response.json()["results"]) == n
    with django_assert_num_queries(6):  # + the group check and the TOTP device check
        response = staff_client.get(messages_url(order, staff=True), {"page_size": 50})
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 30])
def test_order_lists_with_messages_keep_their_query_count(user_client, staff_client, django_assert_num_queries, n):
    for _ in range(n):
        order = requested_order(user_client.user)
        post(user_client, order, body="hi")
    with django_assert_num_queries(4):
        assert len(user_client.get("/api/v1/orders/", {"page_size": 50}).json()["results"]) == n
    with django_assert_num_queries(7):  # group check, TOTP device check, count, page, rates, customers, events
        assert len(staff_client.get("/api/v1/staff/orders/", {"page_size": 50}).json()["results"]) == n


# --- Wagtail admin -----------------------------------------------------------------------------------


@pytest.fixture
def desk(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def test_admin_conversation_screen_and_reply(desk, user_client, order, django_capture_on_commit_callbacks):
    post(user_client, order, body="Please hurry", images=[image_upload()])
    template = ReplyTemplate.objects.create(title="Thanks", body="Thank you, we are on it.")

    listing = desk.get("/admin/snippets/commerce/order/").content.decode()
    assert "1 unread" in listing
    assert "1 unread" in desk.get("/admin/commerce/order/").content.decode()
    screen = desk.get(f"/admin/orders/{order.pk}/").content.decode()
    assert "Conversation (1 unread)" in screen and f"/admin/orders/{order.pk}/messages/" in screen

    page = desk.get(f"/admin/orders/{order.pk}/messages/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Please hurry" in html and "/api/v1/message-images/" in html and "Thanks" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            f"/admin/orders/{order.pk}/messages/", {"template": template.pk, "body": "", "images": [image_upload()]}
        )
    assert response.status_code == 302
    reply = OrderMessage.objects.get(from_staff=True)
    assert reply.body == "Thank you, we are on it." and reply.images.count() == 1 and reply.author == desk_user(desk)
    assert Notification.objects.filter(user=order.user, type=Notification.Type.ORDER_MESSAGE).count() == 1
    assert "1 unread" not in desk.get("/admin/snippets/commerce/order/").content.decode()


def desk_user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_admin_bad_reply_changes_nothing(desk, order):
    response = desk.post(f"/admin/orders/{order.pk}/messages/", {"body": "   "})
    assert response.status_code == 200 and "Write a message." in response.content.decode()
    response = desk.post(
        f"/admin/orders/{order.pk}/messages/", {"body": "hi", "images": [image_upload(f"{n}.png") for n in range(6)]}
    )
    assert response.status_code == 200 and "at most 5 images" in response.content.decode()
    nothing_written()


def test_admin_mark_read(desk, user_client, order):
    post(user_client, order, body="one")
    assert desk.get(f"/admin/orders/{order.pk}/messages/read/").status_code == 405
    assert desk.post(f"/admin/orders/{order.pk}/messages/read/").status_code == 302
    assert OrderMessage.objects.get().read_at is not None


def test_admin_conversation_is_for_order_staff_only(user_client, order):
    post(user_client, order, body="private")
    ReplyTemplate.objects.create(title="Thanks", body="Thank you.")
    editor = Client()
    editor.force_login(EditorFactory())
    for url in (
        f"/admin/orders/{order.pk}/messages/",
        "/admin/snippets/commerce/replytemplate/",
    ):
        response = editor.get(url)
        assert response.status_code == 302 and "private" not in response.content.decode()
    assert editor.post(f"/admin/orders/{order.pk}/messages/", {"body": "x"}).status_code == 302
    assert editor.post(f"/admin/orders/{order.pk}/messages/read/").status_code == 302
    assert OrderMessage.objects.get().read_at is None and OrderMessage.objects.count() == 1


def test_order_staff_manage_reply_templates(desk):
    assert desk.get("/admin/snippets/commerce/replytemplate/").status_code == 200
    response = desk.post("/admin/snippets/commerce/replytemplate/add/", {"title": "Delay", "body": "A short delay."})
    assert response.status_code == 302
    assert ReplyTemplate.objects.get().title == "Delay"


# --- Account closure ---------------------------------------------------------------------------------


def test_closing_the_account_erases_the_conversations(
    user_client, staff_client, order, settings, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from commerce.conversations import services

    post(user_client, order, body="My phone is 555-0100", images=[image_upload()])
    post(staff_client, order, staff=True, body="Thanks Jiwoo", images=[image_upload()])
    names = [os.path.join(settings.PRIVATE_MEDIA_ROOT, i.image.name) for i in OrderMessageImage.objects.all()]
    assert all(os.path.exists(name) for name in names)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERED)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.erase_conversations(user=order.user)
    assert not OrderMessage.objects.exists() and not OrderMessageImage.objects.exists()
    assert not any(os.path.exists(name) for name in names)
    assert order.events.filter(kind=OrderEvent.Kind.MESSAGE).count() == 2  # the history keeps that they spoke
