from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from commerce.orders import services

from .leases import leased


@db_periodic_task(crontab(minute="*/5"))
@leased("payments.expire-checkouts")
def expire_checkouts() -> int | None:
    """Mark Checkout sessions past their expiry (the provider's own `expired` event may be late or lost)."""
    return services.expire_stale_checkouts()
