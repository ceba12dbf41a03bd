from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from accounts.models import CodeLockout, EmailCode, User
from accounts.services import purge_unverified_accounts
from community.models import CommunityProfile
from tasks.accounts import purge_email_codes, purge_unverified_signups
from tests.accounts.factories import UserFactory
from tests.commerce.factories import requested_order

pytestmark = pytest.mark.django_db


def make_code(expired_ago: timedelta) -> EmailCode:
    return EmailCode.objects.create(
        email="a@example.com", purpose="signup", code_hash="x", expires_at=timezone.now() - expired_ago
    )


def test_daily_job_deletes_codes_expired_over_a_day_ago():
    stale = make_code(timedelta(days=2))
    recent = make_code(timedelta(hours=1))
    live = make_code(-timedelta(minutes=5))

    purge_email_codes.call_local()
    purge_email_codes.call_local()  # safe to run twice

    remaining = set(EmailCode.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, live.pk}
    assert stale.pk not in remaining


# --- Sign-ups never verified ------------------------------------------------------------------


def unverified(email: str, *, days_old: float, nickname: str, **fields) -> User:
    user = UserFactory(email=email, is_active=False, email_verified_at=None, profile__nickname=nickname, **fields)
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days_old))
    return user


def test_unverified_sign_ups_are_purged_after_seven_days_with_their_nickname(signup):
    stale = unverified("stale@example.com", days_old=7.1, nickname="squatted")
    fresh = unverified("fresh@example.com", days_old=6.9, nickname="waiting")
    verified = UserFactory(email="member@example.com", profile__nickname="member")
    User.objects.filter(pk=verified.pk).update(date_joined=timezone.now() - timedelta(days=30))

    purge_unverified_signups.call_local()
    purge_unverified_signups.call_local()  # safe to run twice

    assert set(User.objects.values_list("pk", flat=True)) == {fresh.pk, verified.pk}
    assert not CommunityProfile.objects.filter(user_id=stale.pk).exists()
    # The address and the nickname are free again.
    assert signup(email="stale@example.com", nickname="squatted").status_code == 201


def test_the_purge_age_is_a_setting(settings):
    settings.UNVERIFIED_ACCOUNT_MAX_AGE_DAYS = 2
    unverified("stale@example.com", days_old=2.5, nickname="squatted")

    assert purge_unverified_accounts() == 1
    assert not User.objects.exists()


def test_the_purge_spares_staff_superusers_and_customers_with_orders():
    staff = unverified("staff@example.com", days_old=30, nickname="desk", is_staff=True)
    root = unverified("root@example.com", days_old=30, nickname="rooted", is_superuser=True)
    customer = unverified("customer@example.com", days_old=30, nickname="buyer")
    requested_order(customer)
    # createsuperuser and hand-made staff accounts are active but never verified by email.
    hand_made = UserFactory(email="ops@example.com", email_verified_at=None, profile__nickname="ops")
    User.objects.filter(pk=hand_made.pk).update(date_joined=timezone.now() - timedelta(days=30))

    assert purge_unverified_accounts() == 0
    assert User.objects.count() == 4 and {staff, root, customer, hand_made} == set(User.objects.all())


def test_the_purge_job_is_scheduled_daily():
    def due(hour, minute):
        return [t.name for t in HUEY.read_periodic(datetime(2026, 1, 1, hour, minute))]

    assert "accounts.purge-unverified-signups" in due(3, 27)
    assert "accounts.purge-unverified-signups" not in due(4, 27)


def test_idle_wrong_guess_counts_are_forgotten_after_a_day():
    old = timezone.now() - timedelta(days=2)
    idle = CodeLockout.objects.create(email="idle@example.com", failures=3)
    lock_over = CodeLockout.objects.create(email="over@example.com", failures=5, locked_until=old)
    locked = CodeLockout.objects.create(
        email="locked@example.com", failures=10, locked_until=timezone.now() + timedelta(hours=1)
    )
    recent = CodeLockout.objects.create(email="recent@example.com", failures=2)
    CodeLockout.objects.filter(pk__in=[idle.pk, lock_over.pk, locked.pk]).update(updated_at=old)

    purge_email_codes.call_local()

    assert set(CodeLockout.objects.values_list("pk", flat=True)) == {locked.pk, recent.pk}
