"""Warehouse storage: a daily reminder to customers whose parcel waits for its delivery payment."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from commerce.shipping import services


@db_periodic_task(crontab(minute="15", hour="*"))
def storage_reminders() -> int | None:
    """Hourly: remind once per STORAGE_REMINDER_DAYS about parcels waiting for their delivery fee."""
    return services.send_storage_reminders()
