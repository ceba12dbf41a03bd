"""Reads of GET requests go to the replica; writes, transactions, credentials and a client who just wrote use the
primary. The replica alias is Django's test mirror of the test database, so each test counts which connection
the queries went through (transactional tests: rows must be committed for the second connection to see them)."""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Address
from bidangil.replicas import PIN_COOKIE, ReplicaRouter, replica_reads
from tests.accounts.factories import AddressFactory, UserFactory
from tests.accounts.test_addresses import URL, VALID
from tests.commerce.factories import requested_order

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def replica_on(settings):
    settings.DATABASE_REPLICA_READS = True


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


class Counted:
    """Queries of one request, per connection."""

    def __init__(self):
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])

    def __enter__(self):
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    def tables(self, context) -> str:
        return " ".join(query["sql"] for query in context.captured_queries)


def test_a_get_reads_from_the_replica_but_credentials_from_the_primary():
    user = UserFactory()
    AddressFactory(user=user)
    client = token_client(user)
    with Counted() as counted:
        response = client.get(URL)
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    assert "accounts_address" in counted.tables(counted.replica)
    primary = counted.tables(counted.primary)
    assert "authtoken_token" in primary and "accounts_address" not in primary


def test_a_write_goes_to_the_primary_and_pins_its_client_there():
    user = UserFactory()
    client = token_client(user)
    with Counted() as counted:
        response = client.post(URL, VALID, format="json")
    assert response.status_code == 201
    assert len(counted.replica.captured_queries) == 0
    assert "INSERT" in counted.tables(counted.primary)
    assert response.cookies[PIN_COOKIE]["max-age"] == 5

    with Counted() as counted:
        response = client.get(URL)  # the cookie, as a browser sends it
    assert len(response.json()["results"]) == 1
    assert len(counted.replica.captured_queries) == 0
    assert "accounts_address" in counted.tables(counted.primary)


def test_an_api_client_without_cookies_is_pinned_by_its_credentials():
    writer, other = UserFactory(), UserFactory()
    client, other_client = token_client(writer), token_client(other)
    client.post(URL, VALID, format="json")
    client.cookies.clear()
    with Counted() as counted:
        client.get(URL)
    assert len(counted.replica.captured_queries) == 0
    with Counted() as counted:
        other_client.get(URL)  # someone else's reads still go to the replica
    assert "accounts_address" in counted.tables(counted.replica)


def test_a_refused_write_pins_too():
    # A write that failed half-way may still have committed something; the client reads it back from the primary.
    client = token_client(UserFactory())
    response = client.post(URL, {**VALID, "country": "nowhere"}, format="json")
    assert response.status_code == 400 and PIN_COOKIE in response.cookies


def test_transactions_and_writes_stay_on_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Address) == "default"  # outside a safe request
    with replica_reads():
        assert router.db_for_read(Address) == "replica"
        assert router.db_for_write(Address) == "default"
        assert router.db_for_read(Token) == "default"
        with transaction.atomic():
            assert router.db_for_read(Address) == "default"  # a service re-reading what it locked
    assert router.allow_migrate("replica", "accounts") is False
    assert router.allow_migrate("default", "accounts") is True


def test_without_a_replica_everything_reads_from_the_primary(settings):
    settings.DATABASE_REPLICA_READS = False
    user = UserFactory()
    AddressFactory(user=user)
    client = token_client(user)
    with Counted() as counted:
        response = client.post(URL, VALID, format="json")
        client.get(URL)
    assert len(counted.replica.captured_queries) == 0
    assert PIN_COOKIE not in response.cookies


def test_a_page_stored_in_the_cache_is_built_from_the_primary():
    """The replica may lag behind the write that renewed the page; what is stored is served to others."""
    order = requested_order()
    client = token_client(order.user)
    with Counted() as counted:
        assert client.get("/api/v1/orders/").json()["results"][0]["number"] == order.number
    assert "commerce_order" in counted.tables(counted.primary)
    assert "commerce_order" not in counted.tables(counted.replica)
