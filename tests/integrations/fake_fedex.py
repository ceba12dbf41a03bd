"""The `fake_fedex` fixture: a FakeFedEx server on 127.0.0.1 wired into settings (CARRIER_BACKEND=fedex).

Import it into a test module: `from tests.integrations.fake_fedex import fake_fedex_fixture  # noqa: F401`.
"""

import pytest

from integrations.carriers.fake_fedex import FakeFedEx

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"


@pytest.fixture(name="fake_fedex")
def fake_fedex_fixture(settings):
    with FakeFedEx(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as server:
        settings.CARRIER_BACKEND = "fedex"
        settings.FEDEX_API_URL = server.url
        settings.FEDEX_CLIENT_ID = CLIENT_ID
        settings.FEDEX_CLIENT_SECRET = CLIENT_SECRET
        settings.FEDEX_RETRIES = 2
        settings.FEDEX_RETRY_BACKOFF_SECONDS = 0
        settings.FEDEX_TIMEOUT_SECONDS = 1
        yield server
