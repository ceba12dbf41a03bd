"""Warehouse storage: a daily reminder to customers whose parcel waits for its delivery payment."""

from huey import crontab

from commerce.shipping import services
from tasks.periodic import periodic


@periodic(crontab(minute="15", hour="*"), name="shipping.storage-reminders")
def storage_reminders() -> int | None:
    """Hourly: remind once per STORAGE_REMINDER_DAYS about parcels waiting for their delivery fee."""
    return services.send_storage_reminders()
