"""Staff screens in the Wagtail admin: one page per order and one form per action, each calling a service."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

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


def _optional_url(name: str, pk: int) -> str | None:
    """Actions served by other modules (warehouse intake, tracking) appear once their views exist."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


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
    ]
    actions = []
    for label, name, applies, classes in candidates:
        url = _optional_url(name, order.pk) if applies else None
        if url:
            actions.append({"label": label, "url": url, "classes": classes})
    return actions


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
    return get_object_or_404(selectors.detail_queryset(), pk=pk)


@order_staff_required
def order_screen(request, pk: int):
    order = _load(pk)
    context = {"page_title": f"Order {order.number}", "header_icon": "list-ul", **order_context(order)}
    return TemplateResponse(request, "commerce/admin/order_detail.html", context)


def _action_view(form_class, title: str, perform, *, success: str, form_kwargs=None, statuses=None):
    """An action screen; with `statuses`, the form only opens for orders in one of them."""

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
        extra = form_kwargs(order) if form_kwargs else {}
        form = form_class(request.POST if request.method == "POST" else None, **extra)
        if request.method == "POST" and form.is_valid():
            try:
                perform(order, request.user, form)
            except DomainError as exc:
                messages.error(request, exc.message)  # nothing was changed
            else:
                messages.success(request, success.format(number=order.number))
                return redirect("commerce_order_screen", pk=order.pk)
        context = {
            "page_title": f"{title}: {order.number}",
            "header_icon": "list-ul",
            "title": title,
            "form": form,
            **order_context(order),
        }
        template = (
            "commerce/admin/quote_form.html"
            if form_class is admin_forms.QuoteForm
            else "commerce/admin/action_form.html"
        )
        return TemplateResponse(request, template, context)

    return view


def _with_cleaned_data(service):
    """The action for forms whose cleaned data are exactly the service's keyword arguments."""
    return lambda order, user, form: service(order_id=order.pk, actor=user, **form.cleaned_data)


quote_view = _action_view(
    admin_forms.QuoteForm,
    "Approve quote",
    lambda order, user, form: services.quote_order(order_id=order.pk, actor=user, **form.service_kwargs()),
    success="Quote sent for {number}.",
    form_kwargs=lambda order: {"order": order},
    statuses=(Order.Status.REQUESTED,),
)
reject_view = _action_view(
    admin_forms.RejectForm,
    "Reject order",
    _with_cleaned_data(services.reject_order),
    success="Order {number} rejected.",
)
purchase_view = _action_view(
    admin_forms.PurchaseForm,
    "Mark purchased",
    _with_cleaned_data(services.mark_purchased),
    success="Order {number} marked purchased.",
)
cancel_view = _action_view(
    admin_forms.CancelForm,
    "Cancel order",
    _with_cleaned_data(services.cancel_order),
    success="Order {number} cancelled.",
)
refund_view = _action_view(
    admin_forms.RefundForm,
    "Refund",
    _with_cleaned_data(services.refund_order),
    success="Refund recorded for {number}.",
)
note_view = _action_view(
    admin_forms.NoteForm,
    "Add staff note",
    _with_cleaned_data(services.add_staff_note),
    success="Note added to {number}.",
)
