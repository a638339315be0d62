"""Refuse a request body larger than FirmDesk takes, before reading it.

Django reads a body only when a view asks for it, but by then a 150 MB upload
has already been received whole. This wraps the WSGI application
(``firmdesk.wsgi``) so that:

- a ``Content-Length`` over ``FIRMDESK_REQUEST_MAX_BYTES`` is answered 413 at
  once, without reading a byte of the body;
- a chunked body (no length given) is read only up to the limit: over it,
  413; within it, it is handed to Django with its length, as Django reads no
  body without one.

After a 413 the rest of the body is not wanted, and the server would otherwise
read it to the end to keep the connection open: the socket's reading side is
shut, so the connection closes once the answer is written.
"""

import contextlib
import json
import logging
import socket
import tempfile

from django.conf import settings
from django.template.loader import render_to_string

from firmdesk.documents.validation import human_size

log = logging.getLogger(__name__)

_CHUNK = 64 * 1024


class RequestBodyLimit:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        limit = settings.FIRMDESK_REQUEST_MAX_BYTES
        length = _content_length(environ)
        if length is not None and length > limit:
            return self._refuse(environ, start_response, limit)
        if length is None and _is_chunked(environ):
            body = _read_at_most(environ["wsgi.input"], limit)
            if body is None:
                return self._refuse(environ, start_response, limit)
            environ["wsgi.input"] = body
            environ["CONTENT_LENGTH"] = str(body.tell())
            body.seek(0)
        return self.application(environ, start_response)

    def _refuse(self, environ, start_response, limit):
        log.warning(
            "refused a request body over %s on %s %s",
            human_size(limit),
            environ.get("REQUEST_METHOD"),
            environ.get("PATH_INFO"),
        )
        _stop_reading(environ)
        if environ.get("PATH_INFO", "").startswith("/api/"):
            content_type = "application/json"
            payload = json.dumps(
                {
                    "message": f"The request is larger than {human_size(limit)}, "
                    "the most FirmDesk accepts. Send a smaller file.",
                    "fields": {},
                }
            )
        else:
            content_type = "text/html; charset=utf-8"
            payload = render_to_string(
                "web/request_too_large.html", {"limit": human_size(limit)}
            )
        data = payload.encode()
        start_response(
            "413 Content Too Large",
            [("Content-Type", content_type), ("Content-Length", str(len(data)))],
        )
        return [data]


def _content_length(environ) -> int | None:
    try:
        return int(environ["CONTENT_LENGTH"])
    except (KeyError, ValueError):
        return None


def _is_chunked(environ) -> bool:
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def _read_at_most(stream, limit: int):
    """The body in a file (in memory while small), or None once it passes limit."""
    # Handed to Django as the request's input: closed with the request.
    body = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    while chunk := stream.read(min(_CHUNK, limit + 1 - body.tell())):
        body.write(chunk)
        if body.tell() > limit:
            body.close()
            return None
    return body


def _stop_reading(environ) -> None:
    sock = environ.get("gunicorn.socket")
    if sock is None:
        return
    with contextlib.suppress(OSError):  # the client has gone already
        sock.shutdown(socket.SHUT_RD)
