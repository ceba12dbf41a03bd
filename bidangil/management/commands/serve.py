"""Serve HTTP and WebSocket with daphne; with the embedded default, run the Huey consumer in this process."""

import json
import logging

from django.conf import settings
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


# After a 413 the connection stays open this long, reading and dropping what the client still sends, so the
# client reads the answer instead of a connection reset (nginx's lingering close does the same).
LINGER_SECONDS = 5


def body_limited_request_class():
    """daphne's request with REQUEST_BODY_MAX_BYTES enforced while the body arrives.

    daphne hands a request to the application only once Twisted has received the whole body, so an ASGI
    middleware would count bytes already buffered. Here the declared length is checked with the headers and the
    received bytes with every chunk (chunked bodies declare nothing), and the answer is a 413 at the first byte
    over the limit. Twisted's own parsing of form bodies (which reads a multipart body into memory whole) is off:
    Django parses the body itself, spooling files to disk.
    """
    from daphne.http_protocol import WebRequest

    from bidangil.api.exceptions import error_body

    class BodyLimitedRequest(WebRequest):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._parsePOSTFormSubmission = False
            self.body_bytes = 0
            self.refused = False

        def gotLength(self, length):  # noqa: N802 - Twisted's names
            super().gotLength(length)
            if length is not None and length > settings.REQUEST_BODY_MAX_BYTES:
                self.refuse_too_large()

        def handleContentChunk(self, data):  # noqa: N802
            if self.refused:
                return
            self.body_bytes += len(data)
            if self.body_bytes > settings.REQUEST_BODY_MAX_BYTES:
                self.refuse_too_large()
                return
            super().handleContentChunk(data)

        def requestReceived(self, command, path, version):  # noqa: N802
            if not self.refused:
                super().requestReceived(command, path, version)

        def refuse_too_large(self):
            from twisted.internet import reactor

            self.refused = True
            self.requestHeaders.removeHeader(b"expect")  # no "100 Continue" after the answer
            channel, limit = self.channel, settings.REQUEST_BODY_MAX_BYTES
            channel.dataReceived = lambda data: None  # the rest is read and dropped: memory stays flat
            body = json.dumps(error_body("too_large", f"The request body is larger than {limit} bytes.")).encode()
            head = (
                "HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            channel.transport.write(head.encode() + body)
            channel.transport.loseWriteConnection()
            reactor.callLater(LINGER_SECONDS, channel.transport.abortConnection)

    return BodyLimitedRequest


def server_class():
    """daphne's Server with the request body and WebSocket limits of this site.

    Clients only listen on WebSockets, so any message over `MAX_CLIENT_MESSAGE_BYTES` is abuse. autobahn (daphne's
    WebSocket library) enforces the limit before buffering the message; with `failByDrop` off it answers with a
    1009 close frame instead of dropping the TCP connection (an application cannot send 1009 itself: autobahn
    only lets it close with 1000 or 3000-4999).
    """
    from daphne.server import Server

    from notifications.consumers import MAX_CLIENT_MESSAGE_BYTES

    request_class = body_limited_request_class()

    class BidangilServer(Server):
        def __init__(self, *args, **kwargs):
            kwargs.update(
                websocket_max_message_size=MAX_CLIENT_MESSAGE_BYTES,
                websocket_max_frame_size=MAX_CLIENT_MESSAGE_BYTES,
                ready_callable=self._tune_factories,
            )
            super().__init__(*args, **kwargs)

        def _tune_factories(self):
            # run() calls this after building both factories (the WebSocket one with the limits above) and before
            # the reactor starts.
            self.ws_factory.setProtocolOptions(failByDrop=False)
            build_protocol = self.http_factory.buildProtocol

            def build_limited_protocol(addr):
                protocol = build_protocol(addr)
                protocol.requestFactory = request_class
                return protocol

            self.http_factory.buildProtocol = build_limited_protocol

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
            cli.server_class = server_class()
            cli.run(["-b", host, "-p", str(port), ":".join(app)])
        finally:
            set_push_loop(None)
            if consumer is not None:
                consumer.stop(graceful=False)
