"""Carrier rates and shipments: the FedEx Rate and Ship APIs against the local fake FedEx, and the dummy twin."""

import base64
from decimal import Decimal

import pytest

from integrations.carriers import (
    CarrierError,
    CarrierRefused,
    Commodity,
    ParcelSpec,
    PostalAddress,
    RateQuote,
)
from integrations.carriers.dummy import DummyCarrierBackend
from integrations.carriers.fedex import FedExCarrierBackend
from tests.integrations.fake_fedex import fake_fedex_fixture  # noqa: F401

WAREHOUSE = PostalAddress(
    name="Bidangil Warehouse", phone="+82325550100", line1="12 Gonghang-ro", city="Incheon", postal_code="22382",
    country="KR",
)  # fmt: skip
CUSTOMER = PostalAddress(
    name="Jiwoo Kim", phone="+12135550100", line1="123 Wilshire Blvd", city="Los Angeles", state="CA",
    postal_code="90010", country="US",
)  # fmt: skip


def parcel(**overrides) -> ParcelSpec:
    values = {
        "reference": "BD250101-ABC123",
        "weight_g": 1800,
        "length_cm": Decimal("30.2"),
        "width_cm": Decimal("20"),
        "height_cm": Decimal("10"),
        "shipper": WAREHOUSE,
        "recipient": CUSTOMER,
        "commodities": (Commodity("Cotton T-shirt", 2, 1250, "610910"), Commodity("Lip balm", 1, 800)),
        **overrides,
    }
    return ParcelSpec(**values)


@pytest.fixture(autouse=True)
def _account(settings):
    settings.FEDEX_ACCOUNT_NUMBER = "740561073"


# --- Rate API ----------------------------------------------------------------------------------------


def test_rate_quotes_the_measured_parcel_in_cents(fake_fedex):
    fake_fedex.rate_cents = 4_275
    quote = FedExCarrierBackend().rate(parcel())
    assert quote == RateQuote(amount_cents=4_275, currency="usd", service="INTERNATIONAL_PRIORITY")
    shipment = fake_fedex.rate_requests[0]["requestedShipment"]
    assert fake_fedex.rate_requests[0]["accountNumber"] == {"value": "740561073"}
    package = shipment["requestedPackageLineItems"][0]
    assert package["weight"] == {"units": "KG", "value": 1.8}
    assert package["dimensions"] == {"length": 31, "width": 20, "height": 10, "units": "CM"}  # sides rounded up
    assert shipment["recipient"]["address"]["countryCode"] == "US"
    assert shipment["shipper"]["address"]["city"] == "Incheon"
    assert shipment["preferredCurrency"] == "USD"


def test_rate_and_ship_share_the_tracking_token(fake_fedex):
    backend = FedExCarrierBackend()
    backend.track(["700000000001"])
    backend.rate(parcel())
    backend.create_shipment(parcel())
    assert fake_fedex.token_calls == 1


def test_a_revoked_token_is_renewed_once(fake_fedex):
    backend = FedExCarrierBackend()
    backend.rate(parcel())
    fake_fedex.revoke_tokens()
    assert backend.rate(parcel()).amount_cents == fake_fedex.rate_cents
    assert fake_fedex.token_calls == 2


def test_rate_validation_errors_are_refusals_with_fedex_words(fake_fedex):
    incomplete = PostalAddress(name="Jiwoo Kim", line1="", city="Los Angeles", postal_code="", country="US")
    with pytest.raises(CarrierRefused, match="Recipient address is incomplete"):
        FedExCarrierBackend().rate(parcel(recipient=incomplete))
    assert fake_fedex.rate_calls == 1  # a refusal is not retried


def test_rate_retries_timeouts_then_gives_up(fake_fedex):
    fake_fedex.delay_next(1.5)  # longer than FEDEX_TIMEOUT_SECONDS (1 s)
    assert FedExCarrierBackend().rate(parcel()).amount_cents == fake_fedex.rate_cents
    fake_fedex.delay_next(1.5, times=3)
    with pytest.raises(CarrierError, match="ReadTimeout"):
        FedExCarrierBackend().rate(parcel())
    assert fake_fedex.rate_calls == 2 + 3  # FEDEX_RETRIES = 2: three attempts


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"output": {}}',
        b'{"output": {"rateReplyDetails": [{"ratedShipmentDetails": [{"totalNetCharge": 12.5, "currency": "KRW"}]}]}}',
        b'{"output": {"rateReplyDetails": [{"ratedShipmentDetails": [{"currency": "USD"}]}]}}',
    ],
)
def test_unreadable_rate_answers_are_carrier_errors(fake_fedex, body):
    fake_fedex.respond_next(body)
    with pytest.raises(CarrierError) as caught:
        FedExCarrierBackend().rate(parcel())
    assert not isinstance(caught.value, CarrierRefused)
    assert fake_fedex.rate_calls == 1


