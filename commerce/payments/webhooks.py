"""Stripe webhook: verify → store the event id (unique) → dispatch by type → act once → 200."""

import logging

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bidangil.api.exceptions import error_body
from bidangil.errors import InvalidInput
from commerce import error_codes
from commerce.payments import services as payments
from commerce.payments.models import Payment, StripeEvent
from integrations.backends import get_backend
from integrations.payments import WebhookSignatureError

logger = logging.getLogger(__name__)


def _session_completed(obj: dict) -> str:
    if obj.get("payment_status") not in ("paid", "no_payment_required"):
        return "awaiting asynchronous payment"
    return payments.settle_checkout(
        session_id=obj.get("id", ""),
        amount_total=obj.get("amount_total"),
        currency=obj.get("currency"),
        payment_intent_id=obj.get("payment_intent") or "",
    )


def _session_expired(obj: dict) -> str:
    return payments.close_checkout(session_id=obj.get("id", ""), status=Payment.Status.EXPIRED)


def _session_payment_failed(obj: dict) -> str:
    return payments.close_checkout(session_id=obj.get("id", ""), status=Payment.Status.FAILED)


def _payment_intent_failed(obj: dict) -> str:
    error = obj.get("last_payment_error") or {}
    return payments.record_payment_failure(
        payment_id=(obj.get("metadata") or {}).get("payment_id"),
        payment_intent_id=obj.get("id", ""),
        message=error.get("message") or "Payment failed.",
    )


def _charge_refunded(obj: dict) -> str:
    # The charge's `refunds` list is only in older API versions' payloads; `amount_refunded` is always there.
    listed = (obj.get("refunds") or {}).get("data") or []
    return payments.record_provider_refund(
        payment_intent_id=obj.get("payment_intent") or "",
        amount_refunded=int(obj.get("amount_refunded") or 0),
        refunds=[
            (refund["id"], int(refund.get("amount") or 0))
            for refund in listed
            if refund.get("id") and refund.get("status") in ("succeeded", "pending")
        ],
    )


def _refund_updated(obj: dict) -> str:
    if obj.get("status") not in ("failed", "canceled"):
        return "ignored"
    return payments.record_refund_failure(refund_id=obj.get("id") or "", reason=obj.get("failure_reason") or "")


HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_completed,
    "checkout.session.expired": _session_expired,
    "checkout.session.async_payment_failed": _session_payment_failed,
    "payment_intent.payment_failed": _payment_intent_failed,
    "charge.refunded": _charge_refunded,
    # The same refund object, in the event names of older and newer API versions.
    "charge.refund.updated": _refund_updated,
    "refund.updated": _refund_updated,
    "refund.failed": _refund_updated,
}


def process_event(payload: bytes, signature: str | None) -> str:
    """Verify and handle one delivery. Raises InvalidInput for a bad signature or payload."""
    try:
        event = get_backend("payments").parse_webhook(payload, signature)
        event_id, event_type, obj = event["id"], event["type"], event["data"]["object"]
    except WebhookSignatureError as exc:
        raise InvalidInput(_("Invalid Stripe signature."), code=error_codes.INVALID_SIGNATURE) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(_("Malformed Stripe event."), code=error_codes.INVALID_PAYLOAD) from exc

    with transaction.atomic():
        # Stored before acting and in the same transaction: a redelivery (or a concurrent one, which waits
        # on the unique key) is recognised, and a crash mid-way leaves no record so Stripe's retry acts.
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(event_id=event_id, type=event_type, payload=event)
        except IntegrityError:
            return "duplicate"
        handler = HANDLERS.get(event_type)
        result = handler(obj) if handler else "ignored"
        record.processed_at = timezone.now()
        record.result = result[:200]
        record.save(update_fields=["processed_at", "result"])
    logger.info("Stripe event %s %s: %s", event_type, event_id, result)
    return result


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Plain Django view so any path (the v1 one, the original client's) can route to it."""
    try:
        result = process_event(request.body, request.headers.get("Stripe-Signature"))
    except InvalidInput as exc:
        return JsonResponse(error_body(exc.code, exc.message), status=400)
    return JsonResponse({"received": True, "result": result})
