"""Nicknames are NFKC-normalised and refuse invisible, format and filler characters and reserved look-alikes."""

import pytest

from community.models import CommunityProfile
from tests.accounts.conftest import STRONG_PASSWORD
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def check(client, nickname):
    return client.get("/api/v1/nicknames/check/", {"nickname": nickname}).json()


def signup(client, nickname, email="new@example.com"):
    body = {"email": email, "password": STRONG_PASSWORD, "nickname": nickname}
    return client.post("/api/v1/auth/signup/", body, format="json")


@pytest.mark.parametrize(
    "nickname",
    [
        "\u3164\u3164",  # Hangul filler: a nickname that shows as blank
        "jiwoo\u3164",
        "\uffa0\uffa0",  # halfwidth Hangul filler
        "ji\u200bwoo",  # zero-width space
        "ji\u200dwoo",  # zero-width joiner
        "jiwoo\u202e",  # right-to-left override
        "ji\u00adwoo",  # soft hyphen
        "jiwoo\u2800",  # braille blank
    ],
)
def test_invisible_format_and_filler_characters_are_refused(api_client, nickname):
    answer = check(api_client, nickname)
    assert answer["available"] is False
    assert "invisible" in answer["reason"] or "Use 2–16" in answer["reason"]

    response = signup(api_client, nickname)
    assert response.status_code == 400
    assert "nickname" in response.json()["error"]["fields"]
    assert not CommunityProfile.objects.exists()


@pytest.mark.parametrize(
    "nickname",
    ["ADMIN", "Adm1n", "adrnin", "_admin_", "ａｄｍｉｎ", "𝐚𝐝𝐦𝐢𝐧", "0fficial", "officlal", "5taff", "suppor7"]
    + ["비단길", "n0ne"],
)
def test_look_alikes_of_reserved_words_are_refused(api_client, nickname):
    assert check(api_client, nickname) == {"available": False, "reason": "This nickname is reserved."}
    assert signup(api_client, nickname).status_code == 400


@pytest.mark.parametrize("nickname", ["jiwoo", "ㅋㅋㅋ", "민호_22", "admiral", "staffroom", "rooted"])
def test_ordinary_nicknames_are_kept_as_typed(api_client, nickname):
    assert check(api_client, nickname)["available"] is True
    assert signup(api_client, nickname).status_code == 201
    assert CommunityProfile.objects.get().nickname == nickname


def test_fullwidth_and_styled_letters_are_stored_plain_and_collide_with_plain(api_client, user_client):
    assert signup(api_client, "ｓｅｏｙｅｏｎ").status_code == 201
    assert CommunityProfile.objects.get(user__email="new@example.com").nickname == "seoyeon"

    assert check(api_client, "𝐒𝐞𝐨𝐲𝐞𝐨𝐧")["reason"] == "This nickname is already taken."
    response = user_client.patch("/api/v1/me/profile/", {"nickname": "Ｓｅｏｙｅｏｎ"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["nickname"] == ["This nickname is already taken."]


def test_profile_update_stores_the_normalised_nickname(user_client):
    response = user_client.patch("/api/v1/me/profile/", {"nickname": "ｎｅｗ＿ｎａｍｅ"}, format="json")

    assert response.status_code == 200, response.json()
    profile = CommunityProfile.objects.get(user=user_client.user)
    assert (profile.nickname, profile.nickname_key) == ("new_name", "new_name")


def test_a_nickname_made_of_hangul_jamo_is_not_composed(api_client):
    # NFKC alone would turn ㄱㅏ (two letters) into 가 and ㅋ into a conjoining jamo.
    UserFactory(profile__nickname="가나")
    assert check(api_client, "ㄱㅏㄴㅏ")["available"] is True
    assert signup(api_client, "ㄱㅏㄴㅏ").status_code == 201
    assert CommunityProfile.objects.get(user__email="new@example.com").nickname == "ㄱㅏㄴㅏ"
