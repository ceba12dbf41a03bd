"""Warehouse storage: reminders while a measured parcel waits for its delivery payment, once per period."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commerce.orders.models import Order, OrderEvent
from commerce.shipping import services as shipping
from commerce.shipping.models import Parcel
from notifications.models import Notification
from tasks.models import JobLease
from tasks.storage import storage_reminders
from tests.commerce.factories import consolidated_order, order_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage_settings(settings):
    settings.STORAGE_FREE_DAYS = 30
    settings.STORAGE_REMINDER_DAYS = 7


def reminders():
    """Storage reminders (the workflow's own notifications on the way to the parcel are order-status ones)."""
    return Notification.objects.filter(type=Notification.Type.ORDER_PAYMENT)


def waiting_parcel(days: float, *, orders=1, status=Order.Status.DELIVERY_QUOTED):
    """A parcel of `orders` orders measured `days` ago, then taken on to `status`."""
    lead = order_in(status) if orders == 1 else consolidated_order(orders, status=status)
    Parcel.objects.filter(pk=lead.parcel_id).update(received_at=timezone.now() - timedelta(days=days))
    return Parcel.objects.get(pk=lead.parcel_id)


def test_a_parcel_waiting_past_the_period_is_reminded_once_per_period(django_capture_on_commit_callbacks):
    parcel = waiting_parcel(8, orders=2)
    lead, second = parcel.orders.order_by("pk")

    with django_capture_on_commit_callbacks(execute=True):
        assert shipping.send_storage_reminders() == 1
    assert shipping.send_storage_reminders() == 0  # the same period: nothing more

    note = reminders().get(user=lead.user)
    assert note.type == Notification.Type.ORDER_PAYMENT
    assert note.payload["orders"] == [lead.number, second.number]
    assert "waited 8 days" in note.payload["message"] and "free until" in note.payload["message"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [lead.user.email]
    for order in (lead, second):
        assert order.events.filter(kind=OrderEvent.Kind.STORAGE_REMINDER).count() == 1

    # A period later it is reminded again; past the free days the message says so.
    later = timezone.now() + timedelta(days=23)
    assert shipping.send_storage_reminders(now=later) == 1
    assert shipping.send_storage_reminders(now=later + timedelta(days=6)) == 0
    assert "free storage ended" in reminders().order_by("-pk").first().payload["message"]
    parcel.refresh_from_db()
    assert parcel.storage_reminded_at == later


@pytest.mark.parametrize(
    ("days", "status"),
    [
        (6, Order.Status.DELIVERY_QUOTED),  # not yet a period
        (40, Order.Status.DELIVERY_PAID),  # paid: nothing to remind
        (40, Order.Status.SHIPPED),
    ],
)
def test_no_reminder_when_not_due(days, status):
    waiting_parcel(days, status=status)
    assert shipping.send_storage_reminders() == 0
    assert not reminders().exists()
    assert not OrderEvent.objects.filter(kind=OrderEvent.Kind.STORAGE_REMINDER).exists()


def test_a_parcel_not_measured_yet_is_not_reminded():
    lead = consolidated_order(2)
    Parcel.objects.filter(pk=lead.parcel_id).update(consolidation_requested_at=timezone.now() - timedelta(days=20))
    assert shipping.send_storage_reminders() == 0


def test_a_reminder_claimed_by_another_run_is_not_sent_twice(monkeypatch):
    waiting_parcel(10)
    real_update = shipping.Parcel.objects.filter

    # Another run claims the parcel between this run's read and its claim.
    def racing_filter(*args, **kwargs):
        if "storage_reminded_at" in kwargs and "pk" in kwargs:
            Parcel.objects.update(storage_reminded_at=timezone.now())
        return real_update(*args, **kwargs)

    monkeypatch.setattr(shipping.Parcel.objects, "filter", racing_filter)
    assert shipping.send_storage_reminders() == 0
    assert not reminders().exists()


def test_the_periodic_job_runs_under_its_lease():
    waiting_parcel(10)
    later = timezone.now() + timedelta(minutes=5)
    JobLease.objects.create(
        name="shipping.storage-reminders", token="live", acquired_at=timezone.now(), expires_at=later
    )
    assert storage_reminders.call_local() is None  # held: skipped
    assert not reminders().exists()

    JobLease.objects.all().delete()
    assert storage_reminders.call_local() == 1
    assert storage_reminders.call_local() == 0
