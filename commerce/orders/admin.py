"""Staff screens in the Wagtail admin: one page per order and one form per action, each calling a service."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from bidangil.errors import DomainError
from commerce.orders import forms as admin_forms
from commerce.orders import selectors, services
from commerce.orders.models import Order
from commerce.orders.selectors import related_or_none
from commerce.payments.models import Payment


def order_staff_required(view):
    """Order staff and superusers only; editors and everyone else get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.is_order_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def order_actions(order: Order) -> list[dict]:
    """The buttons that make sense for the order's current status."""
    status = order.status
    candidates = [
        ("Approve quote", "commerce_order_quote", status == Order.Status.REQUESTED, "button"),
        ("Reject", "commerce_order_reject", status == Order.Status.REQUESTED, "button-secondary"),
        ("Mark purchased", "commerce_order_purchase", status == Order.Status.ITEMS_PAID, "button"),
        ("Record warehouse intake", "commerce_order_intake", status == Order.Status.PURCHASED, "button"),
        ("Enter tracking", "commerce_order_ship", status == Order.Status.DELIVERY_PAID, "button"),
        (
            "Cancel order",
            "commerce_order_cancel",
            status in (Order.Status.REQUESTED, Order.Status.QUOTED),
            "button-secondary no",
        ),
        ("Refund", "commerce_order_refund", status in selectors.REFUNDABLE_STATUSES, "button-secondary no"),
        ("Add staff note", "commerce_order_note", True, "button-secondary"),
        (
            f"Conversation ({order.unread_messages} unread)"
            if getattr(order, "unread_messages", 0)
            else "Conversation",
            "commerce_order_conversation",
            True,
            "button-secondary",
        ),
    ]
    return [
        {"label": label, "url": reverse(name, args=[order.pk]), "classes": classes}
        for label, name, applies, classes in candidates
        if applies
    ]


def order_context(order: Order) -> dict:
    """Everything the order page shows (used by the snippet and modeladmin inspect views too)."""
    from commerce.orders.steps import order_steps

    events = list(order.events.all())
    payments = list(order.payments.all())
    return {
        "order": order,
        "items": list(order.items.all()),
        "payments": payments,
        "flagged_payments": [p for p in payments if p.status == Payment.Status.FLAGGED],
        "carrier_exception": selectors.has_open_carrier_exception(order, events),
        "events": events,
        "steps": order_steps(order, events),
        "parcel": related_or_none(order, "parcel"),
        "shipment": related_or_none(order, "shipment"),
        "actions": order_actions(order),
        "totals": selectors.payment_totals(order),
    }


def _load(pk: int) -> Order:
    return get_object_or_404(selectors.detail_queryset(for_staff=True), pk=pk)


@order_staff_required
def order_screen(request, pk: int):
    order = _load(pk)
    context = {"page_title": f"Order {order.number}", "header_icon": "list-ul", **order_context(order)}
    return TemplateResponse(request, "commerce/admin/order_detail.html", context)


def action_view(
    form_class,
    title: str,
    perform,
    *,
    success: str,
    form_kwargs=None,
    statuses=None,
    extra=None,
    template: str = "commerce/admin/action_form.html",
):
    """A staff action screen on one order: the form, then `perform(order, user, form)`, one service call.

    With `statuses`, the form only opens for orders in one of them; `extra(order)` adds to the context.
    Every order action of the admin (quote to refund, intake, ship) is built here.
    """

    @order_staff_required
    def view(request, pk: int):
        order = _load(pk)
        if statuses and order.status not in statuses:
            # Items are only editable while quoting: a stale link must not show an editable form.
            messages.error(
                request,
                f"Order {order.number} is {order.get_status_display().lower()}: {title.lower()} is not possible.",
            )
            return redirect("commerce_order_screen", pk=order.pk)
        kwargs = form_kwargs(order) if form_kwargs else {}
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, **kwargs)
            if form.is_valid():
                try:
                    perform(order, request.user, form)
                except DomainError as exc:
                    messages.error(request, exc.message)  # nothing was changed
                else:
                    messages.success(request, success.format(number=order.number))
                    return redirect("commerce_order_screen", pk=order.pk)
            else:
                messages.error(request, "The form has errors; nothing was saved.")
        else:
            form = form_class(**kwargs)
        context = {
            "page_title": f"{title}: {order.number}",
            "header_icon": "list-ul",
            "title": title,
            "form": form,
            "order_url": reverse("commerce_order_screen", args=[order.pk]),
            **order_context(order),
            **(extra(order) if extra else {}),
        }
        return TemplateResponse(request, template, context)

    return view


def with_cleaned_data(service):
    """The action for forms whose cleaned data are exactly the service's keyword arguments."""
    return lambda order, user, form: service(order_id=order.pk, actor=user, **form.cleaned_data)


quote_view = action_view(
    admin_forms.QuoteForm,
    "Approve quote",
    lambda order, user, form: services.quote_order(order_id=order.pk, actor=user, **form.service_kwargs()),
    success="Quote sent for {number}.",
    form_kwargs=lambda order: {"order": order},
    statuses=(Order.Status.REQUESTED,),
    template="commerce/admin/quote_form.html",
)
reject_view = action_view(
    admin_forms.RejectForm,
    "Reject order",
    with_cleaned_data(services.reject_order),
    success="Order {number} rejected.",
)
purchase_view = action_view(
    admin_forms.PurchaseForm,
    "Mark purchased",
    with_cleaned_data(services.mark_purchased),
    success="Order {number} marked purchased.",
)
cancel_view = action_view(
    admin_forms.CancelForm,
    "Cancel order",
    with_cleaned_data(services.cancel_order),
    success="Order {number} cancelled.",
)
refund_view = action_view(
    admin_forms.RefundForm,
    "Refund",
    with_cleaned_data(services.refund_order),
    success="Refund recorded for {number}.",
)
note_view = action_view(
    admin_forms.NoteForm,
    "Add staff note",
    with_cleaned_data(services.add_staff_note),
    success="Note added to {number}.",
)
