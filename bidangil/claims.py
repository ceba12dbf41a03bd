"""Claims on pending rows: the database, not the job queue, is the record of work still to do.

A job takes a row with one conditional UPDATE (`take`) before its side effect, and the claim expires:
a worker killed mid-job leaves a claim that another run may take again after `seconds`. The side effect
is marked done only after it happened, by the holder of the claim (`held`). A periodic sweep enqueues
again the rows that are still pending with no live claim (`stalled`).

Each model keeps three fields, `<prefix>claim_token`, `<prefix>claimed_until` and `<prefix>attempts`.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone


class ClaimLost(Exception):
    """The claim expired and another run took the row over; this run's side effect must not be recorded."""


def take(pending: QuerySet, *, seconds: int, prefix: str = "") -> str | None:
    """Claim the pending row(s) for `seconds` and count an attempt; the claim token, or None if held or done."""
    now = timezone.now()
    token = uuid.uuid4().hex
    free = Q(**{f"{prefix}claimed_until__isnull": True}) | Q(**{f"{prefix}claimed_until__lte": now})
    changed = pending.filter(free).update(
        **{
            f"{prefix}claim_token": token,
            f"{prefix}claimed_until": now + timedelta(seconds=seconds),
            f"{prefix}attempts": F(f"{prefix}attempts") + 1,
        }
    )
    return token if changed else None


def held(queryset: QuerySet, token: str, *, prefix: str = "") -> QuerySet:
    """The rows still claimed by `token` (an expired claim taken over by another run is no longer held)."""
    return queryset.filter(**{f"{prefix}claim_token": token})


def release(queryset: QuerySet, token: str, *, prefix: str = "") -> None:
    """Give a claim back (the job failed and will be retried); a no-op once another run took it over."""
    held(queryset, token, prefix=prefix).update(**{f"{prefix}claim_token": "", f"{prefix}claimed_until": None})


def stalled(pending: QuerySet, now=None, *, created_field: str = "created_at", prefix: str = "") -> QuerySet:
    """Pending rows that no live claim covers and older, at `now`, than JOB_CLAIM_SECONDS (a fresher row's job may
    still be in the queue): their job died or was lost."""
    created_before = (now or timezone.now()) - timedelta(seconds=settings.JOB_CLAIM_SECONDS)
    free = Q(**{f"{prefix}claimed_until__isnull": True}) | Q(**{f"{prefix}claimed_until__lte": timezone.now()})
    return pending.filter(free, **{f"{created_field}__lt": created_before})
