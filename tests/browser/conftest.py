"""Real-browser tests: Playwright driving Debian's chromium (never a downloaded browser) against `live_server`."""

import os
import re
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"  # Debian's package
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots of failed tests land here (CI keeps the folder; locally it is printed with the failure).
SCREENSHOT_DIR = Path(os.environ.get("BROWSER_SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "bidangil-browser"))


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install chromium (bash .ci/run installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture
def browser_context(request, tmp_path, monkeypatch):
    """A factory of fresh browser profiles (one per user); screenshots of every page if the test fails.

    Playwright starts with the first profile: its sync API keeps an event loop running in this thread from
    then on, so the test writes its data first and afterwards only reads (allowed despite the loop).
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    playwright = None
    contexts = []

    def open_context():
        nonlocal playwright
        if playwright is None:
            playwright = sync_playwright().start()
            monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        profile = tmp_path / f"profile-{len(contexts)}"
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, locale="en-US"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield open_context
    if getattr(request.node, "browser_failed", False):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                path = SCREENSHOT_DIR / f"{name}-{n}-{m}.png"
                page.screenshot(path=str(path), full_page=True)
                print(f"screenshot: {path}")
    for context in contexts:
        context.close()
    if playwright is not None:
        playwright.stop()
