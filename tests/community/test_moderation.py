import pytest
from django.test import Client
from rest_framework.test import APIClient

from community import services
from community.models import Comment, PostPage, Report
from tests.accounts.factories import EditorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_report_once_per_member_and_target(user_client, post):
    url = f"/api/v1/posts/{post.slug}/report/"
    first = user_client.post(url, {"reason": "spam"})
    assert first.status_code == 201 and first.json()["status"] == "open"
    again = user_client.post(url, {"reason": "spam again"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_reported"
    assert user_client.post(url, {"reason": ""}).status_code == 400
    comment = services.add_comment(author=post.author, post=post, body="buy my stuff")
    assert user_client.post(f"/api/v1/comments/{comment.pk}/report/", {"reason": "ad"}).status_code == 201
    assert user_client.post(f"/api/v1/comments/{comment.pk}/report/", {"reason": "ad"}).status_code == 409
    assert Report.objects.count() == 2


def test_hidden_post_disappears_except_for_author_and_moderators(client_for, user_client, post):
    editor = EditorFactory()
    services.set_post_hidden(actor=editor, post=post, hidden=True)
    assert APIClient().get(f"/api/v1/posts/{post.slug}/").status_code == 404
    assert user_client.get(f"/api/v1/posts/{post.slug}/").status_code == 404
    assert user_client.get(f"/api/v1/posts/{post.slug}/comments/").status_code == 404
    assert client_for(post.author).get(f"/api/v1/posts/{post.slug}/").json()["is_hidden"] is True
    assert client_for(editor).get(f"/api/v1/posts/{post.slug}/").status_code == 200

    # Liking, commenting on or reporting a hidden post: 404, nothing written.
    like = user_client.post(f"/api/v1/posts/{post.slug}/like/")
    assert like.status_code == 404 and like.json()["error"]["code"] == "not_found"
    assert user_client.post(f"/api/v1/posts/{post.slug}/comments/", {"body": "hi"}).status_code == 404
    assert user_client.post(f"/api/v1/posts/{post.slug}/report/", {"reason": "x"}).status_code == 404
    assert not post.likes.exists() and not Comment.objects.exists()

    services.set_post_hidden(actor=editor, post=post, hidden=False)
    assert APIClient().get(f"/api/v1/posts/{post.slug}/").status_code == 200


def test_hidden_comment_is_removed_or_tombstoned(client_for, user_client, post):
    editor = EditorFactory()
    rude = services.add_comment(author=user_client.user, post=post, body="rude")
    services.add_comment(author=post.author, post=post, body="please be nice", parent_id=rude.pk)
    lonely = services.add_comment(author=user_client.user, post=post, body="spam")
    services.set_comment_hidden(actor=editor, comment=rude, hidden=True)
    services.set_comment_hidden(actor=editor, comment=lonely, hidden=True)

    public = APIClient().get(f"/api/v1/posts/{post.slug}/comments/").json()["results"]
    assert len(public) == 1 and public[0]["deleted"] is True and public[0]["body"] == ""
    assert public[0]["children"][0]["body"] == "please be nice"
    assert APIClient().get(f"/api/v1/posts/{post.slug}/").json()["comment_count"] == 1

    mine = user_client.get(f"/api/v1/posts/{post.slug}/comments/").json()["results"]
    assert {c["body"] for c in mine} == {"rude", "spam"}
    assert client_for(UserFactory()).post(f"/api/v1/comments/{lonely.pk}/like/").status_code == 404


def test_banned_member_gets_403_everywhere(user_client, post):
    editor = EditorFactory()
    services.set_member_banned(actor=editor, user=user_client.user, banned=True)
    comment = services.add_comment(author=post.author, post=post, body="hello")
    assert user_client.post("/api/v1/posts/", {"category": "review", "title": "x", "rating": 5}).status_code == 403
    assert user_client.post(f"/api/v1/posts/{post.slug}/comments/", {"body": "hi"}).status_code == 403
    assert user_client.post(f"/api/v1/posts/{post.slug}/like/").status_code == 403
    assert user_client.post(f"/api/v1/comments/{comment.pk}/like/").status_code == 403
    assert user_client.post(f"/api/v1/posts/{post.slug}/report/", {"reason": "x"}).status_code == 403
    assert user_client.get("/api/v1/posts/").status_code == 200  # reading stays open


def test_members_cannot_moderate(user, post):
    from bidangil.errors import Forbidden

    with pytest.raises(Forbidden):
        services.set_post_hidden(actor=user, post=post, hidden=True)
    with pytest.raises(Forbidden):
        services.set_member_banned(actor=user, user=post.author, banned=True)


@pytest.fixture
def editor_browser():
    editor = EditorFactory()
    browser = Client()
    browser.force_login(editor)
    return browser


def test_reports_admin_view_lists_and_acts(editor_browser, user, post):
    report = services.report(reporter=user, post=post, reason="looks like spam")
    page = editor_browser.get("/admin/community/reports/")
    assert page.status_code == 200
    assert "looks like spam" in page.content.decode() and "Free desk" in page.content.decode()

    response = editor_browser.post(f"/admin/community/reports/{report.pk}/hide/")
    assert response.status_code == 302
    assert PostPage.objects.get(pk=post.pk).is_hidden
    report.refresh_from_db()
    assert report.status == Report.Status.ACTIONED and report.handled_by is not None

    editor_browser.post(f"/admin/community/reports/{report.pk}/unhide/")
    assert not PostPage.objects.get(pk=post.pk).is_hidden

    editor_browser.post(f"/admin/community/reports/{report.pk}/ban/")
    post.author.profile.refresh_from_db()
    assert post.author.profile.is_banned
    editor_browser.post(f"/admin/community/reports/{report.pk}/unban/")
    post.author.profile.refresh_from_db()
    assert not post.author.profile.is_banned

    comment = services.add_comment(author=post.author, post=post, body="meh")
    other = services.report(reporter=user, comment=comment, reason="rude")
    editor_browser.post(f"/admin/community/reports/{other.pk}/dismiss/")
    other.refresh_from_db()
    assert other.status == Report.Status.DISMISSED
    assert not Comment.objects.get(pk=comment.pk).is_hidden
    assert "rude" in editor_browser.get("/admin/community/reports/?status=dismissed").content.decode()


def test_reports_admin_view_is_for_moderators_only(user, post):
    staff = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    browser = Client()
    browser.force_login(staff)
    assert browser.get("/admin/community/reports/").status_code == 403
    report = services.report(reporter=user, post=post, reason="x")
    assert browser.post(f"/admin/community/reports/{report.pk}/hide/").status_code == 403
    assert not PostPage.objects.get(pk=post.pk).is_hidden


def test_hiding_survives_a_later_publish_by_an_editor(post):
    from tests.community.factories import ModeratorFactory

    editor = ModeratorFactory()
    services.set_post_hidden(actor=editor, post=post, hidden=True)
    page = PostPage.objects.get(pk=post.pk).specific
    page.title = "Edited by editor"
    page.save_revision(user=editor).publish(user=editor)
    assert PostPage.objects.get(pk=post.pk).is_hidden
