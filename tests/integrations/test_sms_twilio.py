"""The Twilio SMS backend against a local fake of Twilio's REST API."""

import base64
from urllib.parse import parse_qs

import pytest
from django.test import override_settings

from integrations.backends import get_backend
from integrations.sms import SMSError

from .realtime_http import FakeHTTPServer, Route


@pytest.fixture
def twilio():
    with (
        FakeHTTPServer() as server,
        override_settings(
            SMS_BACKEND="twilio",
            TWILIO_API_URL=server.url,
            TWILIO_ACCOUNT_SID="AC123",
            TWILIO_AUTH_TOKEN="secret",
            SMS_FROM="+15005550006",
        ),
    ):
        yield server


PATH = "/2010-04-01/Accounts/AC123/Messages.json"


def test_sends_a_form_post_with_basic_auth(twilio):
    twilio.add("POST", PATH, status=201, body={"sid": "SM1", "status": "queued"})
    get_backend("sms").send("+12135550100", "Bidangil: Order B-1 is now shipped.")
    request = twilio.requests[0]
    assert parse_qs(request.body.decode()) == {
        "To": ["+12135550100"],
        "From": ["+15005550006"],
        "Body": ["Bidangil: Order B-1 is now shipped."],
    }
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"AC123:secret").decode()


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (400, {"code": 21211, "message": "The 'To' number is not valid."}, "not valid"),
        (401, {"message": "Authenticate"}, "401"),
        (500, "oops", "500"),
        (429, {"message": "Too Many Requests"}, "429"),
    ],
)
def test_provider_errors_raise_sms_error(twilio, status, body, message):
    twilio.add("POST", PATH, status=status, body=body)
    with pytest.raises(SMSError, match=message):
        get_backend("sms").send("+12135550100", "hi")


def test_unreachable_provider_raises_sms_error(twilio):
    with override_settings(TWILIO_API_URL="http://127.0.0.1:9"), pytest.raises(SMSError, match="unreachable"):
        get_backend("sms").send("+12135550100", "hi")


def test_missing_configuration_raises_before_any_request(twilio):
    with override_settings(TWILIO_AUTH_TOKEN=""), pytest.raises(SMSError, match="not configured"):
        get_backend("sms").send("+12135550100", "hi")
    assert twilio.requests == []


def test_sequence_routes_helper_serves_answers_in_order(twilio):
    twilio.add("POST", PATH, Route(status=500, body="x"), Route(status=201, body={"sid": "SM2"}))
    with pytest.raises(SMSError):
        get_backend("sms").send("+1", "a")
    get_backend("sms").send("+1", "b")
    assert len(twilio.requests) == 2
