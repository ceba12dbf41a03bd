import pytest
from rest_framework.test import APIClient

from community import services
from tests.accounts.factories import UserFactory
from tests.community.factories import make_post

pytestmark = pytest.mark.django_db


def test_public_profile_with_counts(api_client, boards):
    member = UserFactory(profile__nickname="Seoyeon", profile__region_state="CA", profile__region_county="Orange")
    member.profile.bio = "Loves snacks"
    member.profile.save()
    post = make_post(member, "review", "Good", rating=4)
    make_post(member, "share", "Desk")
    fan = UserFactory()
    services.set_post_like(user=fan, post=post, liked=True)
    services.set_profile_like(user=fan, profile=member.profile, liked=True)
    body = api_client.get("/api/v1/profiles/seoyeon/").json()
    assert body == {
        "nickname": "Seoyeon",
        "avatar": None,
        "region": "Orange, CA",
        "bio": "Loves snacks",
        "post_count": 2,
        "like_count": 1,
        "likes_received": 1,
        "liked_by_me": False,
    }
    assert api_client.get("/api/v1/profiles/nobody/").status_code == 404


def test_my_profile_get_and_patch(user_client):
    body = user_client.get("/api/v1/me/profile/").json()
    assert body["nickname"] == user_client.user.profile.nickname
    response = user_client.patch(
        "/api/v1/me/profile/", {"nickname": "새이름", "state": "NY", "county": "Queens", "bio": "<b>Hi</b>"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["nickname"] == "새이름"
    assert response.json()["region"] == "Queens, NY"
    assert response.json()["bio"] == "Hi"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nickname": "a"}, "nickname"),
        ({"nickname": "admin"}, "nickname"),
        ({"nickname": "bad name!"}, "nickname"),
        ({"nickname": "TAKEN"}, "nickname"),
        ({"state": "ZZ", "county": "Queens"}, "state"),
        ({"state": "CA", "county": "Queens"}, "county"),
        ({"county": "Queens"}, "state"),
    ],
)
def test_bad_profile_input_is_400_and_nothing_changes(user_client, data, field):
    UserFactory(profile__nickname="taken")
    before = user_client.get("/api/v1/me/profile/").json()
    response = user_client.patch("/api/v1/me/profile/", data)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert user_client.get("/api/v1/me/profile/").json() == before


def test_nickname_check_is_public(api_client, user_client):
    UserFactory(profile__nickname="Taken")
    assert api_client.get("/api/v1/nicknames/check/?nickname=fresh_name").json() == {"available": True, "reason": ""}
    taken = api_client.get("/api/v1/nicknames/check/?nickname=taken").json()
    assert taken["available"] is False and "taken" in taken["reason"]
    assert api_client.get("/api/v1/nicknames/check/?nickname=운영자").json()["available"] is False
    assert api_client.get("/api/v1/nicknames/check/").json()["available"] is False
    mine = user_client.user.profile.nickname
    assert user_client.get(f"/api/v1/nicknames/check/?nickname={mine}").json()["available"] is True


def test_regions_list(api_client):
    body = api_client.get("/api/v1/regions/").json()["results"]
    ca = next(state for state in body if state["code"] == "CA")
    assert "Los Angeles" in ca["counties"] and len(body) == 20


def test_review_stats(api_client, boards):
    assert api_client.get("/api/v1/reviews/stats/").json() == {
        "count": 0,
        "average": None,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
    }
    for rating in (5, 5, 4, 1):
        make_post(category="review", title=f"r{rating}", rating=rating)
    hidden = make_post(category="review", title="hidden", rating=1)
    from tests.accounts.factories import EditorFactory

    services.set_post_hidden(actor=EditorFactory(), post=hidden, hidden=True)
    make_post(category="share", title="not a review")
    assert APIClient().get("/api/v1/reviews/stats/").json() == {
        "count": 4,
        "average": 3.75,
        "distribution": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 2},
    }


def test_verified_purchase_needs_own_delivered_order(user_client, boards):
    from django.utils import timezone

    from commerce.orders.models import ExchangeRate, Order

    rate = ExchangeRate.objects.create(krw_per_usd="1380", source="test", captured_at=timezone.now())

    def order(user, number, status):
        return Order.objects.create(number=number, user=user, status=status, shipping_address={}, exchange_rate=rate)

    order(user_client.user, "BD-1", Order.Status.DELIVERED)
    order(user_client.user, "BD-2", Order.Status.SHIPPED)
    order(UserFactory(), "BD-3", Order.Status.DELIVERED)
    for number in ("BD-2", "BD-3"):
        response = user_client.post(
            "/api/v1/posts/", {"category": "review", "title": "x", "rating": 5, "order": number}
        )
        assert response.status_code == 400 and "order" in response.json()["error"]["fields"]
    response = user_client.post("/api/v1/posts/", {"category": "review", "title": "x", "rating": 5, "order": "BD-1"})
    assert response.status_code == 201
    assert user_client.get(f"/api/v1/posts/{response.json()['slug']}/").json()["verified_purchase"] is True
