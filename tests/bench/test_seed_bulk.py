"""manage.py seed_bulk: the benchmark dataset, at a tiny scale, with the counts asked for and valid rows."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F
from wagtail.models import Page

from accounts.models import User
from commerce.orders.models import Order, OrderEvent, OrderItem
from commerce.payments.models import Payment
from commerce.shipping.models import Shipment, ShipmentEvent
from community.models import Comment, CommentLike, CommunityIndexPage, PostLike, PostPage
from community.selectors import comments_for, feed

pytestmark = pytest.mark.django_db


def test_seed_bulk_builds_the_dataset_at_scale(api_client):
    out = io.StringIO()
    call_command("seed_bulk", scale=0.002, stdout=out)
    assert "Seeded: 10 users, 200 orders, 40 posts, 2000 comments, 2000 likes" in out.getvalue()

    assert User.objects.filter(email__startswith="seed-", profile__isnull=False).count() == 10
    assert Order.objects.count() == 200
    assert not Order.objects.filter(items__isnull=True).exists()
    assert OrderItem.objects.count() >= 200 and OrderEvent.objects.count() >= 200
    assert Payment.objects.count() == Order.objects.filter(status__in=["items_paid", "purchased", "delivery_quoted",
        "delivery_paid", "shipped", "delivered"]).count()  # fmt: skip
    assert Shipment.objects.count() == Order.objects.filter(status__in=["shipped", "delivered"]).count()
    assert ShipmentEvent.objects.count() >= 2 * Shipment.objects.count()
    assert Order.objects.dates("created_at", "month").count() > 1  # spread over the year, not all "now"

    assert Page.find_problems() == ([], [], [], [], [])
    assert PostPage.objects.count() == 40
    for board in CommunityIndexPage.objects.all():
        assert board.get_children().count() == board.numchild
    assert Comment.objects.count() == 2000 and Comment.objects.filter(parent__isnull=False).exists()
    assert not Comment.objects.exclude(parent__isnull=True).exclude(parent__post=F("post")).exists()
    assert PostLike.objects.count() + CommentLike.objects.count() == 2000

    # The pages are whole pages: the feed, the detail and Wagtail's own API read them.
    posts = list(feed(None).order_by("-first_published_at")[:5])
    assert len(posts) == 5 and all(p.comment_count >= 0 for p in posts)
    assert comments_for(None, posts[0]) is not None
    response = api_client.get(f"/api/v1/posts/{posts[0].slug}/")
    assert response.status_code == 200, response.content
    assert api_client.get("/api/cms/v2/pages/?type=community.ReviewPostPage").status_code == 200
    assert api_client.get(posts[0].url).status_code == 200

    # An order desk member, as the bench measures the staff endpoints.
    api_client.force_authenticate(User.objects.get(email__startswith="seed-", email__endswith="-staff@example.com"))
    response = api_client.get("/api/v1/staff/orders/?page_size=5")
    assert response.status_code == 200 and response.json()["count"] == 200


def test_seed_bulk_refuses_a_silly_scale():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_bulk", scale=0, stdout=io.StringIO())
