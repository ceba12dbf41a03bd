import pytest
from rest_framework.test import APIClient

from community.models import Comment
from notifications.models import Notification
from tests.accounts.factories import EditorFactory, UserFactory
from tests.community.factories import make_post

pytestmark = pytest.mark.django_db


def comment(client, post, body, parent=None):
    data = {"body": body} if parent is None else {"body": body, "parent": parent}
    response = client.post(f"/api/v1/posts/{post.slug}/comments/", data)
    assert response.status_code == 201, response.json()
    return response.json()


def test_threaded_comments_with_depth_limit(user_client, post):
    root = comment(user_client, post, "root")
    reply = comment(user_client, post, "reply", root["id"])
    deep = comment(user_client, post, "deep", reply["id"])
    deeper = comment(user_client, post, "deeper", deep["id"])
    assert (root["depth"], reply["depth"], deep["depth"]) == (1, 2, 3)
    # A reply to a depth-3 comment stays on depth 3, under the same depth-2 ancestor.
    assert deeper["depth"] == 3 and deeper["parent"] == reply["id"]

    tree = APIClient().get(f"/api/v1/posts/{post.slug}/comments/").json()["results"]
    assert [c["body"] for c in tree] == ["root"]
    level2 = tree[0]["children"]
    assert [c["body"] for c in level2] == ["reply"]
    assert [c["body"] for c in level2[0]["children"]] == ["deep", "deeper"]
    assert tree[0]["author"]["nickname"] == user_client.user.profile.nickname


def test_parent_from_another_post_is_400_and_nothing_saved(user_client, post):
    other = make_post(post.author, "fun", "Other post", subcategory="chat")
    foreign = comment(user_client, other, "elsewhere")
    before = Comment.objects.count()
    for parent in (foreign["id"], 999999, "abc"):
        response = user_client.post(f"/api/v1/posts/{post.slug}/comments/", {"body": "x", "parent": parent})
        assert response.status_code == 400
        assert "parent" in response.json()["error"]["fields"]
    assert Comment.objects.count() == before


def test_empty_and_script_comment_bodies(user_client, post):
    assert user_client.post(f"/api/v1/posts/{post.slug}/comments/", {"body": ""}).status_code == 400
    assert user_client.post(f"/api/v1/posts/{post.slug}/comments/", {"body": "<script>x()</script>"}).status_code == 400
    created = comment(user_client, post, "<b>hi</b><script>alert(1)</script> a < b")
    assert created["body"] == "hi a < b"


def test_edit_and_delete_own_comment_with_tombstone(client_for, user_client, post):
    root = comment(user_client, post, "root")
    other = client_for(UserFactory())
    reply = comment(other, post, "reply", root["id"])

    assert other.patch(f"/api/v1/comments/{root['id']}/", {"body": "hacked"}).status_code == 403
    assert other.delete(f"/api/v1/comments/{root['id']}/").status_code == 403
    edited = user_client.patch(f"/api/v1/comments/{root['id']}/", {"body": "root (edited)"})
    assert edited.status_code == 200 and edited.json()["edited_at"]

    assert user_client.delete(f"/api/v1/comments/{root['id']}/").status_code == 204
    tree = APIClient().get(f"/api/v1/posts/{post.slug}/comments/").json()["results"]
    assert tree[0]["deleted"] is True and tree[0]["body"] == "" and tree[0]["author"] is None
    assert tree[0]["children"][0]["body"] == "reply"

    # Once the last reply goes, the tombstone goes too.
    assert other.delete(f"/api/v1/comments/{reply['id']}/").status_code == 204
    assert APIClient().get(f"/api/v1/posts/{post.slug}/comments/").json()["results"] == []
    assert not Comment.objects.filter(post=post).exists()


def test_comment_count_and_notifications(client_for, user_client, post):
    owner = client_for(post.author)
    root = comment(user_client, post, "first")
    assert Notification.objects.filter(user=post.author, type="comment.created").count() == 1
    note = Notification.objects.get(user=post.author)
    assert note.payload["post"] == post.slug and note.payload["comment"] == root["id"]

    comment(owner, post, "thanks", root["id"])  # own post: only the replied-to member hears about it
    assert Notification.objects.filter(user=post.author).count() == 1
    assert Notification.objects.filter(user=user_client.user, type="comment.created").count() == 1

    comment(user_client, post, "self reply", root["id"])  # never notified about your own comment
    assert Notification.objects.filter(user=user_client.user).count() == 1


def test_comment_like_is_idempotent(client_for, user_client, post):
    root = comment(client_for(post.author), post, "like me")
    url = f"/api/v1/comments/{root['id']}/like/"
    assert user_client.post(url).json() == {"liked": True, "like_count": 1}
    assert user_client.post(url).json() == {"liked": True, "like_count": 1}
    tree = user_client.get(f"/api/v1/posts/{post.slug}/comments/").json()["results"]
    assert tree[0]["like_count"] == 1 and tree[0]["liked_by_me"] is True
    assert user_client.delete(url).json() == {"liked": False, "like_count": 0}
    assert user_client.delete(url).json() == {"liked": False, "like_count": 0}


def test_moderator_can_delete_any_comment(client_for, user_client, post):
    root = comment(user_client, post, "rude")
    assert client_for(EditorFactory()).delete(f"/api/v1/comments/{root['id']}/").status_code == 204
