"""Serve HTTP and WebSocket with daphne; with the embedded default, run the Huey consumer in this process."""

import logging

from daphne.cli import CommandLineInterface
from django.conf import settings
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Serve the site (HTTP + /ws/) with daphne; runs Huey's consumer in-process when HUEY_EMBEDDED is on."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        consumer = None
        if settings.HUEY_EMBEDDED:
            from huey.contrib.djhuey import HUEY

            consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True, check_worker_health=False)
            consumer.start()
            self.stdout.write("Huey consumer running in-process (2 threads, periodic jobs on).")
        self.stdout.write(f"Serving http://{host}:{port}/ (admin at /admin/, API docs at /api/docs/)")
        try:
            app = settings.ASGI_APPLICATION.rsplit(".", 1)
            CommandLineInterface().run(["-b", host, "-p", str(port), ":".join(app)])
        finally:
            if consumer is not None:
                consumer.stop(graceful=False)
