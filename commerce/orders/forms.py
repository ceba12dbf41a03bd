"""Forms of the staff actions in the Wagtail admin; each one feeds exactly one service."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from bidangil.money import UsdField
from commerce import limits
from commerce.orders.services import restricted_matches


class QuoteForm(forms.Form):
    """Per item a price, a restricted flag (pre-ticked by the rule list) and corrections of quantity, options
    and name; plus domestic shipping."""

    domestic_shipping_krw = forms.IntegerField(label=_lazy("Domestic shipping (KRW)"), min_value=0, max_value=10**10)
    note = forms.CharField(
        label=_lazy("Note to the customer"), required=False, max_length=limits.NOTE_MAX_LENGTH, widget=forms.Textarea
    )

    ITEM_FIELDS = ("price", "restricted", "quantity", "options", "name")

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_items = list(order.items.all())
        flagged = restricted_matches(self.order_items)
        self.rows = []
        for item in self.order_items:
            price = forms.IntegerField(
                label=f"Unit price (KRW) × {item.quantity}", min_value=0, max_value=10**12, initial=item.unit_price_krw
            )
            restricted = forms.BooleanField(
                label=_lazy("Restricted (not charged)"), required=False, initial=item.pk in flagged or item.restricted
            )
            self.fields[f"price_{item.pk}"] = price
            self.fields[f"restricted_{item.pk}"] = restricted
            # Staff may correct what the customer asked for while quoting (the only time items change).
            self.fields[f"quantity_{item.pk}"] = forms.IntegerField(
                label=_lazy("Quantity"), min_value=1, max_value=99, required=False, initial=item.quantity
            )
            self.fields[f"options_{item.pk}"] = forms.CharField(
                label=_lazy("Options"), max_length=500, required=False, initial=item.options
            )
            self.fields[f"name_{item.pk}"] = forms.CharField(
                label=_lazy("Product name"), max_length=200, required=False, initial=item.name
            )
            self.rows.append(
                {
                    "item": item,
                    "rule": flagged.get(item.pk, ""),
                    **{name: self[f"{name}_{item.pk}"] for name in self.ITEM_FIELDS},
                }
            )

    def _corrections(self, item) -> dict:
        """Only the corrections the form actually posted: an absent field keeps the customer's value."""
        data = self.cleaned_data
        corrections = {}
        for name in ("quantity", "options", "name"):
            key = f"{name}_{item.pk}"
            if key in self.data and data[key] is not None:
                corrections[name] = data[key]
        return corrections

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "items": [
                {
                    "id": item.pk,
                    "unit_price_krw": data[f"price_{item.pk}"],
                    "restricted": data[f"restricted_{item.pk}"],
                    **self._corrections(item),
                }
                for item in self.order_items
            ],
            "domestic_shipping_krw": data["domestic_shipping_krw"],
            "note": data["note"],
        }


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea, help_text=_lazy("Shown to the customer."))


class PurchaseForm(forms.Form):
    note = forms.CharField(max_length=1000, required=False, help_text=_lazy("Internal: shop order numbers, etc."))


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea, help_text=_lazy("Shown to the customer.")
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        max_length=1000,
        widget=forms.Textarea,
        help_text=_lazy("Internal, never shown to the customer. A note after a carrier exception marks it as handled."),
    )


class RefundForm(forms.Form):
    amount_cents = UsdField(
        label=_lazy("Amount (USD)"),
        min_value=Decimal("0.01"),
        required=False,
        help_text=_lazy("In dollars, e.g. 12.50. Leave empty to refund everything refundable."),
    )
    reason = forms.CharField(max_length=300, help_text=_lazy("Shown to the customer."))
