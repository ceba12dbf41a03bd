"""Staff screens in the Wagtail admin: one page per order and one form per action, each calling a service;
and the one definition of the order list (columns, filters, search, row actions) that the Orders snippet and
the Order desk modeladmin both use."""

from datetime import timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bidangil.admin_desk import DeskPanel, DeskRow
from bidangil.admin_lists import ListColumn, ListFilter, field_column, flag_column, money_column
from bidangil.errors import DomainError
from commerce import selectors as order_pages
from commerce.conversations.selectors import with_unread_messages
from commerce.orders import forms as admin_forms
from commerce.orders import selectors, services
from commerce.orders.models import Order
from commerce.orders.selectors import related_or_none
from commerce.orders.steps import STEPS
from commerce.payments import services as payments
from commerce.payments.models import Payment
from commerce.payments.selectors import payment_totals
from commerce.problems import selectors as problem_selectors
from commerce.problems import services as problems
from commerce.problems.models import ItemProblem
from commerce.selectors import detail_queryset


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
        (_lazy("Approve quote"), "commerce_order_quote", status == Order.Status.REQUESTED, "button"),
        (_lazy("Reject"), "commerce_order_reject", status == Order.Status.REQUESTED, "button-secondary"),
        (_lazy("Mark purchased"), "commerce_order_purchase", status == Order.Status.ITEMS_PAID, "button"),
        (
            _lazy("Report item problem"),
            "commerce_order_item_problem",
            status == problems.OPEN_STATUS,
            "button-secondary",
        ),
        (_lazy("Record warehouse intake"), "commerce_order_intake", status == Order.Status.PURCHASED, "button"),
        (_lazy("Create label"), "commerce_order_label", status == Order.Status.DELIVERY_PAID, "button"),
        (_lazy("Enter tracking"), "commerce_order_ship", status == Order.Status.DELIVERY_PAID, "button-secondary"),
        (
            _lazy("Split parcel"),
            "commerce_order_split",
            bool(order.parcel and order.parcel.consolidated)
            and status in (Order.Status.PURCHASED, Order.Status.DELIVERY_QUOTED),
            "button-secondary",
        ),
        (
            _lazy("Cancel order"),
            "commerce_order_cancel",
            status in (Order.Status.REQUESTED, Order.Status.QUOTED),
            "button-secondary no",
        ),
        (
            _lazy("Customs papers"),
            "commerce_order_customs",
            bool(order.parcel and order.parcel.received_at),
            "button-secondary",
        ),
        (_lazy("Refund"), "commerce_order_refund", status in selectors.REFUNDABLE_STATUSES, "button-secondary no"),
        (_lazy("Add staff note"), "commerce_order_note", True, "button-secondary"),
        (
            _("Conversation (%(unread)s unread)") % {"unread": order.unread_messages}
            if order.unread_messages
            else _lazy("Conversation"),
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
        "totals": payment_totals(order),
        "item_problems": list(problem_selectors.order_problems(order.pk)),
    }


def load_order(pk: int) -> Order:
    return get_object_or_404(detail_queryset(for_staff=True), pk=pk)


@order_staff_required
def order_screen(request, pk: int):
    order = load_order(pk)
    context = {
        "page_title": _("Order %(number)s") % {"number": order.number},
        "header_icon": "list-ul",
        **order_context(order),
    }
    return TemplateResponse(request, "commerce/admin/order_detail.html", context)


def action_view(
    form_class,
    title: str,
    perform,
    *,
    success,
    form_kwargs=None,
    statuses=None,
    extra=None,
    template: str = "commerce/admin/action_form.html",
):
    """A staff action screen on one order: the form, then `perform(order, user, form)`, one service call.

    With `statuses`, the form only opens for orders in one of them; `extra(order)` adds to the context. `success` is
    a text with `{number}`, or a function of the order after the action giving the text.
    Every order action of the admin (quote to refund, intake, ship) is built here.
    """

    @order_staff_required
    def view(request, pk: int):
        order = load_order(pk)
        if statuses and order.status not in statuses:
            # Items are only editable while quoting: a stale link must not show an editable form.
            messages.error(
                request,
                _("Order %(number)s is %(status)s: %(action)s is not possible.")
                % {
                    "number": order.number,
                    "status": order.get_status_display().lower(),
                    "action": title.lower(),
                },
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
                    messages.success(
                        request, success(load_order(pk)) if callable(success) else success.format(number=order.number)
                    )
                    return redirect("commerce_order_screen", pk=order.pk)
            else:
                messages.error(request, _("The form has errors; nothing was saved."))
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
    _lazy("Approve quote"),
    lambda order, user, form: services.quote_order(order_id=order.pk, actor=user, **form.service_kwargs()),
    success=_lazy("Quote sent for {number}."),
    form_kwargs=lambda order: {"order": order},
    statuses=(Order.Status.REQUESTED,),
    template="commerce/admin/quote_form.html",
)
reject_view = action_view(
    admin_forms.RejectForm,
    _lazy("Reject order"),
    with_cleaned_data(services.reject_order),
    success=_lazy("Order {number} rejected."),
)
purchase_view = action_view(
    admin_forms.PurchaseForm,
    _lazy("Mark purchased"),
    with_cleaned_data(services.mark_purchased),
    success=_lazy("Order {number} marked purchased."),
)
cancel_view = action_view(
    admin_forms.CancelForm,
    _lazy("Cancel order"),
    with_cleaned_data(payments.cancel_order),
    success=_lazy("Order {number} cancelled."),
)
refund_view = action_view(
    admin_forms.RefundForm,
    _lazy("Refund"),
    with_cleaned_data(payments.refund_order),
    success=_lazy("Refund recorded for {number}."),
)


