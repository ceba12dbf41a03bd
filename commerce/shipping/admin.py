"""Wagtail admin for the warehouse desk: intake and ship forms for one order, and the delivery rate table.

Imported by commerce.wagtail_hooks; registers its own admin URLs (`commerce_order_intake`,
`commerce_order_ship`) and the DeliveryRate snippet. Both forms call the same services as the staff API.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from bidangil.errors import DomainError
from commerce.orders.admin import order_staff_required
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
    weight_g = forms.IntegerField(label="Actual weight (g)", min_value=1, max_value=shipping.MAX_WEIGHT_G)
    length_cm = _side_field("Length (cm)")
    width_cm = _side_field("Width (cm)")
    height_cm = _side_field("Height (cm)")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=shipping.MAX_NOTES)
    photos = MultipleFileField(
        required=False, help_text=f"Up to {shipping.MAX_PHOTOS} JPEG, PNG or WebP photos of the parcel."
    )


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(choices=Shipment.Carrier.choices, initial=Shipment.Carrier.FEDEX)
    tracking_number = forms.CharField(max_length=60, help_text="FedEx: 12, 15, 20 or 22 digits, as on the label.")


# --- Views ----------------------------------------------------------------------------------------


def order_admin_url(order: Order) -> str:
    """The order's staff screen, else its snippet inspect/edit page, else the order list."""
    for name, args in (
        ("commerce_order_screen", [order.pk]),
        ("wagtailsnippets_commerce_order:inspect", [order.pk]),
        ("wagtailsnippets_commerce_order:edit", [order.pk]),
        ("wagtailsnippets_commerce_order:list", []),
    ):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return reverse("wagtailadmin_home")


def _action(request, pk, *, form_class, title, perform, success, extra=None):
    order = get_object_or_404(Order.objects.select_related("user"), pk=pk)
    form = form_class(request.POST, request.FILES) if request.method == "POST" else form_class()
    if request.method == "POST":
        if form.is_valid():
            try:
                perform(order, request.user, form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)  # the service changed nothing
            else:
                messages.success(request, success.format(number=order.number))
                return redirect(order_admin_url(order))
        else:
            messages.error(request, "The form has errors; nothing was saved.")
    context = {
        "page_title": f"{title}: {order.number}",
        "header_icon": "list-ul",
        "title": title,
        "form": form,
        "order": order,
        "order_url": order_admin_url(order),
        **(extra(order) if extra else {}),
    }
    return TemplateResponse(request, "commerce/admin/shipping_form.html", context)


def _rates_for(order: Order) -> dict:
    country = str((order.shipping_address or {}).get("country", "")).upper()
    return {"show_rates": True, "country": country, "rates": list(DeliveryRate.objects.filter(country=country))}


@order_staff_required
def intake_view(request, pk: int):
    return _action(
        request,
        pk,
        form_class=IntakeForm,
        title="Record warehouse intake",
        perform=lambda order, user, data: shipping.record_intake(order_id=order.pk, actor=user, **data),
        success="Parcel of {number} recorded; delivery fee quoted.",
        extra=_rates_for,
    )


@order_staff_required
def ship_view(request, pk: int):
    return _action(
        request,
        pk,
        form_class=ShipForm,
        title="Ship parcel",
        perform=lambda order, user, data: shipping.ship_order(order_id=order.pk, actor=user, **data),
        success="Order {number} shipped.",
    )


@hooks.register("register_admin_urls")
def shipping_admin_urls():
    return [
        path("orders/<int:pk>/intake/", intake_view, name="commerce_order_intake"),
        path("orders/<int:pk>/ship/", ship_view, name="commerce_order_ship"),
    ]


# --- Delivery rate table --------------------------------------------------------------------------


class DeliveryRateForm(WagtailAdminModelForm):
    def clean_country(self):
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise forms.ValidationError("Use the two-letter ISO country code, e.g. US.")
        return country

    def clean_max_weight_g(self):
        weight = self.cleaned_data.get("max_weight_g")
        if weight is not None and not 1 <= weight <= shipping.MAX_WEIGHT_G:
            raise forms.ValidationError(f"Between 1 and {shipping.MAX_WEIGHT_G} g.")
        return weight


class DeliveryRateViewSet(SnippetViewSet):
    """Weight bands per destination; Order staff may add, change and delete them (group permissions)."""

    model = DeliveryRate
    icon = "globe"
    menu_label = "Delivery rates"
    menu_order = 105
    add_to_admin_menu = True
    list_display = ["country", "max_weight_g", "price_cents", "__str__"]
    list_filter = ["country"]
    search_fields = ["country"]
    search_backend_name = None
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("country"),
            FieldPanel("max_weight_g", heading="Up to (billable grams, inclusive)"),
            FieldPanel("price_cents", heading="Price (USD cents)"),
        ],
        base_form_class=DeliveryRateForm,
    )


register_snippet(DeliveryRateViewSet)
