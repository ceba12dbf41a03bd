"""The hot endpoints on a seeded dataset: the same number of queries for a page of 1 and of 50, and (on MariaDB)
every query through an index."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.explain import check_plans, hot_endpoints

pytestmark = pytest.mark.django_db

# name as in bench.explain.hot_endpoints → the page size parameter of its path and the largest page it serves
PAGED = {
    "v1 feed": ("page_size", 50),
    "legacy post list": ("size", 50),
    "my orders": ("page_size", 50),
    "pages API": ("limit", 20),  # Wagtail's API caps limit at 20
    "staff order list": ("page_size", 50),
}


@pytest.fixture
def seeded():
    call_command("seed_bulk", scale=0.003, stdout=io.StringIO())


def _queries(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    body = response.json()
    items = body.get("results", body.get("items", []))
    return len(queries.captured_queries), len(items)


def test_hot_lists_take_the_same_queries_for_a_page_of_1_and_a_full_page(seeded, client, settings):
    settings.PUBLIC_CACHE_SECONDS = 0  # every page built: what a cached page costs is tests/test_public_cache.py's
    settings.ORDER_PAGES_CACHE_SECONDS = 0  # and tests/commerce/test_order_pages_cache.py's
    mismatches = []
    for name, path, user in hot_endpoints():
        if name not in PAGED:
            continue
        client.logout()
        if user is not None:
            client.force_login(user)
        client.get(path)  # warm the per-process caches (content types, site) like a running server
        param, largest = PAGED[name]
        if "orders" in path:
            path += "&status=delivered"  # every row has its parcel and shipment: the same prefetches run for 1 and 50
        one = _queries(client, path.replace(f"{param}=20", f"{param}=1"))
        fifty = _queries(client, path.replace(f"{param}=20", f"{param}={largest}"))
        assert one[1] == 1 and fifty[1] > 1, (name, one, fifty)
        if one[0] != fifty[0]:
            mismatches.append(f"{name}: {one[0]} queries for 1 item, {fifty[0]} for {fifty[1]}")
    assert not mismatches, mismatches


@pytest.mark.mysql
def test_every_hot_query_reads_through_an_index(seeded):
    if connection.vendor != "mysql":
        pytest.skip("needs MariaDB/MySQL (DATABASE_URL)")
    report = check_plans()
    assert set(report.checked) >= set(PAGED)
