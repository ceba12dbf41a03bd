"""The shared conventions hold in the source: domain errors from bidangil/errors.py in services and selectors,
and every documented error response built by the one helper."""

import importlib
import inspect
import re
from pathlib import Path

from django.apps import AppConfig, apps

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "bidangil", "cms", "commerce", "community", "integrations", "legacy", "notifications", "tasks")


def sources(*names: str):
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and (not names or path.name in names):
                yield path.relative_to(ROOT).as_posix(), path.read_text()


def test_services_and_selectors_never_raise_http404():
    found = [path for path, text in sources("services.py", "selectors.py") if re.search(r"Http404|_or_404\b", text)]
    assert found == []


def test_error_responses_in_the_schema_come_from_the_one_helper():
    """An OpenApiResponse around the ApiError body is built only by bidangil.api.serializers.error_responses()."""
    built = [path for path, text in sources() if re.search(r"OpenApiResponse\(\s*ApiError", text)]
    assert built == ["bidangil/api/serializers.py"]
    by_hand = [path for path, text in sources() if re.search(r"\b[45]\d\d\s*:\s*(ApiError|OpenApiResponse)\b", text)]
    assert by_hand == []


def test_each_app_runs_with_the_config_its_apps_module_defines():
    """An app whose apps.py defines a config is installed with it (a bare AppConfig skips its ready())."""
    for config in apps.get_app_configs():
        if config.name not in APPS:
            continue
        module = importlib.import_module(f"{config.name}.apps")
        own = [c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__]
        own = [c for c in own if issubclass(c, AppConfig) and getattr(c, "name", None) == config.name]
        assert own and type(config) is own[0], config.name
