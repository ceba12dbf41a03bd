"""Idempotent demo data for `make run`: users of every role, content pages, posts and orders in several states."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app's demo.load(stdout) is safe to run again; order matters (users first).
DEMO_MODULES = ["accounts.demo", "commerce.shipping_demo", "cms.demo", "community.demo", "commerce.demo"]


class Command(BaseCommand):
    help = "Load demo users, pages, posts and orders (safe to run again)."

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            with transaction.atomic():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
