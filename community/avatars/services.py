"""AI avatars: the quiz (fixed choices), requesting a generation, and the generation itself.

Only the species and the fixed personality tags of the chosen answers reach the image prompt:
members never type anything that is sent to the provider.
"""

import io
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bidangil import claims, jobs, page_cache
from bidangil.absolute import absolute_url
from bidangil.errors import DomainError, InvalidInput, RateLimited
from bidangil.images import CleanImage, ImageRefused, ImageTooLarge, clean_image, open_bounded
from community import error_codes
from community.avatars.models import AvatarRequest
from community.models import CommunityProfile
from integrations.ai import AIError
from integrations.backends import get_backend
from notifications.models import Notification
from notifications.services import notify

logger = logging.getLogger(__name__)

SPECIES = [
    ("human", "Human", "사람"),
    ("robot", "Robot", "로봇"),
    ("bear", "Bear", "곰"),
    ("unicorn", "Unicorn", "유니콘"),
    ("dung_beetle", "Dung beetle", "쇠똥구리"),
    ("alien", "Alien", "외계인"),
    ("penguin", "Penguin", "펭귄"),
    ("dragon", "Dragon", "드래곤"),
    ("panda", "Panda", "판다"),
]

# (question en, question ko, [(answer en, answer ko, tag en, tag ko) x 4])
QUESTIONS = [
    (
        "A free weekend with no plans. You…",
        "오랜만에 아무 약속 없는 주말이 생겼다. 당신은?",
        [
            ("Stay home and rest", "집에서 푹 쉰다", "introvert, recharges by resting", "내향·휴식형"),
            (
                "Go out and find something to do",
                "일단 밖으로 나가 할 거리를 찾는다",
                "spontaneous adventurer",
                "즉흥·모험형",
            ),
            ("Call friends to hang out", "친구들에게 연락해 같이 논다", "sociable and friendly", "사교·친화형"),
            ("Follow the plan you made", "미리 정리해 둔 계획을 실행한다", "organised planner", "체계·계획형"),
        ],
    ),
    (
        "A friend suggests a surprise trip tomorrow morning. You…",
        "친구가 내일 아침 깜짝 여행을 가자고 한다. 당신은?",
        [
            ("Pack right away", "바로 짐을 싼다", "acts at once", "즉시행동형"),
            ("Hesitate, then go", "망설이다 결국 따라간다", "careful", "신중형"),
            ("Decline: too sudden", "너무 갑작스러워 거절한다", "stability seeker", "안정지향형"),
            ("Weigh distance and cost first", "거리와 비용을 따져 보고 정한다", "realist", "현실분석형"),
        ],
    ),
    (
        "At a reunion you get the microphone for two minutes. You…",
        "동창회에서 갑자기 마이크가 넘어왔다. 당신은?",
        [
            ("Tell a funny story with a lesson", "재미있는 이야기로 웃기고 울린다", "storyteller", "스토리텔러형"),
            ("Show a few slides of facts", "사실 위주의 슬라이드로 근황을 보고한다", "data presenter", "데이터전달형"),
            ("Say three keywords and pass it on", "키워드 세 개만 던지고 넘긴다", "bold and brief", "상남자형"),
            ("Blush and ask to go later", "얼굴이 빨개져 순서를 미룬다", "shy", "소심형"),
        ],
    ),
    (
        "Homework: a video of your day, due tomorrow. You…",
        "'나의 하루' 영상 과제, 내일까지다. 당신은?",
        [
            ("Script every shot first", "장면과 음악을 미리 짜고 촬영한다", "perfectionist", "완벽주의형"),
            ("Film the day as a vlog", "하루를 브이로그처럼 찍어 편집한다", "vlogger", "브이로그러버형"),
            ("Split the day with friends", "친구들과 나눠 찍어 합친다", "team player", "팀플레이어형"),
            (
                "Add bold effects at the last minute",
                "마감 직전 효과로 임팩트 있게 완성한다",
                "goes for impact",
                "임팩트속성형",
            ),
        ],
    ),
]

SPECIES_KEYS = [key for key, _english, _korean in SPECIES]
MAX_PER_DAY = 3
STUCK_AFTER = timedelta(minutes=15)
# Runs of one request (Huey's retries, then the sweep's) before it fails.
MAX_ATTEMPTS = 4
MAX_IMAGE_SIDE = 4096
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP")

