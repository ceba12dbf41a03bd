"""Wagtail admin for the warehouse desk: intake, split and ship forms for one order, and the delivery rate table.

Imported by commerce.wagtail_hooks; registers its own admin URLs (`commerce_order_intake`, `commerce_order_split`,
`commerce_order_ship`) and the DeliveryRate snippet. The forms call the same services as the API.
"""

from decimal import Decimal

from django import forms
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from bidangil.admin_lists import snippet_columns
from bidangil.money import UsdField
from commerce.admin.orders import action_view, with_cleaned_data
from commerce.orders.models import Order
from commerce.shipping import services as shipping
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


# --- Views ----------------------------------------------------------------------------------------


def _rates_for(order: Order) -> dict:
    country = str((order.shipping_address or {}).get("country", "")).upper()
    return {"show_rates": True, "country": country, "rates": list(DeliveryRate.objects.filter(country=country))}


intake_view = action_view(
    IntakeForm,
    _lazy("Record warehouse intake"),
    with_cleaned_data(shipping.record_intake),
    success=_lazy("Parcel of {number} recorded; delivery fee quoted."),
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


@hooks.register("register_admin_urls")
def shipping_admin_urls():
    return [
        path("orders/<int:pk>/intake/", intake_view, name="commerce_order_intake"),
        path("orders/<int:pk>/ship/", ship_view, name="commerce_order_ship"),
        path("orders/<int:pk>/split/", split_view, name="commerce_order_split"),
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
