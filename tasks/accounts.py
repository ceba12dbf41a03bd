"""Account housekeeping: expired email codes are deleted once a day."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from accounts.services import purge_stale_codes


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_email_codes() -> None:
    purge_stale_codes()
