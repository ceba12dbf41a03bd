"""Provider backends are picked in settings by short name (or a dotted path), like EMAIL_BACKEND."""

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

REGISTRY = {
    "payments": (
        "PAYMENT_BACKEND",
        {
            "dummy": "integrations.payments.dummy.DummyPaymentBackend",
            "stripe": "integrations.payments.stripe.StripePaymentBackend",
        },
    ),
    "carriers": (
        "CARRIER_BACKEND",
        {
            "dummy": "integrations.carriers.dummy.DummyCarrierBackend",
            "fedex": "integrations.carriers.fedex.FedExCarrierBackend",
        },
    ),
    "ai": (
        "AI_BACKEND",
        {
            "dummy": "integrations.ai.dummy.DummyAIBackend",
            "openai": "integrations.ai.openai.OpenAIBackend",
        },
    ),
    "sms": (
        "SMS_BACKEND",
        {
            "console": "integrations.sms.console.ConsoleSMSBackend",
            "twilio": "integrations.sms.twilio.TwilioSMSBackend",
        },
    ),
    "fx": (
        "EXCHANGE_RATE_BACKEND",
        {"dummy": "integrations.fx.dummy.FixedRateBackend"},
    ),
}

_instances: dict[str, object] = {}


class UnknownBackend(LookupError):
    pass


def backend_path(kind: str) -> str:
    setting, choices = REGISTRY[kind]
    name = getattr(settings, setting)
    if name in choices:
        return choices[name]
    if "." in name:
        return name
    raise UnknownBackend(f"{setting}={name!r}: choose one of {', '.join(sorted(choices))} or a dotted path.")


def get_backend(kind: str):
    """The configured backend instance for a provider kind ('payments', 'carriers', 'ai', 'sms', 'fx')."""
    if kind not in _instances:
        _instances[kind] = import_string(backend_path(kind))()
    return _instances[kind]


def reset_backends(**kwargs) -> None:
    _instances.clear()


setting_changed.connect(reset_backends)
