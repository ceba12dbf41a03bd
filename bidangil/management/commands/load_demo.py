"""Idempotent demo data for `make run`: users of every role, content pages, posts and orders in several states."""

import logging
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from bidangil.progress import command_progress

logger = logging.getLogger(__name__)

# Each app's demo.load(stdout) is safe to run again; order matters (users first).
DEMO_MODULES = ["accounts.demo", "commerce.shipping.demo", "cms.demo", "community.demo", "commerce.demo"]


class Command(BaseCommand):
    help = "Load demo users, pages, posts and orders (safe to run again)."

    def handle(self, *args, **options):
        with command_progress(self.stdout, "Loading demo data", total=len(DEMO_MODULES), logger=logger) as progress:
            for loaded, name in enumerate(DEMO_MODULES, 1):
                with transaction.atomic():
                    import_module(name).load(progress)  # the modules' lines print above the bar
                progress.update(advance=1, loaded=loaded)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
