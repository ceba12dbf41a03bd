"""The real FedEx backend against a local fake FedEx (OAuth + Track API) on 127.0.0.1."""

import time
from datetime import UTC, datetime

import pytest

from integrations.backends import get_backend
from integrations.carriers import CarrierError, Status
from integrations.carriers.fedex import FedExCarrierBackend
from tests.integrations.fake_fedex import fake_fedex_fixture  # noqa: F401

NUMBERS = [f"{700000000000 + i}" for i in range(65)]


def scan(*args, **kwargs):
    from integrations.carriers.fake_fedex import FakeFedEx

    return FakeFedEx.scan(*args, **kwargs)


def test_configured_backend_is_fedex(fake_fedex):
    assert isinstance(get_backend("carriers"), FedExCarrierBackend)


def test_token_is_fetched_once_and_shared_through_the_cache(fake_fedex):
    FedExCarrierBackend().track(NUMBERS[:2])
    FedExCarrierBackend().track(NUMBERS[:2])  # another instance (another worker) reuses the cached token
    assert fake_fedex.token_calls == 1
    assert fake_fedex.track_calls == 2


def test_token_is_fetched_again_after_it_expires(fake_fedex):
    fake_fedex.token_lifetime = 61  # cached for 1 s (expiry minus a 60 s safety margin)
    backend = FedExCarrierBackend()
    backend.track(NUMBERS[:1])
    backend.track(NUMBERS[:1])
    assert fake_fedex.token_calls == 1
    time.sleep(1.2)
    backend.track(NUMBERS[:1])
    assert fake_fedex.token_calls == 2


def test_short_lived_token_is_not_cached(fake_fedex):
    fake_fedex.token_lifetime = 30  # shorter than the safety margin: use it once, never cache it
    backend = FedExCarrierBackend()
    backend.track(NUMBERS[:1])
    backend.track(NUMBERS[:1])
    assert fake_fedex.token_calls == 2


def test_65_numbers_take_3_calls_of_at_most_30(fake_fedex):
    results = FedExCarrierBackend().track(NUMBERS)
    assert fake_fedex.track_calls == 3
    assert [len(r) for r in fake_fedex.track_requests] == [30, 30, 5]
    assert [r.tracking_number for r in results] == NUMBERS
    assert all(not r.error and r.status_code == "IT" for r in results)


def test_per_number_error_inside_a_200_spares_the_others(fake_fedex):
    fake_fedex.set_not_found(NUMBERS[1])
    results = FedExCarrierBackend().track(NUMBERS[:3])
    assert [bool(r.error) for r in results] == [False, True, False]
    assert "NOTFOUND" in results[1].error and results[1].events == []
    assert results[0].events and results[2].events


def test_number_missing_from_the_answer_is_an_error_result(fake_fedex):
    fake_fedex.respond_next(
        b'{"output": {"completeTrackResults": [{"trackingNumber": "700000000000", "trackResults": [{}]}]}}'
    )
    results = FedExCarrierBackend().track(NUMBERS[:2])
    assert not results[0].error
    assert results[1].error == "FedEx returned no result."


def test_401_refreshes_the_token_once(fake_fedex):
    backend = FedExCarrierBackend()
    backend.track(NUMBERS[:1])
    fake_fedex.revoke_tokens()
    results = backend.track(NUMBERS[:1])
    assert not results[0].error
    assert fake_fedex.token_calls == 2
    assert fake_fedex.track_calls == 3  # ok, 401, ok with the new token


def test_401_twice_is_a_carrier_error(fake_fedex):
    fake_fedex.fail_next(401, times=2, body=b'{"errors":[{"code":"NOT.AUTHORIZED.ERROR"}]}')
    with pytest.raises(CarrierError, match="401"):
        FedExCarrierBackend().track(NUMBERS[:1])
    assert fake_fedex.token_calls == 2
    assert fake_fedex.track_calls == 2


def test_500_is_retried(fake_fedex):
    fake_fedex.fail_next(500)
    results = FedExCarrierBackend().track(NUMBERS[:2])
    assert len(results) == 2 and not results[0].error
    assert fake_fedex.track_calls == 2


