"""The shipped gunicorn settings, on a real server: slow clients cannot starve
it, bodies over the limit are refused before they are read, and static files
go out compressed and cached for good."""

import select
import socket
import threading
import time
import urllib.request

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage

pytestmark = pytest.mark.slow

MB = 1024 * 1024


def timed_get(server, path, headers=None):
    request = urllib.request.Request(server.url(path), headers=headers or {})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        body = response.read()
        return response, body, time.monotonic() - started


def read_response(sock, seconds: float) -> tuple[bytes, str]:
    """The status line and headers, and the body as text."""
    sock.settimeout(seconds)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ", 1)[1].split(b"\r\n")[0])
    while len(body) < length:
        body += sock.recv(65536)
    return head, body.decode()


def post_head(length_header: str, cookie: str = "") -> bytes:
    return (
        "POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Cookie: {cookie}\r\n{length_header}\r\n\r\n"
    ).encode()


def csrf_cookie(server) -> str:
    """The sign-in form's CSRF cookie: without one, Django refuses a POST
    before reading its body, and the upload would not be slow at all."""
    response, _, _ = timed_get(server, "/login/")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("csrftoken=")
    return cookie.split(";", 1)[0]


def test_pages_keep_answering_while_slow_uploads_hold_connections(plain_server):
    """Two workers; twelve uploads that trickle a few bytes every half second,
    more than 2 workers x 4 threads could hold. Sync workers would all be stuck
    reading those bodies and the page below would wait for them."""
    cookie = csrf_cookie(plain_server)
    uploads = []
    for _ in range(12):
        sock = socket.create_connection(("127.0.0.1", plain_server.port))
        sock.sendall(post_head(f"Content-Length: {MB}", cookie) + b"username=")
        uploads.append(sock)
    stop = threading.Event()

    def trickle():
        while not stop.wait(0.5):
            for sock in uploads:
                sock.sendall(b"aaaa")

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        time.sleep(1)
        for _ in range(5):
            response, _, seconds = timed_get(plain_server, "/login/")
            assert response.status == 200
            assert seconds < 2, f"the sign-in page took {seconds:.1f} s"
        # Still being read: none of the uploads has been answered.
        for sock in uploads:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
    finally:
        stop.set()
        trickler.join()
        for sock in uploads:
            sock.close()


def test_a_150_mb_body_is_refused_before_it_is_sent(plain_server):
    with socket.create_connection(("127.0.0.1", plain_server.port)) as sock:
        started = time.monotonic()
        sock.sendall(post_head(f"Content-Length: {150 * MB}") + b"x" * 65536)
        head, body = read_response(sock, 5)
        seconds = time.monotonic() - started
        assert head.startswith(b"HTTP/1.1 413"), head
        assert seconds < 2, f"refused after {seconds:.1f} s"
        assert "too large" in body and "2 MB" in body and "nothing was saved" in body
        # The rest of the body is not read: the server hangs up.
        sock.settimeout(5)
        with pytest.raises(OSError):
            for _ in range(150 * MB // 65536):
                sock.sendall(b"x" * 65536)


def test_a_chunked_body_is_read_only_up_to_the_limit(plain_server):
    with socket.create_connection(("127.0.0.1", plain_server.port)) as sock:
        sock.sendall(post_head("Transfer-Encoding: chunked"))
        chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
        sent = 0
        sock.settimeout(5)
        while sent < 100 * MB and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(chunk)
            except OSError:  # the server has stopped reading and hung up
                break
            sent += 65536
        head, body = read_response(sock, 5)
        assert head.startswith(b"HTTP/1.1 413"), head
        assert "too large" in body
        # 2 MB read, and what the two kernels' buffers take once it stops.
        assert sent < 16 * MB, f"{sent // MB} MB were sent before the refusal"


def test_static_files_go_out_compressed_with_hashed_names_cached_for_good(
    plain_server,
):
    url = staticfiles_storage.url("web/app.css")
    assert url != "/static/web/app.css", "the name should carry its hash"
    plain, plain_body, _ = timed_get(plain_server, url)
    packed, packed_body, _ = timed_get(
        plain_server, url, {"Accept-Encoding": "gzip, br"}
    )
    assert packed.headers["Content-Encoding"] in {"br", "gzip"}
    assert len(packed_body) < len(plain_body)
    for response in (plain, packed):
        assert "max-age=315360000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        assert "Accept-Encoding" in response.headers["Vary"]
