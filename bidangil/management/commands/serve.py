"""Serve HTTP and WebSocket with daphne; with the embedded default, run the Huey consumer in this process."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)

# Frames from clients are tiny (they only listen); the consumer closes bigger ones with 1009 itself,
# this stops a huge frame from being buffered at all.
WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024


class Command(BaseCommand):
    help = "Serve the site (HTTP + /ws/) with daphne; runs Huey's consumer in-process when HUEY_EMBEDDED is on."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        # Importing daphne.server installs Twisted's asyncio reactor on daphne's loop; the consumers run there.
        from daphne.cli import CommandLineInterface
        from daphne.server import twisted_loop

        from notifications.push import set_push_loop

        # Huey worker threads push notifications; they must hand them to the loop the consumers live on.
        set_push_loop(twisted_loop)
        consumer = None
        if settings.HUEY_EMBEDDED:
            from django.utils.module_loading import autodiscover_modules
            from huey.contrib.djhuey import HUEY

            autodiscover_modules("tasks")  # registers every job and periodic schedule, as run_huey does

            consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True, check_worker_health=False)
            consumer.start()
            self.stdout.write("Huey consumer running in-process (2 threads, periodic jobs on).")
        self.stdout.write(f"Serving http://{host}:{port}/ (admin at /admin/, API docs at /api/docs/)", ending="\n")
        self.stdout.flush()
        try:
            app = settings.ASGI_APPLICATION.rsplit(".", 1)
            CommandLineInterface().run(
                [
                    "-b",
                    host,
                    "-p",
                    str(port),
                    "--websocket-max-message-size",
                    str(WEBSOCKET_MAX_MESSAGE_BYTES),
                    ":".join(app),
                ]
            )
        finally:
            set_push_loop(None)
            if consumer is not None:
                consumer.stop(graceful=False)
