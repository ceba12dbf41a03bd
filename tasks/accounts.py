"""Account housekeeping, once a day: expired email codes, and sign-ups never verified."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from accounts.services import purge_stale_codes, purge_unverified_accounts


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_email_codes() -> None:
    purge_stale_codes()


@db_periodic_task(crontab(minute="27", hour="3"))
def purge_unverified_signups() -> None:
    purge_unverified_accounts()