def test_500_that_persists_is_a_carrier_error_after_the_retries(fake_fedex, caplog):
    fake_fedex.fail_next(503, times=3)
    with pytest.raises(CarrierError, match="HTTP 503"):
        FedExCarrierBackend().track(NUMBERS[:2])
    assert fake_fedex.track_calls == 3  # 1 + FEDEX_RETRIES
    assert "failed after 3 attempts" in caplog.text


def test_timeout_is_retried(fake_fedex):
    fake_fedex.delay_next(1.5)  # FEDEX_TIMEOUT_SECONDS is 1 in tests
    results = FedExCarrierBackend().track(NUMBERS[:1])
    assert not results[0].error
    assert fake_fedex.track_calls == 2


def test_garbage_json_is_a_carrier_error(fake_fedex):
    fake_fedex.respond_next(b"<html>upstream maintenance</html>")
    with pytest.raises(CarrierError, match="not JSON"):
        FedExCarrierBackend().track(NUMBERS[:1])


@pytest.mark.parametrize("body", [b"[]", b'{"output": null}', b'{"errors": [{"code": "X", "message": "down"}]}'])
def test_json_without_results_is_a_carrier_error(fake_fedex, body):
    fake_fedex.respond_next(body)
    with pytest.raises(CarrierError):
        FedExCarrierBackend().track(NUMBERS[:1])


def test_bad_credentials_are_a_carrier_error(fake_fedex, settings):
    settings.FEDEX_CLIENT_SECRET = "wrong"
    with pytest.raises(CarrierError, match="oauth"):
        FedExCarrierBackend().track(NUMBERS[:1])
    assert fake_fedex.track_calls == 0


def test_scans_are_parsed_with_time_location_status_and_eta(fake_fedex):
    number = NUMBERS[0]
    fake_fedex.set_result(
        number,
        status="DL",
        description="Delivered",
        estimated="2025-01-05T20:00:00-05:00",
        delivered="2025-01-05T14:03:00-05:00",
        scans=[
            scan("DL", "Delivered", "2025-01-05T14:03:00-05:00", "New York", "NY", "US"),
            scan("DE", "Delivery exception", "2025-01-04T10:00:00-05:00", "New York", "NY", "US"),
            scan("PU", "Picked up", "2025-01-02T09:00:00+09:00", "Incheon", None, "KR"),
            {"date": "not a date", "eventType": "IT"},  # unusable scans are skipped
            {"date": "2025-01-03T00:00:00Z"},
        ],
    )
    [result] = FedExCarrierBackend().track([number])
    assert result.status_code == "DL" and result.category == Status.DELIVERED
    assert result.status_description == "Delivered"
    assert result.estimated_delivery_at == datetime(2025, 1, 6, 1, 0, tzinfo=UTC)
    assert result.delivered_at == datetime(2025, 1, 5, 19, 3, tzinfo=UTC)
    assert [(e.code, e.location) for e in result.events] == [
        ("DL", "New York, NY, US"),
        ("DE", "New York, NY, US"),
        ("PU", "Incheon, KR"),
    ]
    assert result.events[2].occurred_at == datetime(2025, 1, 2, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("DL", Status.DELIVERED),
        ("OD", Status.OUT_FOR_DELIVERY),
        ("IT", Status.IN_TRANSIT),
        ("IX", Status.IN_TRANSIT),
        ("AR", Status.IN_TRANSIT),
        ("DP", Status.IN_TRANSIT),
        ("PU", Status.IN_TRANSIT),
        ("OC", Status.LABEL_CREATED),
        ("DE", Status.EXCEPTION),
        ("SE", Status.EXCEPTION),
        ("CA", Status.EXCEPTION),
        ("", Status.UNKNOWN),
    ],
)
def test_status_codes_are_mapped(fake_fedex, code, category):
    fake_fedex.set_result(NUMBERS[0], status=code)
    [result] = FedExCarrierBackend().track([NUMBERS[0]])
    assert result.category == category
