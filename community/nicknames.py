"""Nickname rules (api.md): 2–16 characters of letters, digits, Hangul or '_', unique ignoring case."""

import re

from bidangil.errors import InvalidInput

from .models import CommunityProfile

NICKNAME_RE = re.compile(r"^[A-Za-z0-9_\uac00-\ud7a3\u3131-\u318e]{2,16}$")
RESERVED = frozenset(
    {
        "admin",
        "administrator",
        "staff",
        "bidangil",
        "moderator",
        "support",
        "help",
        "root",
        "system",
        "null",
        "none",
        "anonymous",
        "me",
        "api",
        "official",
        "운영자",
        "관리자",
        "비단길",
    }
)


# What a closed member's posts and comments show as author. The space keeps anyone from taking it
# (NICKNAME_RE has none); the profile's key becomes `closed_key(user_id)`, which no nickname can match.
CLOSED_MEMBER_NICKNAME = "탈퇴한 회원"


def closed_key(user_id: int) -> str:
    return f"~{user_id}"


def nickname_key(nickname: str) -> str:
    return nickname.casefold()


def nickname_problem(nickname: str, *, exclude_user_id: int | None = None) -> str | None:
    """Why a nickname cannot be used, or None when it is free."""
    if not NICKNAME_RE.match(nickname or ""):
        return "Use 2–16 letters, digits, Hangul or underscores."
    if nickname_key(nickname) in RESERVED:
        return "This nickname is reserved."
    taken = CommunityProfile.objects.filter(nickname_key=nickname_key(nickname))
    if exclude_user_id is not None:
        taken = taken.exclude(user_id=exclude_user_id)
    if taken.exists():
        return "This nickname is already taken."
    return None


def validate_nickname(nickname: str, *, exclude_user_id: int | None = None) -> str:
    problem = nickname_problem(nickname, exclude_user_id=exclude_user_id)
    if problem:
        raise InvalidInput(problem, code="invalid_nickname", fields={"nickname": [problem]})
    return nickname
