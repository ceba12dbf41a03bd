from huey import crontab

from commerce.payments import services as payments
from tasks.periodic import periodic


@periodic(crontab(minute="*/5"), name="payments.expire-checkouts")
def expire_checkouts() -> int | None:
    """Mark Checkout sessions past their expiry (the provider's own `expired` event may be late or lost)."""
    return payments.expire_stale_checkouts()
