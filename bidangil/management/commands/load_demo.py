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
        loaded = skipped = 0
        with command_progress(self.stdout, "Loading demo data", total=len(DEMO_MODULES), logger=logger) as progress:
            for name in DEMO_MODULES:
                try:
                    module = import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    skipped += 1
                else:
                    with transaction.atomic():
                        module.load(progress)  # the modules' lines print above the bar
                    loaded += 1
                progress.update(advance=1, loaded=loaded, skipped=skipped)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
