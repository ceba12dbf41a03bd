"""REQUEST_BODY_MAX_BYTES under the WSGI server (gunicorn): a 413 before the application reads the body.

gunicorn hands the application a stream of the body as it arrives, so the check happens here while it arrives: a
declared length over the limit is refused with the headers, a chunked body (which declares nothing) is read into a
spooled file and refused at the first chunk over it. Django reads WSGI bodies by CONTENT_LENGTH only, so the
spooled chunked body is handed on with the length it turned out to have. `manage.py serve` (daphne) enforces the
same limit in its own request class (bidangil/management/commands/serve.py).
"""

import json
from tempfile import SpooledTemporaryFile

from django.conf import settings

from bidangil.api.exceptions import error_body

CHUNK = 64 * 1024


def too_large_body() -> bytes:
    limit = settings.REQUEST_BODY_MAX_BYTES
    return json.dumps(error_body("too_large", f"The request body is larger than {limit} bytes.")).encode()


def declared_too_large(content_length: str | None) -> bool:
    try:
        return int(content_length or 0) > settings.REQUEST_BODY_MAX_BYTES
    except ValueError:
        return False  # Django answers a malformed length itself


def is_chunked(transfer_encoding: str | None) -> bool:
    return "chunked" in (transfer_encoding or "").lower()


class RequestBodyLimit:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if declared_too_large(environ.get("CONTENT_LENGTH")):
            return self.refuse(start_response)
        if not environ.get("CONTENT_LENGTH") and is_chunked(environ.get("HTTP_TRANSFER_ENCODING")):
            body = SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115 - handed on as the body
            size, stream = 0, environ["wsgi.input"]
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > settings.REQUEST_BODY_MAX_BYTES:
                    body.close()
                    return self.refuse(start_response)
                body.write(chunk)
            body.seek(0)
            environ = {**environ, "wsgi.input": body, "CONTENT_LENGTH": str(size)}
        return self.application(environ, start_response)

    @staticmethod
    def refuse(start_response):
        body = too_large_body()
        start_response(
            "413 Content Too Large", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]
