from huey.contrib.djhuey import db_task

from bidangil import jobs
from notifications import delivery


@jobs.register("notifications.send")
@db_task(**jobs.huey_retry(delivery.deliver))
def send_notification(notification_id: int) -> None:
    """Email / SMS fan-out of one stored notification; each channel is sent at most once."""
    delivery.deliver(notification_id)
