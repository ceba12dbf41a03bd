"""Account housekeeping, once a day: expired email codes, and sign-ups never verified."""

from huey import crontab

from accounts.services import purge_stale_codes, purge_unverified_accounts
from tasks.periodic import periodic


@periodic(crontab(minute="17", hour="3"), name="accounts.purge-email-codes")
def purge_email_codes() -> None:
    purge_stale_codes()


@periodic(crontab(minute="27", hour="3"), name="accounts.purge-unverified-signups")
def purge_unverified_signups() -> None:
    purge_unverified_accounts()
