from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import EmailCode
from tasks.accounts import purge_email_codes

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
