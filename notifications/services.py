from django.db import transaction

from .models import Notification
from .push import push_to_user


def notify(user_id: int, type: str, payload: dict, *, email: bool = False) -> Notification:
    """Store a notification and push it to every open socket of the user once the transaction commits.

    With `email=True` the user's email/SMS preferences are honoured by a Huey job.
    """
    notification = Notification.objects.create(user_id=user_id, type=type, payload=payload)
    message = notification.as_message()
    transaction.on_commit(lambda: push_to_user(user_id, message))
    if email:
        from tasks.notifications import send_notification_email

        transaction.on_commit(lambda: send_notification_email(notification.pk))
    return notification
