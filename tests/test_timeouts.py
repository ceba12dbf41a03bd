"""Every outgoing call has a timeout: providers, SMTP and every Redis client (cache, Huey, channel layer)."""

import runpy

import pytest


@pytest.fixture
def redis_settings(monkeypatch):
    """The settings as production computes them with REDIS_URL set (nothing is connected)."""
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    return runpy.run_module("bidangil.settings.base")


def _assert_bounded(kwargs):
    assert 0 < kwargs["socket_connect_timeout"] <= 10
    assert 0 < kwargs["socket_timeout"] <= 30


def test_the_redis_cache_client_has_socket_timeouts(redis_settings):
    from django.utils.module_loading import import_string

    config = redis_settings["CACHES"]["default"]
    cache = import_string(config["BACKEND"])(config["LOCATION"], {"OPTIONS": config["OPTIONS"]})
    _assert_bounded(cache._cache.get_client().connection_pool.connection_kwargs)


def test_the_huey_redis_storage_has_socket_timeouts_above_its_blocking_read(redis_settings):
    import huey

    config = redis_settings["HUEY"]
    storage = huey.RedisHuey(config["name"], connection_pool=config["connection_pool"]).storage
    kwargs = storage.conn.connection_pool.connection_kwargs
    _assert_bounded(kwargs)
    assert kwargs["socket_timeout"] > storage.read_timeout


def test_the_channel_layer_has_socket_timeouts_above_its_blocking_read(redis_settings):
    from channels_redis.core import RedisChannelLayer
    from channels_redis.utils import create_pool

    config = redis_settings["CHANNEL_LAYERS"]["default"]["CONFIG"]
    layer = RedisChannelLayer(**config)
    kwargs = create_pool(dict(layer.hosts[0])).connection_kwargs
    _assert_bounded(kwargs)
    assert kwargs["socket_timeout"] > layer.brpop_timeout


def test_smtp_has_a_timeout():
    from django.core.mail import get_connection

    assert get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == 10


def test_every_provider_client_has_a_timeout(settings):
    from integrations.ai.openai import OpenAIBackend
    from integrations.carriers.fedex import FedExCarrierBackend
    from integrations.payments.stripe import StripePaymentBackend
    from integrations.sms.twilio import TwilioSMSBackend

    assert 0 < StripePaymentBackend().client._requestor._client._timeout <= 30
    assert 0 < OpenAIBackend().client.timeout <= 120
    assert TwilioSMSBackend().client.timeout.read is not None
    assert FedExCarrierBackend()._timeout.read is not None
