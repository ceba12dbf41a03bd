"""Item problems after payment. Staff report that a paid item is unavailable or its price changed; the customer
chooses an alternative product, a refund of the item, or cancelling the order with a refund of what was paid.
Without an answer by the deadline, settings.ITEM_PROBLEM_DEFAULT applies.

Each step locks the order, writes the problem, appends an ITEM_PROBLEM / ITEM_PROBLEM_ANSWERED event and posts the
news to the order conversation (pushed, and emailed when the recipient has no socket open). Refunds go through
`commerce.payments.services.refund_order`, in the same transaction: a refused refund writes nothing.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bidangil import jobs
from bidangil.errors import Conflict, DomainError, InvalidInput, NotFound
from bidangil.leases import leased
from bidangil.money import format_usd_cents
from commerce import error_codes
from commerce.conversations.services import post_message
from commerce.orders.models import Order, OrderEvent
from commerce.orders.services import lock_order, record_event
from commerce.payments.services import refund_order
from commerce.problems.models import ItemProblem

logger = logging.getLogger(__name__)

# What an alternative product resets on the item (its name is looked up again).
ALTERNATIVE_FIELDS = ("url", "name", "name_status", "name_attempts", "name_claim_token", "name_claimed_until")

# The order is paid and staff have not finished buying.
OPEN_STATUS = Order.Status.ITEMS_PAID


def _customer_language(order: Order) -> str:
    return order.user.language or settings.LANGUAGE_CODE


def _item_label(item) -> str:
    return item.name or _("Item %(number)s") % {"number": item.position + 1}


def item_paid_cents(order: Order, item) -> int:
    """What the customer paid for the item: its line of the frozen quote (USD cents); 0 for an item not charged."""
    return sum(line["amount_cents"] for line in order.quote_lines if line.get("item_id") == item.pk)


def open_item_problem(
    *, order_id: int, actor, item_id: int, kind: str, new_price_krw: int | None = None, note: str = ""
) -> ItemProblem:
    """Report a problem with a paid item (only while the order is items paid) and ask the customer to choose."""
    if kind not in ItemProblem.Kind.values:
        raise InvalidInput(_("Unknown problem kind."), fields={"kind": [_("Choose unavailable or price_changed.")]})
    if kind == ItemProblem.Kind.PRICE_CHANGED and not new_price_krw:
        message = _("Give the new price in KRW.")
        raise InvalidInput(message, fields={"new_price_krw": [message]})
    if kind == ItemProblem.Kind.UNAVAILABLE:
        new_price_krw = None
    with transaction.atomic():
        order = lock_order(order_id, "user")
        item = order.items.filter(pk=item_id).first()
        if item is None:
            message = _("No such item on this order.")
            raise InvalidInput(message, fields={"item": [message]})
        order.require_status(OPEN_STATUS)
        if item.problems.filter(status=ItemProblem.Status.OPEN).exists():
            raise Conflict(_("This item already has an open problem."), code=error_codes.ORDER_CONFLICT)
        problem = ItemProblem.objects.create(
            order=order,
            item=item,
            kind=kind,
            new_price_krw=new_price_krw,
            note=(note or "").strip()[:1000],
            deadline=timezone.now() + timedelta(hours=settings.ITEM_PROBLEM_ANSWER_HOURS),
            opened_by=actor,
        )
        record_event(
            order,
            OrderEvent.Kind.ITEM_PROBLEM,
            actor=actor,
            data={"problem": problem.pk, "item": item.pk, "kind": kind, "new_price_krw": new_price_krw},
        )
        with translation.override(_customer_language(order)):
            if kind == ItemProblem.Kind.UNAVAILABLE:
                body = _("%(item)s is no longer available.") % {"item": _item_label(item)}
            else:
                body = _("The price of %(item)s changed from %(old)s KRW to %(new)s KRW.") % {
                    "item": _item_label(item),
                    "old": item.unit_price_krw,
                    "new": new_price_krw,
                }
            body += " " + _(
                "Please choose by %(deadline)s: an alternative product (send its link), a refund of this item, or "
                "cancelling the order with a refund. Without an answer we will %(default)s."
            ) % {
                "deadline": timezone.localtime(problem.deadline).strftime("%Y-%m-%d %H:%M %Z"),
                "default": ItemProblem.Choice(settings.ITEM_PROBLEM_DEFAULT).label.lower(),
            }
            if problem.note:
                body += "\n\n" + problem.note
        post_message(order_id=order.pk, author=actor, body=body, from_staff=True)
    return problem


def _apply_choice(problem: ItemProblem, order: Order, *, choice: str, actor, url: str = "", status: str) -> None:
    item = problem.item
    reason = _("%(item)s: %(problem)s") % {"item": _item_label(item), "problem": problem.get_kind_display()}
    if choice == ItemProblem.Choice.ALTERNATIVE:
        item.url = url
        item.name, item.name_status, item.name_attempts = "", item.NameStatus.PENDING, 0
        item.name_claim_token, item.name_claimed_until = "", None
        item.save(update_fields=[*ALTERNATIVE_FIELDS])
        jobs.enqueue_on_commit("products.item-names", order.pk)  # the alternative's name, looked up again
    elif choice == ItemProblem.Choice.REFUND_ITEM:
        amount = item_paid_cents(order, item)
        if amount <= 0:
            raise Conflict(_("Nothing was paid for this item."), code=error_codes.ORDER_CONFLICT)
        refund_order(order_id=order.pk, actor=actor, reason=reason, amount_cents=amount)
        problem.refund_cents = amount
    else:
        refund_order(order_id=order.pk, actor=actor, reason=reason)
    problem.status = status
    problem.choice = choice
    problem.alternative_url = url
    problem.answered_at = timezone.now()
    problem.save(update_fields=["status", "choice", "alternative_url", "refund_cents", "answered_at"])
    record_event(
        order,
        OrderEvent.Kind.ITEM_PROBLEM_ANSWERED,
        actor=actor,
        data={
            "problem": problem.pk,
            "item": item.pk,
            "choice": choice,
            "status": status,
            "refund_cents": problem.refund_cents,
        },
    )


def _choice_text(problem: ItemProblem) -> str:
    label = _item_label(problem.item)
    if problem.choice == ItemProblem.Choice.ALTERNATIVE:
        return _("For %(item)s, please buy this alternative instead: %(url)s") % {
            "item": label,
            "url": problem.alternative_url,
        }
    if problem.choice == ItemProblem.Choice.REFUND_ITEM:
        return _("For %(item)s, please refund the item (%(amount)s).") % {
            "item": label,
            "amount": format_usd_cents(problem.refund_cents),
        }
    return _("Because of %(item)s, please cancel the order and refund what I paid.") % {"item": label}


def _lock_open_problem(order: Order, problem_id: int) -> ItemProblem:
    problem = ItemProblem.objects.select_for_update().select_related("item").filter(pk=problem_id, order=order).first()
    if problem is None:
        raise NotFound(_("No such item problem on this order."))
    if problem.status != ItemProblem.Status.OPEN:
        raise Conflict(_("This item problem has already been answered."), code=error_codes.PROBLEM_ANSWERED)
    return problem


def answer_item_problem(*, order_id: int, problem_id: int, customer, choice: str, url: str = "") -> ItemProblem:
    """The customer's choice for an open problem of their order, before its deadline."""
    url = (url or "").strip()
    if choice not in ItemProblem.Choice.values:
        raise InvalidInput(_("Unknown choice."), fields={"choice": [_("Choose alternative, refund_item or cancel.")]})
    if (choice == ItemProblem.Choice.ALTERNATIVE) != bool(url):
        message = _("Give the alternative product's link with the alternative choice, and only then.")
        raise InvalidInput(message, fields={"url": [message]})
    with transaction.atomic():
        order = lock_order(order_id)
        if order.user_id != customer.pk:
            raise NotFound(_("No such order."))
        problem = _lock_open_problem(order, problem_id)
        if problem.deadline <= timezone.now():
            raise Conflict(
                _("The time to answer has passed; the default choice applies."),
                code=error_codes.PROBLEM_DEADLINE_PASSED,
            )
        _apply_choice(problem, order, choice=choice, actor=customer, url=url, status=ItemProblem.Status.ANSWERED)
        post_message(order_id=order.pk, author=customer, body=_choice_text(problem), from_staff=False)
    return problem


