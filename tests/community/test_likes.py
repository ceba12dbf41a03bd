import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from community import services
from community.models import PostLike, ProfileLike
from tests.accounts.factories import UserFactory
from tests.community.factories import make_boards, make_post


@pytest.mark.django_db
def test_post_like_is_idempotent_and_counted(user_client, boards):
    post = make_post()
    url = f"/api/v1/posts/{post.slug}/like/"
    assert user_client.post(url).json() == {"liked": True, "like_count": 1}
    assert user_client.post(url).json() == {"liked": True, "like_count": 1}
    assert PostLike.objects.filter(post=post).count() == 1
    assert user_client.get(f"/api/v1/posts/{post.slug}/").json()["liked_by_me"] is True
    assert user_client.delete(url).json() == {"liked": False, "like_count": 0}
    assert user_client.delete(url).json() == {"liked": False, "like_count": 0}


@pytest.mark.django_db
def test_like_is_unique_at_the_database_level(boards):
    from django.db import IntegrityError, transaction

    post, user = make_post(), UserFactory()
    PostLike.objects.create(user=user, post=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostLike.objects.create(user=user, post=post)


@pytest.mark.django_db
def test_like_missing_post_is_404_and_anonymous_is_refused(api_client, user_client, boards):
    assert user_client.post("/api/v1/posts/nope/like/").status_code == 404
    post = make_post()
    assert api_client.post(f"/api/v1/posts/{post.slug}/like/").status_code in (401, 403)


@pytest.mark.django_db
def test_profile_like(user_client, boards):
    target = UserFactory(profile__nickname="Hana")
    url = "/api/v1/profiles/hana/like/"
    assert user_client.post(url).json() == {"liked": True, "like_count": 1}
    assert user_client.post(url).json() == {"liked": True, "like_count": 1}
    profile = user_client.get("/api/v1/profiles/HANA/").json()
    assert profile["like_count"] == 1 and profile["liked_by_me"] is True
    assert user_client.delete(url).json() == {"liked": False, "like_count": 0}
    own = user_client.post(f"/api/v1/profiles/{user_client.user.profile.nickname}/like/")
    assert own.status_code == 400
    assert not ProfileLike.objects.filter(profile=target.profile).exists()


@pytest.mark.django_db
def test_like_comment_and_report_rate_limits_are_429(user_client, boards, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    rates = {**ScopedRateThrottle.THROTTLE_RATES, "like": "3/min", "comment": "1/min", "report": "1/min"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    post = make_post()
    codes = [user_client.post(f"/api/v1/posts/{post.slug}/like/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    comments = [user_client.post(f"/api/v1/posts/{post.slug}/comments/", {"body": "hi"}).status_code for _ in range(2)]
    assert comments == [201, 429]
    other = make_post(title="Other")
    reports = [
        user_client.post(f"/api/v1/posts/{slug}/report/", {"reason": "spam"}).status_code
        for slug in (post.slug, other.slug)
    ]
    assert reports == [201, 429]


def _run_in_threads(jobs):
    errors = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # noqa: BLE001  collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_likes_are_counted_exactly(settings):
    if connection.vendor != "mysql":
        pytest.skip("needs MariaDB/MySQL (DATABASE_URL)")
    make_boards()
    post = make_post()
    members = [UserFactory() for _ in range(8)]

    def like(user):
        return lambda: services.set_post_like(user=user, post=post, liked=True)

    # Eight members at once, and the same member eight times at once.
    assert _run_in_threads([like(member) for member in members]) == []
    assert _run_in_threads([like(members[0]) for _ in range(8)]) == []
    assert PostLike.objects.filter(post=post).count() == 8
    client = APIClient()
    client.force_authenticate(members[0])
    assert client.post(f"/api/v1/posts/{post.slug}/like/").json() == {"liked": True, "like_count": 8}
