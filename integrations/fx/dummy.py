from django.conf import settings
from django.utils import timezone

from . import Rate


class FixedRateBackend:
    """The rate configured in EXCHANGE_RATE_KRW_PER_USD."""

    def current(self) -> Rate:
        return Rate(krw_per_usd=settings.EXCHANGE_RATE_KRW_PER_USD, source="fixed", captured_at=timezone.now())
