"""Reads of the order conversation, with authors and images loaded up front."""

from django.db.models import Prefetch, QuerySet

from bidangil.errors import NotFound
from commerce.conversations.models import OrderMessage, OrderMessageImage, ReplyTemplate
from commerce.orders.models import Order


def conversation_order(number: str, *, customer=None) -> Order:
    """The order a conversation belongs to (its id and number only): the customer's own, or any for staff.
    Someone else's order is a 404, never a 403."""
    orders = Order.objects.only("pk", "number", "user_id").filter(number=number)
    order = (orders.filter(user=customer) if customer is not None else orders).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def order_messages(order_id: int) -> QuerySet[OrderMessage]:
    """The order's messages, oldest first: two queries whatever their number."""
    return (
        OrderMessage.objects.filter(order_id=order_id)
        .select_related("author")
        .prefetch_related(Prefetch("images", OrderMessageImage.objects.all()))
    )


def reply_templates() -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.all()
