from huey.contrib.djhuey import db_task

from notifications import delivery


@db_task(retries=3, retry_delay=30)
def send_notification_email(notification_id: int) -> None:
    delivery.send_email_for(notification_id)