# --- Ship API ----------------------------------------------------------------------------------------


def test_create_shipment_returns_the_tracking_number_and_the_pdf_label(fake_fedex):
    label = FedExCarrierBackend().create_shipment(parcel())
    assert label.tracking_number == "794600000001"
    assert label.label_pdf == fake_fedex.label_pdf and label.service == "INTERNATIONAL_PRIORITY"
    request = fake_fedex.ship_requests[0]
    assert request["labelResponseOptions"] == "LABEL"
    shipment = request["requestedShipment"]
    assert shipment["labelSpecification"]["imageType"] == "PDF"
    assert shipment["recipients"][0]["contact"]["personName"] == "Jiwoo Kim"
    reference = shipment["requestedPackageLineItems"][0]["customerReferences"][0]
    assert reference["value"] == "BD250101-ABC123"
    customs = shipment["customsClearanceDetail"]
    assert customs["totalCustomsValue"] == {"amount": 33.0, "currency": "USD"}
    assert [c["harmonizedCode"] for c in customs["commodities"] if "harmonizedCode" in c] == ["610910"]
    assert {c["countryOfManufacture"] for c in customs["commodities"]} == {"KR"}


def test_ship_validation_errors_are_refusals(fake_fedex):
    with pytest.raises(CarrierRefused, match="Weight is missing"):
        FedExCarrierBackend().create_shipment(parcel(weight_g=0))


def test_a_ship_timeout_is_never_sent_twice(fake_fedex):
    """FedEx may have booked the shipment: a retry could book a second one, so staff are told to check."""
    fake_fedex.delay_next(1.5)
    with pytest.raises(CarrierError, match="check FedEx before retrying"):
        FedExCarrierBackend().create_shipment(parcel())
    assert fake_fedex.ship_calls == 1


def test_a_ship_5xx_is_not_retried_but_a_429_is(fake_fedex):
    fake_fedex.fail_next(503)
    with pytest.raises(CarrierError, match="HTTP 503"):
        FedExCarrierBackend().create_shipment(parcel())
    assert fake_fedex.ship_calls == 1
    fake_fedex.fail_next(429)
    assert FedExCarrierBackend().create_shipment(parcel()).tracking_number
    assert fake_fedex.ship_calls == 3


@pytest.mark.parametrize(
    "piece",
    [
        {"trackingNumber": "794600000009", "packageDocuments": []},
        {"trackingNumber": "794600000009", "packageDocuments": [{"encodedLabel": "%%%not base64"}]},
        {
            "trackingNumber": "794600000009",
            "packageDocuments": [{"encodedLabel": base64.b64encode(b"<html>no pdf</html>").decode()}],
        },
    ],
)
def test_a_shipment_without_a_usable_label_is_a_carrier_error(fake_fedex, piece):
    import json

    body = {"output": {"transactionShipments": [{"masterTrackingNumber": "794600000009", "pieceResponses": [piece]}]}}
    fake_fedex.respond_next(json.dumps(body).encode())
    with pytest.raises(CarrierError):
        FedExCarrierBackend().create_shipment(parcel())


# --- Dummy -------------------------------------------------------------------------------------------


def test_dummy_quotes_no_rate_and_draws_a_local_label():
    backend = DummyCarrierBackend()
    assert backend.rate(parcel()) is None
    label = backend.create_shipment(parcel())
    assert len(label.tracking_number) == 12 and label.tracking_number.isdigit()
    pdf = label.label_pdf
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    for text in (label.tracking_number, "Jiwoo Kim", "BD250101-ABC123", "Incheon"):
        assert text.encode() in pdf  # the page is stored uncompressed
    assert backend.create_shipment(parcel()).tracking_number != label.tracking_number
