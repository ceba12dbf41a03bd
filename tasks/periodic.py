"""Periodic jobs that run once per scheduled minute however many workers run Huey's scheduler.

Every `run_huey` process with periodic jobs on enqueues each due job, so with M worker replicas a job is queued
M times per slot. `periodic(schedule, name=…)` registers a `db_periodic_task` whose run first takes the slot
(the latest minute the schedule was due, at or before now) in `tasks.PeriodicSlot`; a copy that finds its slot
taken logs and returns None. `call_local` runs the domain function directly, with no slot.
"""

import functools
import logging
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from huey.contrib.djhuey import HUEY, db_periodic_task

from tasks.models import PeriodicSlot

logger = logging.getLogger(__name__)

LOOK_BACK_MINUTES = 7 * 24 * 60  # a copy queued longer ago than the weekly schedule is run for the minute it finds


def due_slot(schedule, now):
    """The latest whole minute at or before `now` (Huey's clock) for which `schedule` is due."""
    minute = now.replace(second=0, microsecond=0)
    for back in range(LOOK_BACK_MINUTES):
        candidate = minute - timedelta(minutes=back)
        if schedule(candidate):
            return candidate
    return minute


def take_slot(name: str, slot) -> bool:
    """True for the first run to claim `slot` of job `name`; False when that minute (or a later one) ran."""
    slots = PeriodicSlot.objects
    if slots.filter(name=name, slot__lt=slot).update(slot=slot):
        return True
    try:
        with transaction.atomic():
            slots.create(name=name, slot=slot)
    except IntegrityError:
        return False  # the row exists with this slot or a later one
    return True


def periodic(schedule, *, name: str):
    """A Huey periodic task running `func` once per due minute across every worker."""

    def decorate(func):
        @functools.wraps(func)
        def once_per_slot():
            now = datetime.now(UTC) if HUEY.utc else datetime.now().astimezone()  # the clock Huey's scheduler reads
            slot = due_slot(schedule, now.replace(tzinfo=None))  # Huey's schedules take naive datetimes
            if not take_slot(name, slot.replace(tzinfo=now.tzinfo)):
                logger.info("Periodic job %s skipped: the slot %s has run.", name, f"{slot:%Y-%m-%d %H:%M}")
                return None
            logger.info("Periodic job %s runs for the slot %s.", name, f"{slot:%Y-%m-%d %H:%M}")
            return func()

        task = db_periodic_task(schedule, name=name)(once_per_slot)
        task.call_local = func
        return task

    return decorate
