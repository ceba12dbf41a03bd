"""Expiring locks of periodic jobs, as rows in the database (shared by every worker, survive a Redis restart).

    with lease("tracking.poll") as held:     # raises LeaseHeld while another run holds it
        for batch in work:
            ...
            held.renew()                     # long runs renew; a killed run's lease simply expires

A lease lasts JOB_CLAIM_SECONDS from its last renewal. The table is the tasks app's (`tasks.JobLease`), looked
up by name so that domain code can hold a lease without importing `tasks/`.
"""

import functools
import logging
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def _leases():
    return apps.get_model("tasks", "JobLease").objects


class LeaseHeld(Exception):
    pass


class Lease:
    def __init__(self, name: str, token: str):
        self.name, self.token = name, token

    def renew(self) -> bool:
        """Extend the lease; False when it expired and another run took it."""
        until = timezone.now() + timedelta(seconds=settings.JOB_CLAIM_SECONDS)
        return bool(_leases().filter(name=self.name, token=self.token).update(expires_at=until))


def acquire(name: str) -> Lease | None:
    now = timezone.now()
    token = uuid.uuid4().hex
    until = now + timedelta(seconds=settings.JOB_CLAIM_SECONDS)
    if _leases().filter(name=name, expires_at__lte=now).update(token=token, expires_at=until, acquired_at=now):
        return Lease(name, token)
    try:
        with transaction.atomic():
            _leases().create(name=name, token=token, expires_at=until, acquired_at=now)
    except IntegrityError:
        return None  # held by a live run
    return Lease(name, token)


@contextmanager
def lease(name: str):
    held = acquire(name)
    if held is None:
        raise LeaseHeld(f"{name} is already running.")
    try:
        yield held
    finally:
        _leases().filter(name=name, token=held.token).delete()


def leased(name: str):
    """Decorator for a periodic job: run under the lease `name`, or skip (returning None) while it is held."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            try:
                with lease(name):
                    return func(*args, **kwargs)
            except LeaseHeld:
                logger.info("%s skipped: the previous run still holds its lease.", name)
                return None

        return run

    return decorate
