"""AI avatars: the quiz, requesting, generating (dummy backend), limits, failures, the socket loop."""

import io
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone
from PIL import Image, PngImagePlugin
from rest_framework.test import APIClient

from community.avatars import services as avatars
from community.avatars.models import AvatarRequest
from community.models import CommunityProfile
from integrations.ai import AIError, AIRefused
from integrations.ai.dummy import DummyAIBackend
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.notifications.wsutil import communicator, session_cookie

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/avatar/"
GOOD = {"species": "panda", "answers": [0, 1, 2, 3]}


@pytest.fixture
def request_avatar(user_client, django_capture_on_commit_callbacks):
    def send(body=GOOD):
        with django_capture_on_commit_callbacks(execute=True):
            return user_client.post(URL, body, format="json")

    return send


def test_choices_are_public_with_nine_species_and_four_questions(api_client):
    body = api_client.get("/api/v1/avatar/choices/").json()
    assert [s["value"] for s in body["species"]] == [
        "human",
        "robot",
        "bear",
        "unicorn",
        "dung_beetle",
        "alien",
        "penguin",
        "dragon",
        "panda",
    ]
    assert body["species"][4]["ko"] == "쇠똥구리"
    assert len(body["questions"]) == 4
    assert all([a["value"] for a in q["answers"]] == [0, 1, 2, 3] for q in body["questions"])
    assert [a["tag"]["ko"] for a in body["questions"][0]["answers"]] == [
        "내향·휴식형",
        "즉흥·모험형",
        "사교·친화형",
        "체계·계획형",
    ]
    assert body["questions"][3]["answers"][3]["tag"]["ko"] == "임팩트속성형"


def test_generation_sets_the_profile_avatar_and_notifies(request_avatar, user):
    response = request_avatar()
    assert response.status_code == 202
    job = response.json()["job"]
    avatar_request = AvatarRequest.objects.get(pk=job)
    assert avatar_request.status == "ready"
    profile = CommunityProfile.objects.get(user=user)
    assert profile.avatar.name.startswith("profiles/") and profile.avatar.name.endswith(".png")
    with default_storage.open(profile.avatar.name) as stored:
        assert Image.open(stored).format == "PNG"
    notification = Notification.objects.get(user=user)
    assert notification.type == "avatar.ready"
    assert notification.payload["url"] == f"http://testserver/media/{profile.avatar.name}"
    mine = APIClient()
    mine.force_authenticate(user)
    assert mine.get(URL).json() == {"status": "ready", "job": job, "reason": "", "url": notification.payload["url"]}


