import io

import pytest

from community.models import Comment, CommunityIndexPage, PostLike, PostPage

pytestmark = pytest.mark.django_db


def test_demo_loads_boards_posts_comments_likes_and_is_idempotent(api_client):
    from accounts import demo as accounts_demo
    from community import demo

    out = io.StringIO()
    accounts_demo.load(out)
    demo.load(out)
    counts = (
        CommunityIndexPage.objects.count(),
        PostPage.objects.count(),
        Comment.objects.count(),
        PostLike.objects.count(),
    )
    assert counts[0] == 3 and counts[1] >= 6 and counts[2] > 0 and counts[3] == counts[1]
    demo.load(out)
    assert (
        CommunityIndexPage.objects.count(),
        PostPage.objects.count(),
        Comment.objects.count(),
        PostLike.objects.count(),
    ) == counts
    feed = api_client.get("/api/v1/posts/").json()["results"]
    assert {item["category"] for item in feed} == {"review", "share", "fun"}
    assert any(item["thumbnail"] for item in feed)
