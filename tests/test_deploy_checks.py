"""Production settings refuse the offline dummies and every development default (bidangil/checks.py)."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.urls import clear_url_caches, resolve

ROOT = Path(__file__).resolve().parents[1]
REAL_PROVIDERS = dict(
    line.split("=", 1)
    for line in (ROOT / ".ci" / "deploy-check.env").read_text().splitlines()
    if line and not line.startswith("#")
)


def error_ids() -> list[tuple[str, str]]:
    return sorted((e.id, e.msg.split("=")[0].split(" ")[0]) for e in run_checks() if e.id.startswith("bidangil."))


@pytest.fixture
def deployed(settings):
    """Production as `.ci/deploy-check.env` describes it: real providers with (fake) credentials."""
    settings.DEPLOYED = True
    settings.ALLOW_DUMMY_PROVIDERS = False
    for name, value in REAL_PROVIDERS.items():
        if name not in ("DATABASE_URL", "EMAIL_URL", "ALLOWED_HOSTS"):
            setattr(settings, name, value)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.CORS_ALLOWED_ORIGINS = settings.CSRF_TRUSTED_ORIGINS = [settings.FRONTEND_URL]
    settings.SECRET_KEY = secrets.token_urlsafe(48)
    return settings


def test_real_providers_pass(deployed):
    assert error_ids() == []


@pytest.mark.parametrize(
    "name, dummy",
    [
        ("PAYMENT_BACKEND", "dummy"),
        ("CARRIER_BACKEND", "dummy"),
        ("AI_BACKEND", "dummy"),
        ("SMS_BACKEND", "console"),
        ("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"),
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
    ],
)
def test_each_dummy_is_refused_unless_staging_opts_in(deployed, name, dummy):
    setattr(deployed, name, dummy)
    assert error_ids() == [("bidangil.E001", name)]
    deployed.ALLOW_DUMMY_PROVIDERS = True
    assert error_ids() == []


@pytest.mark.parametrize(
    "backend, name, credential",
    [
        ("PAYMENT_BACKEND", "stripe", "STRIPE_SECRET_KEY"),
        ("CARRIER_BACKEND", "fedex", "FEDEX_CLIENT_SECRET"),
        ("AI_BACKEND", "openai", "OPENAI_API_KEY"),
        ("SMS_BACKEND", "twilio", "TWILIO_AUTH_TOKEN"),
    ],
)
def test_a_real_provider_without_credentials_is_refused_even_on_staging(deployed, backend, name, credential):
    setattr(deployed, credential, "")
    deployed.ALLOW_DUMMY_PROVIDERS = True
    assert [e for e in run_checks() if e.id == "bidangil.E002"][0].msg == (
        f"{backend}={name!r} needs {credential}, which is empty."
    )


@pytest.mark.parametrize("name", ["SECRET_KEY", "STRIPE_WEBHOOK_SECRET"])
def test_published_development_secrets_are_refused_even_on_staging(deployed, name):
    setattr(deployed, name, getattr(deployed, f"DEV_{name}"))
    deployed.ALLOW_DUMMY_PROVIDERS = True
    assert error_ids() == [("bidangil.E003", name)]


@pytest.mark.parametrize("name", ["SITE_URL", "FRONTEND_URL"])
def test_local_site_addresses_are_refused(deployed, name):
    setattr(deployed, name, "http://127.0.0.1:8000")
    assert error_ids() == [("bidangil.E004", name)]


@pytest.mark.parametrize("name", ["CORS_ALLOWED_ORIGINS", "CSRF_TRUSTED_ORIGINS"])
def test_local_browser_origins_are_refused(deployed, name):
    setattr(deployed, name, ["https://www.bidangil.example", "http://localhost:3000"])
    assert error_ids() == [("bidangil.E004", name)]


def test_development_and_tests_run_on_the_dummies(settings):
    settings.DEPLOYED = False
    settings.PAYMENT_BACKEND = "dummy"
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    assert error_ids() == []


def manage(*args, **env_overrides) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="bidangil.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="bidangil.example",
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("command", [["serve", "--port", "9"], ["run_huey", "--workers", "1"]])
def test_serve_and_run_huey_refuse_to_start_on_the_dummies(command, tmp_path):
    # Port 9 would need root to bind: a refused start never gets that far.
    result = manage(*command, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode != 0
    for name in ("PAYMENT_BACKEND", "CARRIER_BACKEND", "AI_BACKEND", "STRIPE_WEBHOOK_SECRET", "SITE_URL"):
        assert name in result.stderr
    assert "bidangil.E001" in result.stderr
    assert "Serving" not in result.stdout


def test_check_deploy_is_clean_with_the_ci_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **REAL_PROVIDERS)
    assert result.returncode == 0, result.stderr
    staging = manage("check", "--deploy", **{**REAL_PROVIDERS, "PAYMENT_BACKEND": "dummy"})
    assert staging.returncode != 0 and "bidangil.E001" in staging.stderr
    staging = manage(
        "check", "--deploy", **{**REAL_PROVIDERS, "PAYMENT_BACKEND": "dummy", "ALLOW_DUMMY_PROVIDERS": "true"}
    )
    assert staging.returncode == 0, staging.stderr


@pytest.fixture
def reload_urls(settings):
    """Re-import the URLconf after changing PAYMENT_BACKEND; the suite's URLs come back afterwards."""
    import bidangil.urls

    backend = settings.PAYMENT_BACKEND

    def reload():
        clear_url_caches()
        importlib.reload(bidangil.urls)
        clear_url_caches()

    yield reload
    settings.PAYMENT_BACKEND = backend
    reload()


def test_dummy_checkout_is_not_routed_when_the_dummy_is_off(reload_urls, settings, user_client, client):
    from tests.commerce.factories import quoted_order
    from tests.commerce.test_checkout_webhook import checkout

    url = checkout(user_client, quoted_order(user_client.user)).json()["checkout_url"].replace("http://testserver", "")
    assert client.get(url).status_code == 200
    settings.PAYMENT_BACKEND = "stripe"
    reload_urls()
    assert resolve(url).url_name != "dummy_checkout"  # not routed: Wagtail's page route catches the path
    assert client.get(url).status_code == 404
