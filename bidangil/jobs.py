"""Background jobs by name: domain code enqueues, `tasks/` registers the Huey task behind each name.

    jobs.enqueue_on_commit("notifications.send", notification.pk)   # after the transaction commits

Domain packages never import `tasks/` (it imports them); `tasks.tasks`, loaded by Huey's autodiscovery
in every process, fills the registry with `@jobs.register("name")`. Jobs take IDs, never instances.
"""

from collections.abc import Callable

from django.db import transaction

_registry: dict[str, Callable] = {}


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