PROMPT = (
    "A cute chibi-style avatar character, centred, full face visible, soft pastel colours, clean outlines, "
    "plain transparent background, no text, no letters, no watermark. species: {species}. personality: {tags}."
)


def choices() -> dict:
    """The quiz, for clients to render: 9 species and 4 questions of 4 answers, labels in English and Korean."""
    return {
        "species": [{"value": key, "en": en, "ko": ko} for key, en, ko in SPECIES],
        "questions": [
            {
                "index": number,
                "en": q_en,
                "ko": q_ko,
                "answers": [
                    {"value": value, "en": en, "ko": ko, "tag": {"en": tag_en, "ko": tag_ko}}
                    for value, (en, ko, tag_en, tag_ko) in enumerate(answers)
                ],
            }
            for number, (q_en, q_ko, answers) in enumerate(QUESTIONS)
        ],
    }


def validate_answers(species, answers) -> list[int]:
    fields = {}
    if species not in SPECIES_KEYS:
        fields["species"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(SPECIES_KEYS)}]
    if (
        not isinstance(answers, list)
        or len(answers) != len(QUESTIONS)
        or any(not isinstance(a, int) or isinstance(a, bool) or not 0 <= a <= 3 for a in answers)
    ):
        fields["answers"] = [_("Send four answers, each an integer from 0 to 3.")]
    if fields:
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields)
    return list(answers)


def build_prompt(species: str, answers: list[int]) -> str:
    tags = [QUESTIONS[i][2][answer][2] for i, answer in enumerate(answers)]
    return PROMPT.format(species=species, tags=", ".join(tags))


def request_avatar(*, user, species, answers) -> AvatarRequest:
    """Queue a generation: one in flight per member (409) and at most 3 a day, failures not counted (429)."""
    answers = validate_answers(species, answers)
    with transaction.atomic():
        # Locking the profile row serialises concurrent requests of one member.
        profile = CommunityProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise DomainError(_("Create your community profile first."), code=error_codes.NO_PROFILE)
        mine = AvatarRequest.objects.filter(user=user)
        if mine.filter(status=AvatarRequest.Status.PENDING).exists():
            raise DomainError(_("An avatar is already being drawn for you."), code=error_codes.AVATAR_IN_PROGRESS)
        since = timezone.now() - timedelta(days=1)
        if mine.filter(created_at__gte=since).exclude(status=AvatarRequest.Status.FAILED).count() >= MAX_PER_DAY:
            raise RateLimited(_("At most %(max_per_day)s avatars a day.") % {"max_per_day": MAX_PER_DAY})
        avatar_request = AvatarRequest.objects.create(user=user, species=species, answers=answers)
        jobs.enqueue_on_commit("avatars.generate", avatar_request.pk)
    return avatar_request


def checked_image(data: bytes) -> CleanImage:
    """Image bytes within our limits, re-encoded without metadata; AIError (not retried) otherwise."""
    if not data or len(data) > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise AIError("The generated image is empty or too large.", retryable=False)
    unexpected = AIError("The generated image has an unexpected format or size.", retryable=False)
    try:
        with open_bounded(io.BytesIO(data), IMAGE_FORMATS) as probe:  # the size as drawn, from the header
            if max(probe.size) > MAX_IMAGE_SIDE:
                raise unexpected
        return clean_image(data, IMAGE_FORMATS)  # stored at most MAX_STORED_EDGE wide
    except ImageTooLarge as exc:
        raise unexpected from exc
    except (ImageRefused, OSError, SyntaxError, ValueError, EOFError) as exc:  # refused, or a header Pillow rejects
        raise AIError("The generated file is not a readable image.", retryable=False) from exc


