"""Pending work lives in the database: claims expire, side effects are marked done only after they happened,
and the sweep enqueues again whatever a dead worker or a lost queue dropped."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from bidangil import claims
from bidangil.jobs import requeue_stalled
from commerce.orders.models import OrderItem
from commerce.products.models import ProductLookup
from community.avatars.models import AvatarRequest
from community.models import CommunityProfile
from notifications import delivery
from notifications.models import Notification
from notifications.services import notify
from tasks.notifications import send_notification
from tasks.sweeps import sweep_pending_work
from tests.commerce.factories import requested_order

pytestmark = pytest.mark.django_db

LATER = timedelta(seconds=301)  # past JOB_CLAIM_SECONDS (300)


def later():
    return timezone.now() + LATER


def pending_notification(user) -> Notification:
    """notify(email=True) whose job never ran (its on-commit enqueue is not executed here: the job was lost)."""
    return notify(user.pk, "order.status", {"order": "BD-1", "status": "quoted"}, email=True)


def expire_claim(model, pk, **extra):
    model.objects.filter(pk=pk).update(claimed_until=timezone.now() - timedelta(seconds=1), **extra)


def test_a_lost_email_job_is_enqueued_again_by_the_sweep_and_sends_once(user):
    notification = pending_notification(user)
    assert requeue_stalled()["notifications"] == 0  # too fresh: its job may still be in the queue
    assert mail.outbox == []

    assert requeue_stalled(later())["notifications"] == 1
    assert requeue_stalled(later())["notifications"] == 0
    notification.refresh_from_db()
    assert (len(mail.outbox), notification.delivery, notification.attempts) == (1, "done", 1)
    assert notification.emailed_at is not None


def test_a_worker_killed_mid_send_leaves_a_claim_that_expires(user):
    notification = pending_notification(user)
    token = claims.take(Notification.objects.filter(pk=notification.pk), seconds=300)  # the dead worker's claim
    assert token

    send_notification.call_local(notification.pk)  # a duplicate of the job while the claim is live
    assert requeue_stalled(later())["notifications"] == 0
    assert mail.outbox == []

    expire_claim(Notification, notification.pk)
    assert requeue_stalled(later())["notifications"] == 1
    notification.refresh_from_db()
    assert (len(mail.outbox), notification.delivery, notification.attempts) == (1, "done", 2)


def test_a_channel_already_sent_is_not_sent_again_when_the_job_is_retaken(user):
    user.phone, user.notify_by_sms = "+12135550100", True
    user.save()
    notification = pending_notification(user)
    # The dead worker had emailed and died before the text message.
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now(), attempts=1)

    from integrations.sms.console import ConsoleSMSBackend

    ConsoleSMSBackend.sent.clear()
    requeue_stalled(later())
    assert mail.outbox == []
    assert len(ConsoleSMSBackend.sent) == 1
    ConsoleSMSBackend.sent.clear()


class FailingEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("smtp down")


def test_a_failed_send_is_not_marked_sent_and_the_claim_is_given_back(user):
    notification = pending_notification(user)
    failing = override_settings(EMAIL_BACKEND="tests.tasks.test_pending_work.FailingEmailBackend")
    with failing, pytest.raises(ConnectionError):
        send_notification.call_local(notification.pk)
    notification.refresh_from_db()
    assert (notification.emailed_at, notification.claimed_until, notification.delivery) == (None, None, "pending")

    requeue_stalled(later())
    assert len(mail.outbox) == 1


class TakenOverEmailBackend:
    """Sends, while meanwhile the claim expired and another run took the notification over."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        Notification.objects.update(claim_token="another-run")
        mail.outbox.extend(messages)
        return len(messages)


def test_a_run_whose_claim_was_taken_over_records_nothing(user):
    notification = pending_notification(user)
    taken_over = override_settings(EMAIL_BACKEND="tests.tasks.test_pending_work.TakenOverEmailBackend")
    with taken_over, pytest.raises(claims.ClaimLost):
        delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert (notification.emailed_at, notification.delivery) == (None, "pending")


def test_the_sweep_gives_up_after_the_last_attempt(user):
    notification = pending_notification(user)
    Notification.objects.filter(pk=notification.pk).update(attempts=delivery.MAX_ATTEMPTS)
    requeue_stalled(later())
    notification.refresh_from_db()
    assert (notification.delivery, mail.outbox) == ("failed", [])


def test_inbox_only_notifications_are_never_sent(user):
    notify(user.pk, "comment.created", {"post": "p", "comment": 1})
    assert requeue_stalled(later())["notifications"] == 0
    assert mail.outbox == []


def test_lost_product_lookup_and_item_name_jobs_run_again(user):
    lookup = ProductLookup.objects.create(user=user, url="https://shop.example/p/1", cache_key="x")
    order = requested_order(user, items=2)  # the name job is queued on commit, which never comes here
    assert set(order.items.values_list("name_status", flat=True)) == {"pending"}

    counts = requeue_stalled(later())

    assert (counts["product_lookups"], counts["item_names"]) == (1, 1)
    lookup.refresh_from_db()
    assert lookup.status == "ready" and lookup.name.startswith("Sample product")
    assert set(order.items.values_list("name_status", flat=True)) == {"ready"}
    assert requeue_stalled(later())["item_names"] == 0


def test_lookups_and_item_names_out_of_attempts_fail(user):
    lookup = ProductLookup.objects.create(user=user, url="https://shop.example/p/1", cache_key="x", attempts=4)
    order = requested_order(user)
    order.items.update(name_attempts=4)
    requeue_stalled(later())
    lookup.refresh_from_db()
    assert lookup.status == "failed"
    assert order.items.get().name_status == OrderItem.NameStatus.FAILED


def test_a_lost_avatar_job_runs_again_and_one_out_of_attempts_fails(user, django_capture_on_commit_callbacks):
    lost = AvatarRequest.objects.create(user=user, species="robot", answers=[1, 1, 1, 1])
    from tests.accounts.factories import UserFactory

    other = UserFactory()
    spent = AvatarRequest.objects.create(user=other, species="robot", answers=[1, 1, 1, 1], attempts=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stalled(later())["avatars"] == 1
    lost.refresh_from_db()
    spent.refresh_from_db()
    assert (lost.status, spent.status) == ("ready", "failed")
    assert CommunityProfile.objects.get(user=user).avatar.name == lost.image


def test_the_periodic_sweep_runs_under_its_lease(user):
    from tasks.models import JobLease

    JobLease.objects.create(name="sweeps.pending-work", token="live", acquired_at=timezone.now(), expires_at=later())
    assert sweep_pending_work.call_local() is None  # another run holds it
    JobLease.objects.all().delete()
    assert sweep_pending_work.call_local() == {"notifications": 0, "product_lookups": 0, "item_names": 0, "avatars": 0}
    assert not JobLease.objects.exists()
