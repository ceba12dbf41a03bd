from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import Notification


def inbox(user) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each part."""
    return (
        Notification.objects.filter(user=user)
        .annotate(
            read_rank=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("read_rank", "-created_at", "-pk")
    )


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
