"""`manage.py rebuild_counts`: recount the per-status order counts the staff order list reads."""

from django.core.management.base import BaseCommand

from commerce.orders.models import OrderStatusCount
from commerce.orders.services import rebuild_order_counts


class Command(BaseCommand):
    help = "Recount the orders in each status (after a bulk load or a restore; the services keep them otherwise)."

    def handle(self, *args, **options):
        rebuild_order_counts()
        counts = OrderStatusCount.objects.filter(count__gt=0).order_by("status")
        self.stdout.write(", ".join(f"{row.status}: {row.count}" for row in counts) or "no orders")
