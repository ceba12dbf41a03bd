from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from commerce.payments import services as payments


@db_periodic_task(crontab(minute="*/5"))
def expire_checkouts() -> int | None:
    """Mark Checkout sessions past their expiry (the provider's own `expired` event may be late or lost)."""
    return payments.expire_stale_checkouts()