@leased("commerce.item-problem-defaults")
def apply_item_problem_defaults(*, now=None) -> int | None:
    """Apply settings.ITEM_PROBLEM_DEFAULT to every open problem past its deadline. Each problem is re-read under
    its order's lock and skipped once it is no longer open, so overlapping or repeated runs apply it once. A refund
    the provider refuses leaves the problem open for staff (logged). Returns how many defaults were applied; runs
    under the `commerce.item-problem-defaults` lease (None while another run holds it)."""
    now = now or timezone.now()
    due = ItemProblem.objects.filter(status=ItemProblem.Status.OPEN, deadline__lte=now).values_list("pk", "order_id")
    applied = 0
    for problem_id, order_id in list(due):
        try:
            with transaction.atomic():
                order = lock_order(order_id, "user")
                try:
                    problem = _lock_open_problem(order, problem_id)
                except Conflict:
                    continue  # answered meanwhile
                _apply_choice(
                    problem,
                    order,
                    choice=settings.ITEM_PROBLEM_DEFAULT,
                    actor=None,
                    status=ItemProblem.Status.DEFAULTED,
                )
                with translation.override(_customer_language(order)):
                    body = _("We did not hear from you in time, so we applied the default: %(choice)s") % {
                        "choice": _choice_text(problem)
                    }
                post_message(order_id=order.pk, author=None, body=body, from_staff=True)
        except DomainError:
            logger.exception("Could not apply the default of item problem %s", problem_id)
            continue
        applied += 1
    return applied
