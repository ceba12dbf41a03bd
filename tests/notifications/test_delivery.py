"""Email / SMS fan-out per the member's preferences; each channel at most once."""

import pytest
from django.core import mail
from django.test import override_settings

from integrations.sms.console import ConsoleSMSBackend
from notifications.models import Notification
from notifications.services import notify
from tasks.notifications import send_notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sms_outbox():
    ConsoleSMSBackend.sent.clear()
    yield ConsoleSMSBackend.sent
    ConsoleSMSBackend.sent.clear()


def test_notify_with_email_sends_one_email_after_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user.pk, "comment.created", {"post": "hello", "comment": 3, "message": "New comment"}, email=True)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "New comment" in mail.outbox[0].body


def test_email_respects_the_opt_out(user, django_capture_on_commit_callbacks):
    user.notify_by_email = False
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user.pk, "order.status", {"order": "B-1", "status": "quoted"}, email=True)
    assert mail.outbox == []


def test_order_steps_go_by_sms_when_opted_in_with_a_phone(user, sms_outbox, django_capture_on_commit_callbacks):
    user.phone, user.notify_by_sms = "+12135550100", True
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user.pk, "order.status", {"order": "B-1", "status": "delivery_quoted"}, email=True)
        notify(user.pk, "comment.created", {"post": "p", "comment": 1}, email=True)  # not an order step
    assert sms_outbox == [("+12135550100", "Bidangil: Order B-1 is now delivery fee quoted.")]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(("type", "texted"), [("order.payment", True), ("order.tracking", False)])
def test_payment_problems_go_by_sms_and_carrier_scans_do_not(user, sms_outbox, type, texted):
    """The types commerce emits: notify_payment (`order.payment`), shipping scans (`order.tracking`)."""
    user.phone, user.notify_by_sms = "+12135550100", True
    user.save()
    notification = Notification.objects.create(
        user=user, type=type, payload={"order": "B-1", "message": "Hi."}, delivery="pending"
    )
    send_notification.call_local(notification.pk)
    assert sms_outbox == ([("+12135550100", "Bidangil: Hi.")] if texted else [])


@pytest.mark.parametrize(("phone", "opted_in"), [("", True), ("+12135550100", False)])
def test_no_sms_without_phone_or_opt_in(user, sms_outbox, phone, opted_in, django_capture_on_commit_callbacks):
    user.phone, user.notify_by_sms = phone, opted_in
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user.pk, "order.status", {"order": "B-1", "status": "shipped"}, email=True)
    assert sms_outbox == []


def test_running_the_job_twice_sends_nothing_twice(user, sms_outbox):
    user.phone, user.notify_by_sms = "+12135550100", True
    user.save()
    notification = Notification.objects.create(
        user=user, type="order.status", payload={"order": "B-9"}, delivery="pending"
    )
    send_notification.call_local(notification.pk)
    send_notification.call_local(notification.pk)
    assert len(mail.outbox) == 1
    assert len(sms_outbox) == 1


@override_settings(EMAIL_BACKEND="tests.notifications.test_delivery.BrokenEmailBackend")
def test_failed_email_is_released_for_the_retry(user):
    notification = Notification.objects.create(
        user=user, type="order.status", payload={"order": "B-9"}, delivery="pending"
    )
    with pytest.raises(ConnectionError):
        send_notification.call_local(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("smtp down")
