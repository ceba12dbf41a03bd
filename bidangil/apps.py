from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BidangilConfig(AppConfig):
    name = "bidangil"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site (bidangil/admin_site.py)."""

    default = False  # INSTALLED_APPS names both configs of this module explicitly
    default_site = "bidangil.admin_site.AdminSite"
