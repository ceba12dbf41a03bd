"""Item problems after payment: staff report an unavailable item or a changed price through the API and the admin,
the customer chooses an alternative, a refund of the item or cancelling with a refund, and the deadline job applies
the default to problems left unanswered."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bidangil.leases import lease
from commerce.conversations.models import OrderMessage
from commerce.orders.models import Order, OrderEvent
from commerce.payments import services as payments
from commerce.payments.models import Payment
from commerce.problems import services
from commerce.problems.models import ItemProblem
from tasks.problems import item_problem_defaults
from tests.accounts.factories import EditorFactory, UserFactory
from tests.commerce.factories import paid_order, quoted_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(user, api_client):
    return paid_order(api_client, user, items=2)


def staff_url(order):
    return f"/api/v1/staff/orders/{order.number}/item-problems/"


def answer_url(order, problem_id):
    return f"/api/v1/orders/{order.number}/item-problems/{problem_id}/answer/"


def report(client, order, item=None, **data):
    item = item or order.items.first()
    return client.post(staff_url(order), {"item": item.pk, "kind": "unavailable", **data}, format="json")


def answer(client, order, problem_id, **data):
    return client.post(answer_url(order, problem_id), data, format="json")


def item_cents(order, item):
    return next(line["amount_cents"] for line in order.quote_lines if line["item_id"] == item.pk)


def refunds(order):
    return list(order.payments.filter(kind=Payment.Kind.REFUND).values_list("amount_cents", flat=True))


def opened(staff_client, order, **data):
    response = report(staff_client, order, **data)
    assert response.status_code == 201, response.content
    return response.json()


# --- Reporting --------------------------------------------------------------------------------------------


def test_staff_report_reaches_the_conversation_history_and_the_customers_email(
    staff_client, user_client, order, settings, django_capture_on_commit_callbacks
):
    settings.ITEM_PROBLEM_ANSWER_HOURS = 48
    item = order.items.last()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = report(staff_client, order, item, kind="price_changed", new_price_krw=20_000, note="Sold out in red")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["item"] == item.pk and body["kind"] == "price_changed" and body["new_price_krw"] == 20_000
    assert body["status"] == "open" and body["choice"] == "" and body["refund_cents"] is None
    problem = ItemProblem.objects.get()
    assert timedelta(hours=47) < problem.deadline - timezone.now() <= timedelta(hours=48)

    event = order.events.get(kind=OrderEvent.Kind.ITEM_PROBLEM)
    assert event.data == {"problem": problem.pk, "item": item.pk, "kind": "price_changed", "new_price_krw": 20_000}
    message = OrderMessage.objects.get(order=order)
    assert message.from_staff and "from 13800 KRW to 20000 KRW" in message.body and "Sold out in red" in message.body
    assert [m.to for m in mail.outbox] == [[order.user.email]]
    assert "13800 KRW to 20000 KRW" in mail.outbox[0].body
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID

    listed = user_client.get(f"/api/v1/orders/{order.number}/item-problems/")
    assert listed.status_code == 200 and [p["id"] for p in listed.json()] == [problem.pk]
    messages = user_client.get(f"/api/v1/orders/{order.number}/messages/").json()["results"]
    assert [m["sender"] for m in messages] == ["staff"]


def test_the_customer_is_told_in_their_language(staff_client, order):
    order.user.language = "ko"
    order.user.save(update_fields=["language"])
    opened(staff_client, order)
    assert "더 이상 구매할 수 없습니다" in OrderMessage.objects.get().body


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"kind": "price_changed"}, 400),  # no new price
        ({"kind": "broken"}, 400),
        ({"new_price_krw": -1, "kind": "price_changed"}, 400),
        ({"surprise": 1}, 400),
    ],
)
def test_bad_reports_are_4xx_with_nothing_written(staff_client, order, data, status):
    response = report(staff_client, order, **data)
    assert response.status_code == status, response.content
    assert "error" in response.json()
    assert not ItemProblem.objects.exists() and not OrderMessage.objects.exists()
    assert not order.events.filter(kind=OrderEvent.Kind.ITEM_PROBLEM).exists()


def test_an_item_of_another_order_is_400(staff_client, order, api_client):
    other = paid_order(api_client)
    response = report(staff_client, order, other.items.first())
    assert response.status_code == 400 and "item" in response.json()["error"]["fields"]
    assert not ItemProblem.objects.exists()


def test_only_after_payment_and_before_purchase_and_once_per_item(staff_client, staff_user, order):
    quoted = quoted_order()
    assert report(staff_client, quoted).status_code == 409
    opened(staff_client, order)
    assert report(staff_client, order).status_code == 409  # already open for this item
    assert report(staff_client, order, order.items.last()).status_code == 201
    payments.refund_order(order_id=order.pk, actor=staff_user, reason="Shop closed")
    assert report(staff_client, order).status_code == 409  # refunded
    assert ItemProblem.objects.count() == 2


def test_permissions(client_for, user_client, order):
    assert user_client.post(staff_url(order), {}, format="json").status_code == 403
    assert user_client.get(staff_url(order)).status_code == 403
    other = client_for(UserFactory())
    assert other.get(f"/api/v1/orders/{order.number}/item-problems/").status_code == 404


# --- Answering --------------------------------------------------------------------------------------------


def test_refund_of_the_item_goes_through_the_ledger_and_the_order_goes_on(
    staff_client, user_client, order, django_capture_on_commit_callbacks
):
    problem = opened(staff_client, order)
    item = order.items.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = answer(user_client, order, problem["id"], choice="refund_item")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "answered" and body["choice"] == "refund_item"
    assert body["refund_cents"] == item_cents(order, item)
    assert refunds(order) == [item_cents(order, item)]
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["refund_issued", "item_problem_answered", "message"]
    last = OrderMessage.objects.filter(order=order).last()
    assert not last.from_staff and "refund the item" in last.body

    again = answer(user_client, order, problem["id"], choice="cancel")
    assert again.status_code == 409 and again.json()["error"]["code"] == "problem_answered"
    assert refunds(order) == [item_cents(order, item)]


def test_a_refund_over_what_is_left_of_the_item_is_409_with_nothing_written(
    staff_client, staff_user, user_client, order
):
    problem = opened(staff_client, order)
    payments.refund_order(order_id=order.pk, actor=staff_user, reason="Goodwill", amount_cents=order.total_cents - 100)
    events = order.events.count()
    response = answer(user_client, order, problem["id"], choice="refund_item")
    assert response.status_code == 409, response.content
    assert refunds(order) == [order.total_cents - 100]
    assert order.events.count() == events and OrderMessage.objects.count() == 1
    assert ItemProblem.objects.get().status == ItemProblem.Status.OPEN


def test_cancel_refunds_everything_paid(staff_client, user_client, order):
    problem = opened(staff_client, order)
    response = answer(user_client, order, problem["id"], choice="cancel")
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and sum(refunds(order)) == order.total_cents
    detail = user_client.get(f"/api/v1/orders/{order.number}/").json()
    assert detail["payment_totals"]["refundable_cents"] == 0


def test_an_alternative_gets_the_new_url_and_goes_back_to_staff(staff_client, user_client, order):
    problem = opened(staff_client, order)
    url = "https://shop.example.kr/products/other"
    response = answer(user_client, order, problem["id"], choice="alternative", url=url)
    assert response.status_code == 200, response.content
    assert response.json()["alternative_url"] == url
    item = order.items.first()
    item.refresh_from_db()
    assert item.url == url and item.name == "" and item.name_status == "pending" and item.name_attempts == 0
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID and not refunds(order)
    assert url in OrderMessage.objects.filter(from_staff=False).get().body
    staff_view = staff_client.get(f"/api/v1/staff/orders/{order.number}/").json()
    assert staff_view["events"][-2]["kind"] == "item_problem_answered"


@pytest.mark.parametrize(
    "data",
    [
        {"choice": "alternative"},  # no link
        {"choice": "refund_item", "url": "https://shop.example.kr/x"},
        {"choice": "alternative", "url": "not a link"},
        {"choice": "accept"},  # paying a price difference is not offered
        {"choice": "cancel", "extra": True},
    ],
)
def test_bad_answers_are_400_with_nothing_written(staff_client, user_client, order, data):
    problem = opened(staff_client, order)
    response = answer(user_client, order, problem["id"], **data)
    assert response.status_code == 400, response.content
    assert ItemProblem.objects.get().status == ItemProblem.Status.OPEN and not refunds(order)
    assert not order.events.filter(kind=OrderEvent.Kind.ITEM_PROBLEM_ANSWERED).exists()


def test_someone_elses_order_or_problem_is_404(staff_client, user_client, client_for, order, api_client):
    problem = opened(staff_client, order)
    other_user = UserFactory()
    assert answer(client_for(other_user), order, problem["id"], choice="cancel").status_code == 404
    mine = paid_order(api_client, other_user)
    # A problem of another order, asked for through my order: 404.
    assert answer(client_for(other_user), mine, problem["id"], choice="cancel").status_code == 404
    assert answer(user_client, order, problem["id"] + 1000, choice="cancel").status_code == 404
    assert ItemProblem.objects.get().status == ItemProblem.Status.OPEN and not refunds(order)


def test_past_the_deadline_is_409(staff_client, user_client, order):
    problem = opened(staff_client, order)
    ItemProblem.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    response = answer(user_client, order, problem["id"], choice="cancel")
    assert response.status_code == 409 and response.json()["error"]["code"] == "problem_deadline_passed"
    assert not refunds(order)


# --- The deadline job -------------------------------------------------------------------------------------


def test_the_default_refunds_the_item_once_past_the_deadline(staff_client, order):
    problem = opened(staff_client, order)
    later = opened(staff_client, order, item=order.items.last())
    ItemProblem.objects.filter(pk=problem["id"]).update(deadline=timezone.now() - timedelta(minutes=1))
    assert services.apply_item_problem_defaults() == 1
    assert services.apply_item_problem_defaults() == 0  # claim-safe: a second run finds nothing
    done = ItemProblem.objects.get(pk=problem["id"])
    assert done.status == ItemProblem.Status.DEFAULTED and done.choice == "refund_item"
    assert refunds(order) == [done.refund_cents]
    assert ItemProblem.objects.get(pk=later["id"]).status == ItemProblem.Status.OPEN
    last = OrderMessage.objects.filter(order=order).last()
    assert last.from_staff and "applied the default" in last.body


def test_the_cancel_default_and_the_lease(staff_client, order, settings):
    settings.ITEM_PROBLEM_DEFAULT = "cancel"
    opened(staff_client, order)
    ItemProblem.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    with lease("commerce.item-problem-defaults"):
        assert services.apply_item_problem_defaults() is None  # another run holds the lease
    assert ItemProblem.objects.get().status == ItemProblem.Status.OPEN
    assert services.apply_item_problem_defaults(now=timezone.now()) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert ItemProblem.objects.get().status == ItemProblem.Status.DEFAULTED


def test_the_default_skips_a_problem_answered_meanwhile(staff_client, user_client, order):
    problem = opened(staff_client, order)
    answer(user_client, order, problem["id"], choice="refund_item")
    ItemProblem.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    assert services.apply_item_problem_defaults() == 0
    assert len(refunds(order)) == 1


def test_the_periodic_task_runs_the_domain_function(staff_client, order):
    opened(staff_client, order)
    ItemProblem.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    assert item_problem_defaults.call_local() == 1


# --- The admin ----------------------------------------------------------------------------------------------


def admin_browser(user):
    browser = Client()
    browser.force_login(user)
    return browser


def test_staff_report_a_problem_from_the_order_screen(staff_user, user_client, order):
    desk = admin_browser(staff_user)
    screen = desk.get(f"/admin/orders/{order.pk}/")
    assert f"/admin/orders/{order.pk}/item-problem/".encode() in screen.content
    item = order.items.last()
    url = f"/admin/orders/{order.pk}/item-problem/"
    assert desk.get(url).status_code == 200
    bad = desk.post(url, {"item": item.pk, "kind": "price_changed"})  # no new price: the form again, nothing written
    assert bad.status_code == 200 and not ItemProblem.objects.exists()
    response = desk.post(url, {"item": item.pk, "kind": "price_changed", "new_price_krw": "15000"})
    assert response.status_code == 302
    problem = ItemProblem.objects.get()
    assert problem.item == item and problem.new_price_krw == 15_000 and problem.opened_by == staff_user
    # The screen lists it, and the customer's choice shows there too.
    answer(user_client, order, problem.pk, choice="refund_item")
    screen = desk.get(f"/admin/orders/{order.pk}/")
    assert b"Item problems" in screen.content and b"Refund the item" in screen.content


def test_the_admin_form_is_closed_outside_items_paid_and_to_editors(staff_user, api_client):
    quoted = quoted_order()
    desk = admin_browser(staff_user)
    response = desk.post(
        f"/admin/orders/{quoted.pk}/item-problem/", {"item": quoted.items.first().pk, "kind": "unavailable"}
    )
    assert response.status_code == 302 and not ItemProblem.objects.exists()
    paid = paid_order(api_client)
    editor = admin_browser(EditorFactory())
    refused = editor.post(
        f"/admin/orders/{paid.pk}/item-problem/", {"item": paid.items.first().pk, "kind": "unavailable"}
    )
    assert refused.status_code in (302, 403) and not ItemProblem.objects.exists()


# --- Lists --------------------------------------------------------------------------------------------------


def test_the_lists_run_a_fixed_number_of_queries(staff_client, user_client, order):
    urls = ((user_client, f"/api/v1/orders/{order.number}/item-problems/"), (staff_client, staff_url(order)))

    def counts():
        seen = []
        for client, url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            seen.append((len(response.json()), len(queries)))
        return seen

    opened(staff_client, order)
    one = counts()
    opened(staff_client, order, item=order.items.last())
    two = counts()
    assert [n for n, _ in one] == [1, 1] and [n for n, _ in two] == [2, 2]
    assert [q for _, q in one] == [q for _, q in two]
