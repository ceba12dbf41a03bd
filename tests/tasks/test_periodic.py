"""Periodic jobs run once per scheduled minute however many workers enqueue them (every `run_huey` with periodic
jobs on runs Huey's scheduler)."""

from datetime import UTC, datetime

import pytest
from huey import crontab
from huey.contrib.djhuey import HUEY

from tasks import payments, tracking
from tasks.models import PeriodicSlot
from tasks.periodic import due_slot, take_slot

pytestmark = pytest.mark.django_db


def scheduled_copies(name: str, when: datetime, schedulers: int) -> list:
    """The copies of job `name` that `schedulers` Huey schedulers enqueue at `when` (read_periodic is what each
    consumer's scheduler calls every minute)."""
    return [task for _ in range(schedulers) for task in HUEY.read_periodic(when) if task.name == name]


def test_two_schedulers_copies_of_a_due_job_run_it_once(monkeypatch):
    runs = []
    monkeypatch.setattr("commerce.payments.services.expire_stale_checkouts", lambda: runs.append(1) or 0)
    now = datetime.now(UTC).replace(tzinfo=None)
    copies = scheduled_copies("payments.expire-checkouts", due_slot(crontab(minute="*/5"), now), schedulers=2)
    assert len(copies) == 2

    results = [HUEY.execute(copy) for copy in copies]

    assert runs == [1] and sorted(results, key=str) == [0, None]
    assert PeriodicSlot.objects.get(name="payments.expire-checkouts").slot == due_slot(
        crontab(minute="*/5"), now
    ).replace(tzinfo=UTC)


def test_the_next_slot_runs_again_and_an_old_one_never():
    first, second = datetime(2026, 12, 2, 12, 5, tzinfo=UTC), datetime(2026, 12, 2, 12, 10, tzinfo=UTC)
    assert take_slot("payments.expire-checkouts", first)
    assert not take_slot("payments.expire-checkouts", first)  # the other worker's copy
    assert take_slot("payments.expire-checkouts", second)
    assert not take_slot("payments.expire-checkouts", first)  # a copy that waited in the queue past the next slot


def test_a_late_copy_belongs_to_the_minute_it_was_due():
    schedule = crontab(minute="*/15")
    assert due_slot(schedule, datetime(2026, 12, 2, 12, 15, 40)) == datetime(2026, 12, 2, 12, 15)
    assert due_slot(schedule, datetime(2026, 12, 2, 12, 29, 59)) == datetime(2026, 12, 2, 12, 15)  # queued 14 min
    assert due_slot(crontab(minute="17", hour="3"), datetime(2026, 12, 2, 3, 40)) == datetime(2026, 12, 2, 3, 17)


def test_the_tracking_poll_schedule_has_its_slots(settings):
    settings.TRACKING_POLL_INTERVAL_MINUTES = 120
    assert due_slot(tracking.is_poll_due, datetime(2026, 12, 2, 13, 59)) == datetime(2026, 12, 2, 12, 0)


def test_call_local_runs_the_domain_function_with_no_slot(monkeypatch):
    monkeypatch.setattr("commerce.payments.services.expire_stale_checkouts", lambda: 7)
    assert payments.expire_checkouts.call_local() == 7
    assert payments.expire_checkouts.call_local() == 7
    assert not PeriodicSlot.objects.exists()
