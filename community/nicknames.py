"""Nickname rules (api.md): 2–16 characters of letters, digits, Hangul or '_', unique ignoring case.

Nicknames are compared and stored NFKC-normalised, so fullwidth or styled letters (ａｄｍｉｎ, 𝐚𝐝𝐦𝐢𝐧) are the
plain ones; invisible, format and filler characters are refused; and so is anything that reads like a
reserved word once case, underscores and look-alike characters (0/o, 1/l/i, rn/m…) are set aside.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from bidangil.errors import InvalidInput
from community import error_codes

from . import limits
from .models import CommunityProfile

NICKNAME_RE = re.compile(
    rf"[A-Za-z0-9_\uac00-\ud7a3\u3131-\u318e]{{{limits.NICKNAME_MIN_LENGTH},{limits.NICKNAME_MAX_LENGTH}}}"
)
# Hangul compatibility jamo (ㅋㅋ) stay as typed: NFKC would turn them into conjoining jamo, or compose ㄱㅏ into 가.
_OUTSIDE_COMPAT_JAMO = re.compile(r"[^\u3131-\u318e]+")
# Blank-looking letters: Hangul fillers (compatibility, conjoining, halfwidth), braille blank, Mongolian separator.
FILLERS = frozenset("\u3164\u115f\u1160\uffa0\u2800\u180e")
# Categories that draw nothing: controls, format characters (zero-width, bidi), separators, unassigned, private use.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
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
# Characters that pass for others in a nickname (after case folding), then letter pairs that do.
_LOOKALIKE_CHARS = str.maketrans("0123456789i", "olzeasbtbgl")
_LOOKALIKE_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))


def normalize_nickname(nickname: str) -> str:
    return _OUTSIDE_COMPAT_JAMO.sub(lambda run: unicodedata.normalize("NFKC", run.group()), nickname or "")


# What a closed member's posts and comments show as author. The space keeps anyone from taking it
# (NICKNAME_RE has none); the profile's key becomes `closed_key(user_id)`, which no nickname can match.
CLOSED_MEMBER_NICKNAME = "탈퇴한 회원"


def closed_key(user_id: int) -> str:
    return f"~{user_id}"


def nickname_key(nickname: str) -> str:
    return normalize_nickname(nickname).casefold()


def _skeleton(text: str) -> str:
    """What a nickname reads as: case-folded, without underscores, look-alike characters merged."""
    text = text.casefold().replace("_", "").translate(_LOOKALIKE_CHARS)
    for pair, letter in _LOOKALIKE_PAIRS:
        text = text.replace(pair, letter)
    return text


RESERVED_SKELETONS = frozenset(_skeleton(word) for word in RESERVED)


def _is_invisible(char: str) -> bool:
    return char in FILLERS or unicodedata.category(char) in INVISIBLE_CATEGORIES


def nickname_problem(nickname: str, *, exclude_user_id: int | None = None) -> str | None:
    """Why a nickname cannot be used, or None when it is free."""
    normalized = normalize_nickname(nickname)
    if any(_is_invisible(char) for char in normalized):
        return _("Nicknames cannot contain invisible, blank or formatting characters.")
    if not NICKNAME_RE.fullmatch(normalized):
        return _("Use 2–16 letters, digits, Hangul or underscores.")
    if _skeleton(normalized) in RESERVED_SKELETONS:
        return _("This nickname is reserved.")
    taken = CommunityProfile.objects.filter(nickname_key=nickname_key(normalized))
    if exclude_user_id is not None:
        taken = taken.exclude(user_id=exclude_user_id)
    if taken.exists():
        return _("This nickname is already taken.")
    return None


def validate_nickname(nickname: str, *, exclude_user_id: int | None = None) -> str:
    """The nickname in the form to store (NFKC); raises InvalidInput `invalid_nickname` when it can't be used."""
    problem = nickname_problem(nickname, exclude_user_id=exclude_user_id)
    if problem:
        raise InvalidInput(problem, code=error_codes.INVALID_NICKNAME, fields={"nickname": [problem]})
    return normalize_nickname(nickname)
