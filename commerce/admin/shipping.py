"""Wagtail admin for the warehouse desk: intake, split and ship forms for one order, and the delivery rate table.

Imported by commerce.wagtail_hooks; registers its own admin URLs (`commerce_order_intake`, `commerce_order_split`,
`commerce_order_ship`) and the DeliveryRate snippet. The forms call the same services as the API.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from bidangil.admin_lists import snippet_columns
from bidangil.errors import DomainError
from bidangil.money import UsdField, format_usd_cents
from commerce.admin.orders import action_view, load_order, order_staff_required, with_cleaned_data
from commerce.orders.models import HsCategory, Order
from commerce.shipping import selectors as parcel_selectors
from commerce.shipping import services as shipping
from commerce.shipping.invoice import invoice_response
from commerce.shipping.models import DeliveryRate, Shipment

# --- Forms ----------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; type, size and count are checked by the intake service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _side_field(label):
    return forms.DecimalField(
        label=label, max_digits=5, decimal_places=1, min_value=shipping.MIN_SIDE_CM, max_value=shipping.MAX_SIDE_CM
    )


class IntakeForm(forms.Form):
    weight_g = forms.IntegerField(label=_lazy("Actual weight (g)"), min_value=1, max_value=shipping.MAX_WEIGHT_G)
    length_cm = _side_field(_lazy("Length (cm)"))
    width_cm = _side_field(_lazy("Width (cm)"))
    height_cm = _side_field(_lazy("Height (cm)"))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=shipping.MAX_NOTES)
    photos = MultipleFileField(
        required=False,
        help_text=format_lazy(
            _lazy("Up to {count} JPEG, PNG or WebP photos of the parcel."), count=shipping.MAX_PHOTOS
        ),
    )


class SplitForm(forms.Form):
    """No fields: the screen lists the orders of the parcel and confirms."""


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(choices=Shipment.Carrier.choices, initial=Shipment.Carrier.FEDEX)
    tracking_number = forms.CharField(
        max_length=60, help_text=_lazy("FedEx: 12, 15, 20 or 22 digits, as on the label.")
    )


class LabelForm(forms.Form):
    """Nothing to type: the carrier books the measured parcel to its address and returns the label."""


def intake_message(order: Order) -> str:
    """What the desk is told after an intake: the fee and which source priced it (the carrier, or the rate table
    and why the carrier was not used)."""
    data = parcel_selectors.last_intake_data(order.pk)
    values = {"number": order.number, "fee": format_usd_cents(data.get("delivery_fee_cents"))}
    if data.get("fee_source") == shipping.FEE_FROM_CARRIER:
        return _("Parcel of %(number)s recorded; the carrier quoted the delivery fee of %(fee)s.") % values
    if data.get("carrier_error"):
        return _(
            "Parcel of %(number)s recorded; the carrier could not quote (%(error)s), so the rate table priced the "
            "delivery fee at %(fee)s."
        ) % {**values, "error": data["carrier_error"]}
    return _("Parcel of %(number)s recorded; the rate table priced the delivery fee at %(fee)s.") % values


# --- Views ----------------------------------------------------------------------------------------


def _rates_for(order: Order) -> dict:
    country = str((order.shipping_address or {}).get("country", "")).upper()
    return {"show_rates": True, "country": country, "rates": list(DeliveryRate.objects.filter(country=country))}


intake_view = action_view(
    IntakeForm,
    _lazy("Record warehouse intake"),
    with_cleaned_data(shipping.record_intake),
    success=intake_message,
    extra=_rates_for,
    template="commerce/admin/shipping_form.html",
)
split_view = action_view(
    SplitForm,
    "Split parcel",
    lambda order, user, form: shipping.split_parcel(parcel_id=order.parcel_id, actor=user),
    success="The parcel of {number} was split; each order waits for its own intake.",
)
ship_view = action_view(
    ShipForm,
    _lazy("Ship parcel"),
    with_cleaned_data(shipping.ship_order),
    success=_lazy("Order {number} shipped."),
    template="commerce/admin/shipping_form.html",
)


label_view = action_view(
    LabelForm,
    _lazy("Create label"),
    lambda order, user, form: shipping.create_label(parcel_id=order.parcel_id, actor=user),
    success=_lazy("Label created; the parcel of {number} is shipped."),
    statuses=(Order.Status.DELIVERY_PAID,),
    template="commerce/admin/shipping_form.html",
)


# --- Customs papers -------------------------------------------------------------------------------


class CustomsLineForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput)
    description = forms.CharField(max_length=shipping.MAX_CUSTOMS_DESCRIPTION)
    hs_code = forms.CharField(max_length=20, required=False)
    quantity = forms.IntegerField(min_value=1, max_value=shipping.MAX_CUSTOMS_QUANTITY)
    unit_value_cents = forms.IntegerField(
        label=_lazy("Unit value (USD cents)"), min_value=1, max_value=shipping.MAX_UNIT_VALUE_CENTS
    )


CustomsLineFormSet = forms.formset_factory(CustomsLineForm, extra=0)


def _customs_parcel(order: Order):
    if order.parcel is None or order.parcel.received_at is None:
        return None
    return shipping.customs_declaration(order.parcel_id)


@order_staff_required
def customs_view(request, pk: int):
    """The parcel's customs declaration: edit its lines (same service as the staff API), see the checks."""
    order = load_order(pk)
    parcel = _customs_parcel(order)
    if parcel is None:
        messages.error(request, _("Order %(number)s has no parcel recorded yet.") % {"number": order.number})
        return redirect("commerce_order_screen", pk=order.pk)
    initial = [
        {k: getattr(line, k) for k in ("id", "description", "hs_code", "quantity", "unit_value_cents")}
        for line in parcel.customs_lines.all()
    ]
    formset = CustomsLineFormSet(request.POST or None, initial=initial)
    if request.method == "POST":
        if formset.is_valid():
            try:
                parcel = shipping.update_customs_lines(
                    parcel_id=parcel.pk, actor=request.user, lines=[f.cleaned_data for f in formset.forms]
                )
            except DomainError as exc:
                messages.error(request, exc.message)  # nothing was changed
            else:
                messages.success(request, _("Customs lines saved."))
                return redirect("commerce_order_customs", pk=order.pk)
        else:
            messages.error(request, _("The form has errors; nothing was saved."))
    context = {
        "page_title": _("Customs papers: %(number)s") % {"number": order.number},
        "header_icon": "doc-full",
        "order": order,
        "parcel": parcel,
        "formset": formset,
        "check": shipping.check_customs(parcel),
    }
    return TemplateResponse(request, "commerce/admin/customs.html", context)


