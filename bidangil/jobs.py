"""Background jobs by name: domain code enqueues, `tasks/` registers the Huey task behind each name.

    jobs.enqueue_on_commit("notifications.send", notification.pk)   # after the transaction commits

Domain packages never import `tasks/` (it imports them); `tasks.tasks`, loaded by Huey's autodiscovery
in every process, fills the registry with `@jobs.register("name")`. Jobs take IDs, never instances.

What a job does on failure and what is pending are the domain's decisions, declared next to the domain
function and read by the adapter in `tasks/`:

    @jobs.retry(times=3, delay=10, backoff=3)        # on the domain function a job runs
    def generate(request_id, *, final_attempt=True): ...

    @jobs.pending("avatars", job="avatars.generate") # rows whose job died; the sweep enqueues them again
    def stalled_request_ids(now=None): ...
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from bidangil.leases import leased

logger = logging.getLogger(__name__)

_registry: dict[str, Callable] = {}
_pending: dict[str, tuple[str, Callable]] = {}


@dataclass(frozen=True)
class Retry:
    times: int  # retries after the first attempt
    delay: int  # seconds before the first retry
    backoff: float = 1  # each further wait is this many times the previous one


def retry(*, times: int, delay: int, backoff: float = 1):
    """Declare how the job running this domain function retries after it raised."""

    def decorate(func):
        func.retry = Retry(times, delay, backoff)
        return func

    return decorate


def huey_retry(func) -> dict:
    """The Huey task options for the retry policy `func` declares (none: no retry)."""
    policy = getattr(func, "retry", None) or Retry(0, 0)
    return {"retries": policy.times, "retry_delay": policy.delay, "retry_backoff": policy.backoff}


def final_attempt(task) -> bool:
    """For a Huey task run with context=True: no retry is left (or it runs outside Huey)."""
    return task is None or task.retries == 0


def pending(kind: str, *, job: str):
    """Declare a function `(now=None) -> ids` listing rows whose job `job` died or was lost."""

    def decorate(func):
        _pending[kind] = (job, func)
        return func

    return decorate


@leased("sweeps.pending-work")
def requeue_stalled(now=None) -> dict[str, int]:
    """Enqueue again every pending row with no live claim (its job died or was lost); counts per kind.

    Runs under the `sweeps.pending-work` lease: None while another run holds it."""
    counts = {}
    for kind, (job, stalled_ids) in _pending.items():
        ids = stalled_ids(now)
        for pk in ids:
            enqueue(job, pk)
        counts[kind] = len(ids)
    if any(counts.values()):
        logger.warning("Enqueued again stalled jobs: %s", counts)
    return counts


def register(name: str):
    """Decorator for a Huey task in `tasks/`: the job `name` runs it."""

    def decorate(task):
        if _registry.setdefault(name, task) is not task:
            raise ValueError(f"Job {name!r} is registered twice.")
        return task

    return decorate


def enqueue(name: str, *ids, delay: int | None = None) -> None:
    """Queue the job now (or in `delay` seconds); raises KeyError for a name no task registered."""
    task = _registry[name]
    if delay is None:
        task(*ids)
    else:
        task.schedule(args=ids, delay=delay)


def enqueue_on_commit(name: str, *ids) -> None:
    """Queue the job once the current transaction commits (at once outside a transaction)."""
    _registry[name]  # an unknown name fails here, in the caller's transaction
    transaction.on_commit(lambda: enqueue(name, *ids))
