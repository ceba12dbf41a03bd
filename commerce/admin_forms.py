"""Forms of the staff actions in the Wagtail admin; each one feeds exactly one service."""

from django import forms

from .services import restricted_matches


class QuoteForm(forms.Form):
    """One price (and a restricted flag, pre-ticked by the rule list) per item, plus domestic shipping."""

    domestic_shipping_krw = forms.IntegerField(label="Domestic shipping (KRW)", min_value=0, max_value=10**10)
    note = forms.CharField(label="Note to the customer", required=False, max_length=2000, widget=forms.Textarea)

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
                label="Restricted (not charged)", required=False, initial=item.pk in flagged or item.restricted
            )
            self.fields[f"price_{item.pk}"] = price
            self.fields[f"restricted_{item.pk}"] = restricted
            self.rows.append(
                {
                    "item": item,
                    "price": self[f"price_{item.pk}"],
                    "restricted": self[f"restricted_{item.pk}"],
                    "rule": flagged.get(item.pk, ""),
                }
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "items": [
                {
                    "id": item.pk,
                    "unit_price_krw": data[f"price_{item.pk}"],
                    "restricted": data[f"restricted_{item.pk}"],
                }
                for item in self.order_items
            ],
            "domestic_shipping_krw": data["domestic_shipping_krw"],
            "note": data["note"],
        }


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea, help_text="Shown to the customer.")


class PurchaseForm(forms.Form):
    note = forms.CharField(max_length=1000, required=False, help_text="Internal: shop order numbers, etc.")


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=1000, required=False, widget=forms.Textarea, help_text="Shown to the customer.")


class RefundForm(forms.Form):
    amount_cents = forms.IntegerField(
        label="Amount (US cents)", min_value=1, required=False, help_text="Leave empty to refund everything refundable."
    )
    reason = forms.CharField(max_length=300, help_text="Shown to the customer.")