@order_staff_required
@require_safe
def customs_invoice_view(request, pk: int):
    parcel = _customs_parcel(load_order(pk))
    if parcel is None:
        raise Http404
    return invoice_response(parcel)


@hooks.register("register_admin_urls")
def shipping_admin_urls():
    return [
        path("orders/<int:pk>/intake/", intake_view, name="commerce_order_intake"),
        path("orders/<int:pk>/ship/", ship_view, name="commerce_order_ship"),
        path("orders/<int:pk>/label/", label_view, name="commerce_order_label"),
        path("orders/<int:pk>/split/", split_view, name="commerce_order_split"),
        path("orders/<int:pk>/customs/", customs_view, name="commerce_order_customs"),
        path("orders/<int:pk>/customs/invoice.pdf", customs_invoice_view, name="commerce_order_customs_invoice"),
    ]


# --- Delivery rate table --------------------------------------------------------------------------


class DeliveryRateForm(WagtailAdminModelForm):
    price_cents = UsdField(label="Price (USD)", max_value=Decimal("100000"), help_text="In dollars, e.g. 22.00.")

    def clean_country(self):
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise forms.ValidationError(_("Use the two-letter ISO country code, e.g. US."))
        return country

    def clean_max_weight_g(self):
        weight = self.cleaned_data.get("max_weight_g")
        if weight is not None and not 1 <= weight <= shipping.MAX_WEIGHT_G:
            raise forms.ValidationError(
                _("Between 1 and %(max_weight_g)s g.") % {"max_weight_g": shipping.MAX_WEIGHT_G}
            )
        return weight


class DeliveryRateViewSet(SnippetViewSet):
    """Weight bands per destination; Order staff may add, change and delete them (group permissions)."""

    model = DeliveryRate
    icon = "globe"
    menu_label = _lazy("Delivery rates")
    menu_order = 105
    add_to_admin_menu = True
    list_display = ["__str__", *snippet_columns(DeliveryRate, ["country", "max_weight_g", "price_cents"])]
    list_filter = ["country"]
    search_fields = ["country"]
    search_backend_name = None
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("country"),
            FieldPanel("max_weight_g", heading=_lazy("Up to (billable grams, inclusive)")),
            FieldPanel("price_cents", heading=_lazy("Price (USD)")),
        ],
        base_form_class=DeliveryRateForm,
    )


register_snippet(DeliveryRateViewSet)


class HsCategoryViewSet(SnippetViewSet):
    """Product categories and their HS codes, suggesting each customs line's description and code (Order staff
    add, change and delete them through group permissions)."""

    model = HsCategory
    icon = "tag"
    menu_label = _lazy("HS code categories")
    menu_order = 106
    add_to_admin_menu = True
    list_display = ["name", "hs_code", "description", "keywords"]
    search_fields = ["name", "hs_code", "keywords"]
    search_backend_name = None
    copy_view_enabled = False


register_snippet(HsCategoryViewSet)
