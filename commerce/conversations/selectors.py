"""Reads of the order conversation, with authors and images loaded up front."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bidangil.errors import NotFound
from commerce.conversations.models import OrderMessage, OrderMessageImage, ReplyTemplate
from commerce.orders.models import Order


def conversation_order(number: str, *, customer=None) -> Order:
    """The order a conversation belongs to (its id and number only): the customer's own, or any for staff.
    Someone else's order is a 404, never a 403."""
    orders = Order.objects.only("pk", "number", "user_id").filter(number=number)
    order = (orders.filter(user=customer) if customer is not None else orders).first()
    if order is None:
        raise NotFound(_("No such order."))
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


def _unread(*, from_staff: bool) -> QuerySet[OrderMessage]:
    return OrderMessage.objects.filter(order=OuterRef("pk"), from_staff=from_staff, read_at__isnull=True)


def with_unread_messages(orders: QuerySet[Order], *, for_staff: bool) -> QuerySet[Order]:
    """`unread_messages`: for the customer, staff messages they have not read; for staff, the customer's.
    A subquery, so no join multiplies the other annotations (the item count)."""
    count = _unread(from_staff=not for_staff).order_by().values("order").annotate(n=Count("pk")).values("n")
    return orders.annotate(unread_messages=Coalesce(Subquery(count, output_field=IntegerField()), 0))


def unanswered_q() -> Q:
    """Orders with customer messages no staff member has read: they wait on staff."""
    return Q(Exists(_unread(from_staff=False)))
