"""The dummy provider's Checkout page: Pay sends a signed `checkout.session.completed` through our webhook.

Routed only while PAYMENT_BACKEND is "dummy" (bidangil/urls.py)."""

import json
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bidangil.errors import InvalidInput
from commerce.payments.models import Payment
from commerce.payments.webhooks import process_event
from integrations.payments.dummy import signature_header


def _session_event(payment, session_id: str) -> dict:
    metadata = {"order_number": payment.order.number, "stage": payment.stage, "payment_id": str(payment.pk)}
    return {
        "id": f"evt_dummy_{secrets.token_hex(12)}",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": session_id,
                "object": "checkout.session",
                "amount_total": payment.amount_cents,
                "currency": payment.currency,
                "payment_status": "paid",
                "status": "complete",
                "payment_intent": f"pi_dummy_{secrets.token_hex(12)}",
                "client_reference_id": payment.order.number,
                "metadata": metadata,
            }
        },
    }


@require_http_methods(["GET", "POST"])
def dummy_checkout(request, session_id: str):
    payment = Payment.objects.select_related("order").filter(session_id=session_id, provider="dummy").first()
    if payment is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") != "pay":
            return redirect(payment.checkout_return("cancelled"))
        if payment.status != Payment.Status.OPEN:
            messages.error(request, _("This checkout session is no longer open."))
            return redirect(request.path)
        payload = json.dumps(_session_event(payment, session_id))
        try:
            # In-process, through the same verification and dispatch as a real Stripe delivery.
            process_event(payload.encode(), signature_header(payload, settings.STRIPE_WEBHOOK_SECRET))
        except InvalidInput as exc:  # pragma: no cover - only with a misconfigured secret
            messages.error(request, exc.message)
            return redirect(request.path)
        return redirect(payment.checkout_return("success"))
    return render(
        request,
        "commerce/payments/dummy_checkout.html",
        {"payment": payment, "order": payment.order},
    )
