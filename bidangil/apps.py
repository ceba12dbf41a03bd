from importlib import import_module

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BidangilConfig(AppConfig):
    name = "bidangil"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)


class PackagedModelsConfig(AppConfig):
    """An app with one label whose models live in a package per domain concept (`<app>/<package>/models.py`)."""

    model_packages: tuple[str, ...] = ()

    def import_models(self):
        super().import_models()
        modules = [import_module(f"{self.name}.{package}.models") for package in self.model_packages]
        self.models_module = self.models_module or modules[0]


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site (bidangil/admin_site.py)."""

    default = False  # INSTALLED_APPS names both configs of this module explicitly
    default_site = "bidangil.admin_site.AdminSite"