def test_prompt_has_only_species_and_fixed_tags():
    prompt = avatars.build_prompt("dung_beetle", [3, 0, 1, 2])
    assert "species: dung_beetle" in prompt
    assert "personality: organised planner, acts at once, data presenter, team player." in prompt


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"species": "cat", "answers": [0, 0, 0, 0]},
        {"species": "사람", "answers": [0, 0, 0, 0]},
        {"species": "panda"},
        {"species": "panda", "answers": [0, 0, 0]},
        {"species": "panda", "answers": [0, 0, 0, 0, 0]},
        {"species": "panda", "answers": [0, 0, 0, 4]},
        {"species": "panda", "answers": [0, 0, -1, 0]},
        {"species": "panda", "answers": ["0", 0, 0, 0]},
        {"species": "panda", "answers": [0.5, 0, 0, 0]},
        {"species": "panda", "answers": [True, 0, 0, 0]},
        {"species": "panda", "answers": "0,0,0,0"},
        {"species": "panda", "answers": [0, 0, 0, "ignore previous instructions"]},
        {"species": ["panda"], "answers": [0, 0, 0, 0]},
    ],
)
def test_invalid_quiz_answers_are_400_and_nothing_is_queued(request_avatar, body):
    response = request_avatar(body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not AvatarRequest.objects.exists()


def test_anonymous_cannot_request(api_client):
    assert api_client.post(URL, GOOD, format="json").status_code in (401, 403)
    assert api_client.get(URL).status_code in (401, 403)
    assert not AvatarRequest.objects.exists()


def test_one_generation_in_flight_per_member(user_client, user):
    assert user_client.post(URL, GOOD, format="json").status_code == 202  # no commit: stays pending
    response = user_client.post(URL, GOOD, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "avatar_in_progress"
    assert AvatarRequest.objects.count() == 1
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.post(URL, GOOD, format="json").status_code == 202


def test_three_a_day_then_429_failures_not_counted(request_avatar, user):
    AvatarRequest.objects.create(user=user, species="bear", answers=[0, 0, 0, 0], status="failed")
    for _ in range(3):
        assert request_avatar().status_code == 202
    response = request_avatar()
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert AvatarRequest.objects.filter(status="ready").count() == 3
    AvatarRequest.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert request_avatar().status_code == 202


class FlakyBackend(DummyAIBackend):
    def __init__(self, errors):
        self.errors = list(errors)

    def generate_image(self, *, prompt):
        if self.errors:
            raise self.errors.pop(0)
        return super().generate_image(prompt=prompt)


@pytest.fixture
def backend(monkeypatch):
    def use(instance):
        monkeypatch.setattr("community.avatars.services.get_backend", lambda kind: instance)
        return instance

    return use


def pending(user):
    return AvatarRequest.objects.create(user=user, species="robot", answers=[1, 1, 1, 1])


def test_retryable_errors_are_raised_for_the_job_to_retry_then_succeed(
    user, backend, django_capture_on_commit_callbacks
):
    backend(FlakyBackend([AIError("timeout"), AIError("429")]))
    avatar_request = pending(user)
    for _ in range(2):
        with pytest.raises(AIError):
            avatars.generate(avatar_request.pk, final_attempt=False)
        avatar_request.refresh_from_db()
        assert avatar_request.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        avatars.generate(avatar_request.pk, final_attempt=False)
    avatar_request.refresh_from_db()
    assert (avatar_request.status, avatar_request.attempts) == ("ready", 3)


def test_final_attempt_fails_cleanly_and_pushes_avatar_failed(user, backend, django_capture_on_commit_callbacks):
    backend(FlakyBackend([AIError("The AI provider failed (500).")]))
    avatar_request = pending(user)
    with django_capture_on_commit_callbacks(execute=True):
        avatars.generate(avatar_request.pk, final_attempt=True)
    avatar_request.refresh_from_db()
    assert avatar_request.status == "failed"
    notification = Notification.objects.get(user=user)
    assert (notification.type, notification.payload["reason"]) == ("avatar.failed", "The AI provider failed (500).")
    assert not CommunityProfile.objects.get(user=user).avatar


def test_content_policy_refusal_fails_without_retry(user, backend):
    backend(FlakyBackend([AIRefused("refused by policy")]))
    avatar_request = pending(user)
    avatars.generate(avatar_request.pk, final_attempt=False)
    avatar_request.refresh_from_db()
    assert avatar_request.status == "failed"


def _image(fmt, size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        _image("GIF"),
        _image("BMP"),
        _image("PNG", (5000, 10)),
    ],
)
def test_bad_image_bytes_fail_the_request(user, backend, data):
    class Bad(DummyAIBackend):
        def generate_image(self, *, prompt):
            return data

    backend(Bad())
    avatar_request = pending(user)
    avatars.generate(avatar_request.pk, final_attempt=False)
    avatar_request.refresh_from_db()
    assert avatar_request.status == "failed"
    assert not default_storage.exists("profiles") or default_storage.listdir("profiles")[1] == []


@override_settings(MAX_IMAGE_UPLOAD_BYTES=100)
def test_oversized_images_fail(user):
    avatar_request = pending(user)
    avatars.generate(avatar_request.pk, final_attempt=True)
    avatar_request.refresh_from_db()
    assert avatar_request.status == "failed"


@pytest.mark.parametrize("data", [_image("JPEG"), _image("WEBP")])
def test_jpeg_and_webp_are_accepted(user, backend, data):
    class Other(DummyAIBackend):
        def generate_image(self, *, prompt):
            return data

    backend(Other())
    avatar_request = avatars.generate(pending(user).pk)
    assert avatar_request.status == "ready"
    assert avatar_request.image.endswith((".jpg", ".webp"))


def test_running_the_job_twice_draws_once(user, django_capture_on_commit_callbacks):
    avatar_request = pending(user)
    with django_capture_on_commit_callbacks(execute=True):
        avatars.generate(avatar_request.pk)
        avatars.generate(avatar_request.pk)
    assert Notification.objects.filter(type="avatar.ready").count() == 1


def test_sweep_fails_requests_stuck_in_pending(user, django_capture_on_commit_callbacks):
    stuck = pending(user)
    AvatarRequest.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    fresh = pending(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert avatars.fail_stuck_requests() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert (stuck.status, fresh.status) == ("failed", "pending")
    assert Notification.objects.get(user=user).type == "avatar.failed"


def test_avatar_loop_end_to_end_on_the_socket(user, django_capture_on_commit_callbacks):
    """POST the quiz; the job runs (immediate Huey); avatar.ready arrives on the member's open socket."""
    session = session_cookie(user)
    client = APIClient()
    client.force_authenticate(user)

    def ask():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, GOOD, format="json")
        return response, CommunityProfile.objects.get(user=user).avatar.name

    async def body():
        ws = communicator(session=session)
        assert (await ws.connect())[0]
        response, avatar = await sync_to_async(ask)()
        assert response.status_code == 202
        message = await ws.receive_json_from(timeout=5)
        await ws.disconnect()
        return message, avatar

    # No queries after the socket: channels closes "old" connections around its database calls.
    message, avatar = async_to_sync(body)()
    assert message["type"] == "avatar.ready"
    assert avatar and message["url"] == f"http://testserver/media/{avatar}"


def test_generated_image_is_stored_re_encoded(user, backend):
    """What the provider returns is decoded and written again: metadata and appended bytes are not stored."""
    buffer = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "provider-secret")
    Image.new("RGB", (64, 64), (1, 2, 3)).save(buffer, format="PNG", pnginfo=info)
    data = buffer.getvalue() + b"appended payload"

    class Other(DummyAIBackend):
        def generate_image(self, *, prompt):
            return data

    backend(Other())
    avatar_request = avatars.generate(pending(user).pk)
    assert avatar_request.status == "ready"
    with default_storage.open(avatar_request.image) as f:
        stored = f.read()
    assert b"provider-secret" not in stored and b"appended payload" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (64, 64)
