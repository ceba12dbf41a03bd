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
