from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from commerce import services


@db_periodic_task(crontab(minute="*/5"))
@lock_task("expire-checkouts")
def expire_checkouts() -> int:
    """Mark Checkout sessions past their expiry (the provider's own `expired` event may be late or lost)."""
    return services.expire_stale_checkouts()
