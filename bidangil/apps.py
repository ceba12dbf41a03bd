from django.apps import AppConfig


class BidangilConfig(AppConfig):
    name = "bidangil"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
