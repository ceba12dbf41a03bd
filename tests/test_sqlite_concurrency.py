"""The embedded default (SQLite) serves parallel writers without "database is locked".

Eight clients write at once against a real `manage.py serve`: checkouts, staff refunds, likes and comments,
while the in-process Huey threads write the notification jobs those enqueue. WAL, IMMEDIATE transactions and
a busy timeout (bidangil/settings/base.py) make each writer wait its turn instead of failing.
"""

import json
import re
import threading
import urllib.error
import urllib.request

import pytest

from tests import live_server

pytestmark = pytest.mark.django_db  # the module fixture copies the test database, which must exist

ROUNDS = 6
SETUP = f"""
from django.test import Client
from rest_framework.authtoken.models import Token
from tests.accounts.factories import OrderStaffFactory, UserFactory
from tests.commerce.factories import paid_order, quoted_order
from tests.community.factories import make_boards, make_post

def token(user):
    return Token.objects.create(user=user).key

staff = OrderStaffFactory()
print("staff", token(staff))
for n in range(2):
    buyer = UserFactory()
    print("checkout", token(buyer), *[quoted_order(buyer, staff=staff).number for _ in range({ROUNDS})])
    print("refund", *[paid_order(Client(), staff=staff).number for _ in range({ROUNDS})])
make_boards()
post = make_post(title="Shared rice cooker")
for n in range(2):
    print("like", token(UserFactory()), post.slug)
    print("comment", token(UserFactory()), post.slug)
"""


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, tmp_path_factory):
    with live_server.serve(
        tmp_path_factory.mktemp("sqlite-writers"),
        django_db_blocker,
        SETUP,
        # Throttles would answer 429 long before SQLite is tested.
        THROTTLE_ORDER="10000/min",
        THROTTLE_LIKE="10000/min",
        THROTTLE_COMMENT="10000/min",
    ) as (host, _, output):
        yield host, [line.split() for line in output.splitlines() if line.strip()]


def call(host: str, token: str, method: str, path: str, payload: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://{host}/api/v1{path}",
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        title = re.search(r"<title>(.*?)</title>", body, re.S)  # the debug page: "OperationalError at /api/…"
        return error.code, (title.group(1).strip() if title else body)[:300]


def test_eight_parallel_writers_never_see_a_locked_database(served):
    host, lines = served
    staff = next(line[1] for line in lines if line[0] == "staff")
    writers = []
    for kind, *args in lines:
        if kind == "checkout":
            token, *orders = args
            writers.append([(token, "POST", f"/orders/{number}/checkout/", {"stage": "items"}) for number in orders])
        elif kind == "refund":
            refund = {"reason": "Sold out"}
            writers.append([(staff, "POST", f"/staff/orders/{number}/refund/", refund) for number in args])
        elif kind == "like":
            token, slug = args
            writers.append([(token, ("POST", "DELETE")[n % 2], f"/posts/{slug}/like/", None) for n in range(ROUNDS)])
        elif kind == "comment":
            token, slug = args
            path = f"/posts/{slug}/comments/"
            writers.append([(token, "POST", path, {"body": f"Me too {n}"}) for n in range(ROUNDS)])
    assert len(writers) == 8
    barrier = threading.Barrier(len(writers))
    failures = []

    def write(calls):
        barrier.wait()
        for token, method, path, payload in calls:
            status, body = call(host, token, method, path, payload)
            if status >= 300:
                failures.append((method, path, status, body))

    threads = [threading.Thread(target=write, args=(calls,)) for calls in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