@jobs.retry(times=3, delay=10, backoff=3)  # provider hiccups: after 10 s, 30 s, 90 s
def generate(request_id: int, *, final_attempt: bool = True) -> AvatarRequest | None:
    """Draw the avatar of a pending request, store it and set it on the profile; push avatar.ready.

    Safe to run twice (returns early unless the request is pending and unclaimed). A retryable provider
    error is re-raised for the job to retry unless this is the final attempt; otherwise the request fails
    cleanly and avatar.failed is pushed.
    """
    pending = AvatarRequest.objects.filter(pk=request_id, status=AvatarRequest.Status.PENDING)
    token = claims.take(pending, seconds=settings.JOB_CLAIM_SECONDS)
    if token is None:
        return None
    mine = claims.held(pending, token)
    avatar_request = mine.get()
    try:
        data = get_backend("ai").generate_image(prompt=build_prompt(avatar_request.species, avatar_request.answers))
        image = checked_image(data)
    except AIError as exc:
        if exc.retryable and not final_attempt and avatar_request.attempts < MAX_ATTEMPTS:
            logger.warning("avatar %s: %s (will retry)", request_id, exc)
            claims.release(mine, token)
            raise
        return fail(request_id, str(exc))
    except Exception:
        claims.release(mine, token)
        raise
    name = default_storage.save(f"profiles/{uuid.uuid4().hex}.{image.extension}", ContentFile(image.content))
    with transaction.atomic():
        locked = AvatarRequest.objects.select_for_update().filter(pk=request_id).first()
        if locked is None or locked.status != AvatarRequest.Status.PENDING:
            default_storage.delete(name)  # the sweep failed it meanwhile; keep the profile as it is
            return locked
        locked.status, locked.image, locked.finished_at = AvatarRequest.Status.READY, name, timezone.now()
        locked.save(update_fields=["status", "image", "finished_at"])
        # A narrow UPDATE so edits of the rest of the profile are never overwritten.
        CommunityProfile.objects.filter(user_id=locked.user_id).update(avatar=name)
        page_cache.changed()  # the feed shows authors' avatars
        notify(
            locked.user_id,
            Notification.Type.AVATAR_READY,
            {"url": absolute_url(default_storage.url(name)), "job": locked.pk},
        )
    return locked


def fail(request_id: int, reason) -> AvatarRequest | None:
    """Mark a pending request failed and tell the member; no-op for requests already finished.

    `reason` is the provider's message, or a lazy text of ours that the member reads in their language."""
    reason = (reason[:200] if isinstance(reason, str) else reason) or _lazy("The avatar could not be drawn.")
    with transaction.atomic():
        avatar_request = AvatarRequest.objects.select_for_update().filter(pk=request_id).first()
        if avatar_request is None or avatar_request.status != AvatarRequest.Status.PENDING:
            return avatar_request
        avatar_request.status = AvatarRequest.Status.FAILED
        avatar_request.failure_reason = str(reason)[:200]
        avatar_request.finished_at = timezone.now()
        avatar_request.save(update_fields=["status", "failure_reason", "finished_at"])
        notify(avatar_request.user_id, Notification.Type.AVATAR_FAILED, {"reason": reason, "job": avatar_request.pk})
    return avatar_request


def fail_stuck_requests(now=None) -> int:
    """Fail requests pending for too long (a worker died mid-job), so nobody waits on a stuck 'pending'."""
    cutoff = (now or timezone.now()) - STUCK_AFTER
    stuck = AvatarRequest.objects.filter(status=AvatarRequest.Status.PENDING, created_at__lt=cutoff)
    return sum(
        1 for pk in stuck.values_list("pk", flat=True) if fail(pk, _lazy("The avatar took too long; try again."))
    )


@jobs.pending("avatars", job="avatars.generate")
def stalled_request_ids(now=None) -> list[int]:
    """Fail requests stuck too long or out of attempts; return the pending ones whose job died, to run again."""
    now = now or timezone.now()
    fail_stuck_requests(now)
    stalled = claims.stalled(
        AvatarRequest.objects.filter(status=AvatarRequest.Status.PENDING),
        now,
    )
    for pk in stalled.filter(attempts__gte=MAX_ATTEMPTS).values_list("pk", flat=True):
        fail(pk, _lazy("The avatar could not be drawn; try again."))
    return list(stalled.values_list("pk", flat=True))


def latest(user) -> dict:
    """What GET /me/avatar/ shows: the latest request's status and the profile's current avatar URL."""
    avatar_request = AvatarRequest.objects.filter(user=user).first()
    profile = CommunityProfile.objects.filter(user=user).only("avatar").first()
    url = absolute_url(profile.avatar.url) if profile and profile.avatar else None
    return {
        "status": avatar_request.status if avatar_request else "none",
        "job": avatar_request.pk if avatar_request else None,
        # Our own reasons are stored in English and read in the member's language; a provider's stay as they came.
        "reason": _(avatar_request.failure_reason) if avatar_request and avatar_request.failure_reason else "",
        "url": url,
    }
