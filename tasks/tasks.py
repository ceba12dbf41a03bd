"""Imported by huey.contrib.djhuey's autodiscovery (it imports `<app>.tasks`): registers every job module."""

from tasks import notifications, products  # noqa: F401