class ItemProblemForm(forms.Form):
    item = forms.TypedChoiceField(coerce=int, label=_lazy("Item"))
    kind = forms.ChoiceField(choices=ItemProblem.Kind.choices, label=_lazy("Problem"))
    new_price_krw = forms.IntegerField(
        min_value=1, required=False, label=_lazy("New unit price (KRW)"), help_text=_lazy("For a changed price.")
    )
    note = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea, help_text=_lazy("Added to the customer's message.")
    )

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(item.pk, f"{item.position + 1}. {item}") for item in order.items.all()]


item_problem_view = action_view(
    ItemProblemForm,
    _lazy("Report item problem"),
    lambda order, user, form: problems.open_item_problem(
        order_id=order.pk,
        actor=user,
        item_id=form.cleaned_data["item"],
        kind=form.cleaned_data["kind"],
        new_price_krw=form.cleaned_data["new_price_krw"],
        note=form.cleaned_data["note"],
    ),
    success=_lazy("The customer of {number} was asked to choose."),
    form_kwargs=lambda order: {"order": order},
    statuses=(problems.OPEN_STATUS,),
)
note_view = action_view(
    admin_forms.NoteForm,
    _lazy("Add staff note"),
    with_cleaned_data(services.add_staff_note),
    success=_lazy("Note added to {number}."),
)


# --- The order list, for both admin views -------------------------------------------------------------

CARRIER_ALERT = _lazy("Carrier exception")


def unread_label(order) -> str:
    """The list's Messages column: the customer's messages no staff member has read yet."""
    return _("%(unread)s unread") % {"unread": order.unread_messages} if order.unread_messages else ""


ORDER_COLUMNS = [
    field_column("user", _lazy("Customer")),
    field_column("status", _lazy("Status")),
    flag_column("alerts", _lazy("Alerts"), CARRIER_ALERT, lambda order: getattr(order, "carrier_exception", False)),
    ListColumn("unread", _lazy("Messages"), unread_label, sort_key="unread_messages"),
    money_column("total_cents", _lazy("Total")),
    field_column("created_at", _lazy("Requested")),
]
ORDER_SEARCH_FIELDS = ["number", "user__email", "parcel__shipment__tracking_number"]
ORDER_LIST_PER_PAGE = 50

# Step filter choices: 0 (not reviewed yet) and the five customer steps.
STEP_CHOICES = [("0", _lazy("0. Awaiting review"))] + [
    (str(number), format_lazy("{}. {}", number, label)) for number, _key, label, _kind in STEPS
]
REQUESTED_WITHIN = [
    ("1", _lazy("Today")),
    ("7", _lazy("Past 7 days")),
    ("30", _lazy("Past 30 days")),
    ("365", _lazy("Past year")),
]
ALERT_CHOICES = [
    ("carrier_exception", CARRIER_ALERT),
    ("flagged_payment", _lazy("Flagged payment")),
]


def _requested_within(queryset, value):
    return queryset.filter(created_at__gte=timezone.now() - timedelta(days=int(value)))


def _waiting(queryset, value):
    q = order_pages.waiting_on_staff_q()
    return queryset.filter(q) if value == "1" else queryset.exclude(q)


ORDER_FILTERS = [
    ListFilter("status", _lazy("Status"), Order.Status.choices, lambda queryset, value: queryset.filter(status=value)),
    ListFilter(
        "waiting", _lazy("Waiting on staff"), [("1", _lazy("Waiting on staff")), ("0", _lazy("Not waiting"))], _waiting
    ),
    ListFilter(
        "step",
        _lazy("Customer step"),
        STEP_CHOICES,
        lambda queryset, value: queryset.filter(selectors.step_q(int(value))),
    ),
    ListFilter(
        "alert",
        _lazy("Alert"),
        ALERT_CHOICES,
        lambda queryset, value: queryset.filter(order_pages.ORDER_ALERTS[value]()),
    ),
    ListFilter("requested", _lazy("Requested"), REQUESTED_WITHIN, _requested_within),
]


def order_list_queryset(queryset):
    """The list's rows: the customer, the carrier-exception badge and the unread messages come with them."""
    return with_unread_messages(selectors.with_carrier_alert(queryset.select_related("user")), for_staff=True)


# --- The Order staff's panel on the admin home ---------------------------------------------------------


def order_list_url(**query) -> str:
    return f"{reverse('wagtailsnippets_commerce_order:list')}?{urlencode(query)}"


def order_desk_panel() -> DeskPanel:
    """What waits on Order staff: orders by step, flagged payments, carrier exceptions, parcels left unpaid."""
    desk = order_pages.staff_desk()
    steps = dict(STEP_CHOICES)
    rows = [
        DeskRow(
            _("Waiting on staff at step %(step)s") % {"step": steps[str(step)]},
            count,
            order_list_url(waiting=1, step=step),
        )
        for step, count in desk.waiting_by_step.items()
    ]
    flagged_url = f"{reverse('wagtailsnippets_commerce_payment:list')}?{urlencode({'status': Payment.Status.FLAGGED})}"
    rows += [
        DeskRow(_("Flagged payments"), desk.flagged_payments, flagged_url),
        DeskRow(_("Carrier exceptions"), desk.carrier_exceptions, order_list_url(alert="carrier_exception")),
        DeskRow(
            _("Parcels waiting for the delivery fee over %(days)s days") % {"days": settings.STORAGE_REMINDER_DAYS},
            desk.parcels_unpaid,
            f"{reverse('commerce_parcel_modeladmin_index')}?stage=reminded",
        ),
    ]
    return DeskPanel("order-desk", _("Order desk: waiting on you"), rows, order=50)
