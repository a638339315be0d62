"""Virus scanning of uploads through ClamAV's daemon (clamd), where installed.

``documents.validation.check_upload`` calls ``scan`` for every file that
passed its own checks, so every upload that becomes a document (library,
task attachments, signed agreements, templates, receipts, provider bills, the
public intake form) is scanned before it is stored. docs/security-hardening.md
says how to install and point FirmDesk at clamd.

Where clamd is: ``FIRMDESK_CLAMAV_SOCKET`` (a Unix socket path) or
``FIRMDESK_CLAMAV_ADDRESS`` (``host:port``); with neither set, Debian's
clamav-daemon socket when it exists (``FIRMDESK_CLAMAV_DEFAULT_SOCKET``);
``off`` in either setting turns scanning off. Without clamd, nothing is scanned.

The file goes to clamd over its INSTREAM command (man clamd): the bytes in
chunks, each after its length as a 4-byte big-endian number, then a zero
length; clamd answers ``stream: OK``, ``stream: <name> FOUND`` or ``… ERROR``.
Written here rather than taken from a client library: ``clamd`` on PyPI is
unmaintained since 2014, and the maintained ``clamav-client`` (0.7.2) sends
1 KiB chunks and, when clamd stops reading at its StreamMaxLength, raises the
bare BrokenPipeError of the next send without reading clamd's answer, so a
file too large for the scanner would look like a scanner that is down. The
protocol is the forty lines below.
"""

import contextlib
import logging
import os
import socket
import struct
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
OFF = "off"
REPLY_MAX = 4096


class ScannerUnavailable(Exception):
    """clamd is configured but did not answer, or answered with an error."""


class TooLargeToScan(Exception):
    """The file is larger than clamd's StreamMaxLength."""


@dataclass(frozen=True)
class Scanner:
    """Where clamd listens: a Unix socket path, or a host and port."""

    path: str = ""
    host: str = ""
    port: int = 0

    def __str__(self) -> str:
        return self.path or f"{self.host}:{self.port}"

    def connect(self, timeout: float) -> socket.socket:
        if self.path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(self.path)
            except OSError:
                sock.close()
                raise
            return sock
        return socket.create_connection((self.host, self.port), timeout=timeout)


def configured_scanner() -> Scanner | None:
    """The clamd the settings name, the default socket when it exists, or
    None: no scanning."""
    path = settings.FIRMDESK_CLAMAV_SOCKET.strip()
    address = settings.FIRMDESK_CLAMAV_ADDRESS.strip()
    if OFF in (path.lower(), address.lower()):
        return None
    if path:
        return Scanner(path=path)
    if address:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ScannerUnavailable(
                f"FIRMDESK_CLAMAV_ADDRESS is {address!r}, not host:port"
            )
        return Scanner(host=host.strip("[]"), port=int(port))
    default = settings.FIRMDESK_CLAMAV_DEFAULT_SOCKET
    if default and os.path.exists(default):
        return Scanner(path=default)
    return None


def _send(sock: socket.socket, chunks) -> None:
    sock.sendall(b"zINSTREAM\0")
    for chunk in chunks:
        for start in range(0, len(chunk), CHUNK):
            piece = chunk[start : start + CHUNK]
            sock.sendall(struct.pack("!L", len(piece)) + piece)
    sock.sendall(struct.pack("!L", 0))


def _reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < REPLY_MAX:
        data = sock.recv(REPLY_MAX)
        if not data:
            break
        reply += data
    return reply.rstrip(b"\0").decode("utf-8", errors="replace").strip()


def scan(scanner: Scanner, chunks) -> str | None:
    """The name of what clamd found in the bytes of ``chunks``, or None when
    it found nothing. ScannerUnavailable or TooLargeToScan when it could not
    say."""
    timeout = settings.FIRMDESK_CLAMAV_TIMEOUT
    try:
        with scanner.connect(timeout) as sock:
            # clamd stops reading a stream past its StreamMaxLength, and its
            # answer, already sent, says so.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                _send(sock, chunks)
            reply = _reply(sock)
    except OSError as error:
        raise ScannerUnavailable(f"clamd at {scanner}: {error}") from error
    if reply == "stream: OK":
        return None
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return reply.removeprefix("stream: ").removesuffix(" FOUND")
    if "size limit exceeded" in reply:
        raise TooLargeToScan(reply)
    raise ScannerUnavailable(f"clamd at {scanner} answered {reply!r}")
