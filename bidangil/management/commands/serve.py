"""Serve HTTP and WebSocket with daphne; with the embedded default, run the Huey consumer in this process."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


def websocket_server_class():
    """daphne's Server with the WebSocket limits of this site.

    Clients only listen, so any message over `MAX_CLIENT_MESSAGE_BYTES` is abuse. autobahn (daphne's WebSocket
    library) enforces the limit before buffering the message; with `failByDrop` off it answers with a 1009
    close frame instead of dropping the TCP connection (an application cannot send 1009 itself: autobahn
    only lets it close with 1000 or 3000-4999).
    """
    from daphne.server import Server

    from notifications.consumers import MAX_CLIENT_MESSAGE_BYTES

    class BidangilServer(Server):
        def __init__(self, *args, **kwargs):
            kwargs.update(
                websocket_max_message_size=MAX_CLIENT_MESSAGE_BYTES,
                websocket_max_frame_size=MAX_CLIENT_MESSAGE_BYTES,
                ready_callable=self._tune_websocket_factory,
            )
            super().__init__(*args, **kwargs)

        def _tune_websocket_factory(self):
            # run() calls this after building ws_factory (with the limits above) and before the reactor starts.
            self.ws_factory.setProtocolOptions(failByDrop=False)

    return BidangilServer


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
            cli = CommandLineInterface()
            cli.server_class = websocket_server_class()
            cli.run(["-b", host, "-p", str(port), ":".join(app)])
        finally:
            set_push_loop(None)
            if consumer is not None:
                consumer.stop(graceful=False)
