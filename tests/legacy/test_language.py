"""The original client's paths in Korean and English, and the optional language of its profile update."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(("header", "message"), [("ko", "해당 게시글이 없습니다."), ("en", "No such post.")])
def test_legacy_errors_follow_accept_language(browser, header, message):
    response = browser.get("/api/post/no-such-post/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 404
    assert message in response.content.decode()


@pytest.mark.django_db
def test_legacy_profile_update_sets_the_language_and_keeps_working_without_it(member_browser, member):
    response = member_browser.post("/api/community/update_profile/", {"language": "ko"})
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.language == "ko"
    nickname = member.profile.nickname
    response = member_browser.post("/api/community/update_profile/", {"nickname": nickname + "2"})
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.language, member.profile.nickname) == ("ko", nickname + "2")


@pytest.mark.django_db
def test_legacy_profile_update_refuses_an_unknown_language_and_changes_nothing(member_browser, member):
    nickname = member.profile.nickname
    response = member_browser.post("/api/community/update_profile/", {"language": "jp", "nickname": "새닉네임"})
    assert response.status_code == 400
    member.refresh_from_db()
    assert (member.language, member.profile.nickname) == ("", nickname)
