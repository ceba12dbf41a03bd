"""Imported by huey.contrib.djhuey's autodiscovery (it imports `<app>.tasks`): registers every job module."""

from tasks import accounts, avatars, community, notifications, payments, problems, products, storage, sweeps, tracking  # noqa: F401
