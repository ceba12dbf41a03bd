"""The OpenAI backend (official SDK) against a local fake of the OpenAI HTTP API."""

import base64
import io
import json

import pytest
from django.test import override_settings
from PIL import Image

from integrations.ai import AIError, AIRefused, ProductGuess
from integrations.backends import get_backend

from .realtime_http import FakeHTTPServer, Route

CHAT = "/v1/chat/completions"
IMAGES = "/v1/images/generations"


@pytest.fixture
def openai_api():
    with (
        FakeHTTPServer() as server,
        override_settings(
            AI_BACKEND="openai",
            OPENAI_API_KEY="sk-test",
            OPENAI_BASE_URL=server.url + "/v1",
            OPENAI_EXTRACTION_MODEL="gpt-test-mini",
            OPENAI_IMAGE_MODEL="gpt-image-1",
            OPENAI_IMAGE_SIZE="1024x1024",
        ),
    ):
        yield server


def completion(content=None, refusal=None, finish_reason="stop"):
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-test-mini",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
    }


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGBA", (4, 4), (255, 0, 0, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_extraction_sends_structured_output_request_and_reads_the_answer(openai_api):
    answer = {"name": "농심 신라면 120g", "price_krw": 4500, "image": "https://img.example/ramen.jpg"}
    openai_api.add("POST", CHAT, body=completion(json.dumps(answer, ensure_ascii=False)))
    guess = get_backend("ai").extract_product(url="https://shop.example/p/1", page_text="신라면 4,500원")
    assert guess == ProductGuess(name="농심 신라면 120g", price_krw=4500, image="https://img.example/ramen.jpg")
    request = openai_api.requests[0]
    assert request.headers["Authorization"] == "Bearer sk-test"
    sent = request.json()
    assert sent["model"] == "gpt-test-mini"
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"]["required"] == ["name", "price_krw", "image"]
    assert "신라면 4,500원" in sent["messages"][1]["content"]


def test_extraction_cleans_out_of_schema_values(openai_api):
    answer = {"name": "  Mug ", "price_krw": -3, "image": "javascript:alert(1)"}
    openai_api.add("POST", CHAT, body=completion(json.dumps(answer)))
    assert get_backend("ai").extract_product(url="u", page_text="p") == ProductGuess("Mug", None, "")


def test_image_generation_decodes_b64_json(openai_api):
    png = png_bytes()
    openai_api.add("POST", IMAGES, body={"created": 1, "data": [{"b64_json": base64.b64encode(png).decode()}]})
    assert get_backend("ai").generate_image(prompt="chibi, species: bear") == png
    sent = openai_api.requests[0].json()
    assert (sent["model"], sent["size"], sent["n"], sent["prompt"]) == (
        "gpt-image-1",
        "1024x1024",
        1,
        "chibi, species: bear",
    )


@pytest.mark.parametrize(
    ("route", "retryable"),
    [
        (Route(status=429, body={"error": {"message": "slow down", "type": "rate_limit", "code": None}}), True),
        (Route(status=500, body={"error": {"message": "boom"}}), True),
        (Route(status=503, body="unavailable"), True),
        (Route(status=401, body={"error": {"message": "bad key", "code": "invalid_api_key"}}), False),
    ],
)
def test_http_errors_become_ai_errors(openai_api, route, retryable):
    openai_api.add("POST", CHAT, route)
    openai_api.add("POST", IMAGES, route)
    backend = get_backend("ai")
    with pytest.raises(AIError) as caught:
        backend.extract_product(url="u", page_text="p")
    assert caught.value.retryable is retryable
    with pytest.raises(AIError) as caught:
        backend.generate_image(prompt="x")
    assert caught.value.retryable is retryable


def test_timeouts_are_retryable_errors(openai_api, monkeypatch):
    monkeypatch.setattr("integrations.ai.openai.TIMEOUT_SECONDS", 0.2)
    openai_api.add("POST", IMAGES, body={"data": []}, delay=1.0)
    with pytest.raises(AIError, match="timed out") as caught:
        get_backend("ai").generate_image(prompt="x")
    assert caught.value.retryable


@pytest.mark.parametrize("content", ["not json", '{"name": ', "[1, 2]", '{"name": 5}', ""])
def test_malformed_model_output_is_an_error(openai_api, content):
    openai_api.add("POST", CHAT, body=completion(content))
    with pytest.raises(AIError):
        get_backend("ai").extract_product(url="u", page_text="p")


def test_malformed_http_body_is_an_error(openai_api):
    openai_api.add("POST", CHAT, body="{not json", headers={"Content-Type": "application/json"})
    openai_api.add("POST", IMAGES, body={"data": [{"b64_json": "@@not base64@@"}]})
    with pytest.raises(AIError):
        get_backend("ai").extract_product(url="u", page_text="p")
    with pytest.raises(AIError):
        get_backend("ai").generate_image(prompt="x")


def test_refusals_are_not_retryable(openai_api):
    openai_api.add("POST", CHAT, body=completion(None, refusal="I can't help with that."))
    with pytest.raises(AIRefused):
        get_backend("ai").extract_product(url="u", page_text="p")
    openai_api.add(
        "POST",
        IMAGES,
        status=400,
        body={"error": {"message": "blocked", "type": "image_generation_user_error", "code": "moderation_blocked"}},
    )
    with pytest.raises(AIRefused) as caught:
        get_backend("ai").generate_image(prompt="x")
    assert caught.value.retryable is False


def test_dummy_backend_is_deterministic_png():
    with override_settings(AI_BACKEND="dummy"):
        backend = get_backend("ai")
        first = backend.generate_image(prompt="chibi, species: panda, tags: planner")
        assert first == backend.generate_image(prompt="chibi, species: panda, tags: planner")
        assert first != backend.generate_image(prompt="chibi, species: dragon, tags: planner")
        assert Image.open(io.BytesIO(first)).format == "PNG"
        guess = backend.extract_product(url="https://shop.example/1", page_text="")
        assert guess.name and guess.price_krw
