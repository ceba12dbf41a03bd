"""Jobs are enqueued by name after commit; the names are the ones tasks/ registers."""

import pytest
from django.db import transaction

from bidangil import jobs


def test_every_enqueued_name_is_registered_by_tasks():
    names = {"notifications.send", "products.lookup", "products.item-names", "avatars.generate", "tracking.retry"}
    assert names <= set(jobs._registry)


@pytest.mark.django_db
def test_an_unknown_job_name_fails_inside_the_callers_transaction():
    with pytest.raises(KeyError), transaction.atomic():
        jobs.enqueue_on_commit("no.such-job", 1)


def test_a_job_name_cannot_be_registered_twice():
    with pytest.raises(ValueError):
        jobs.register("notifications.send")(object())


# Job name -> the domain function whose declared retry policy the Huey task must carry.
RETRIED = {
    "avatars.generate": ("community.avatars.services", "generate", (3, 10, 3)),
    "notifications.send": ("notifications.delivery", "deliver", (3, 30, 1)),
    "products.lookup": ("commerce.products.services", "run_lookup", (2, 20, 2)),
    "products.item-names": ("commerce.products.services", "fill_order_item_names", (2, 60, 2)),
    "tracking.retry": ("commerce.shipping.tracking", "retry_failed", (4, 240, 2)),
}


@pytest.mark.parametrize("name", sorted(RETRIED))
def test_the_huey_task_retries_as_its_domain_function_declares(name):
    module, function, expected = RETRIED[name]
    policy = getattr(__import__(module, fromlist=[function]), function).retry
    assert (policy.times, policy.delay, policy.backoff) == expected
    task_class = jobs._registry[name].task_class
    assert (task_class.default_retries, task_class.default_retry_delay, task_class.default_retry_backoff) == expected


def test_every_kind_of_pending_work_is_declared_with_a_registered_job():
    kinds = {"notifications", "product_lookups", "item_names", "avatars"}
    assert set(jobs._pending) == kinds
    assert {job for job, _ in jobs._pending.values()} <= set(jobs._registry)


def test_tasks_modules_hold_no_retry_policy_or_lease_of_their_own():
    """The adapters read the domain's declarations; a literal policy or a lease in tasks/ is a domain decision
    taken in the wrong place."""
    from pathlib import Path

    sources = {path.name: path.read_text() for path in Path(__file__).parent.parent.joinpath("tasks").glob("*.py")}
    for name, source in sources.items():
        for word in ("retries=", "retry_delay=", "retry_backoff=", "leased", "lease(", "LeaseHeld"):
            assert word not in source, f"tasks/{name} declares {word!r}"
