"""Row locks that only a real database shows: concurrent guesses are all counted, one default survives."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Address, CodeLockout
from tests.accounts.conftest import STRONG_PASSWORD, code_from_mail
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = [
    pytest.mark.mysql,
    pytest.mark.skipif("mysql" not in settings.DATABASES["default"]["ENGINE"], reason="needs MariaDB row locks"),
    # serialized_rollback: the flush after these tests must not take migration data (groups, root page) with it
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_together(count, action):
    barrier = threading.Barrier(count)
    results = []

    def worker(n):
        try:
            barrier.wait()
            results.append(action(n))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_wrong_codes_are_all_counted(signup, throttle_rates):
    throttle_rates(code="100/min")
    signup(email="race@example.com")
    code = code_from_mail("race@example.com")
    wrong = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 5)]

    def guess(n):
        body = {"email": "race@example.com", "code": wrong[n], "password": STRONG_PASSWORD}
        return APIClient().post("/api/v1/auth/verify/", body, format="json").status_code

    assert run_together(4, guess) == [400] * 4
    assert CodeLockout.objects.get(email="race@example.com").failures == 4


def test_concurrent_default_changes_leave_one_default():
    user = UserFactory()
    addresses = [AddressFactory(user=user, is_default=n == 0) for n in range(4)]

    def make_default(n):
        client = APIClient()
        client.force_authenticate(user)
        return client.patch(f"/api/v1/me/addresses/{addresses[n].pk}/", {"is_default": True}, format="json")

    assert {r.status_code for r in run_together(4, make_default)} == {200}
    assert Address.objects.filter(user=user, is_default=True).count() == 1
