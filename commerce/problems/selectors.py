"""Reads of item problems, with their items loaded up front."""

from django.db.models import QuerySet

from commerce.problems.models import ItemProblem


def order_problems(order_id: int) -> QuerySet[ItemProblem]:
    """The order's item problems, oldest first: one query whatever their number."""
    return ItemProblem.objects.filter(order_id=order_id).select_related("item")
