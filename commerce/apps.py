from importlib import import_module

from django.apps import AppConfig

# One app label ("commerce", one migrations folder), its models in a package per domain concept.
MODEL_PACKAGES = ("orders", "payments", "shipping", "products")


class CommerceConfig(AppConfig):
    name = "commerce"

    def import_models(self):
        super().import_models()
        modules = [import_module(f"{self.name}.{package}.models") for package in MODEL_PACKAGES]
        self.models_module = modules[0]
