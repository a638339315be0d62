"""The web server's access log never holds a share link's token
(web/documents/public_shares/access_log.py, used by ``firmdesk run``), nor does
any other log line of the app (redact.py, a filter in settings.LOGGING)."""

import datetime as dt
import secrets
from types import SimpleNamespace

from gunicorn.config import Config

from firmdesk.web.documents.public_shares.access_log import AccessLog


def _atoms(path, referer="-"):
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": referer,
    }
    resp = SimpleNamespace(status="200 OK", headers=[], sent=2048)
    req = SimpleNamespace(headers=[("REFERER", referer)])
    return AccessLog(Config()).atoms(resp, req, environ, dt.timedelta(seconds=1))


def test_access_log_keeps_the_share_path_but_not_its_token():
    token = secrets.token_urlsafe(32)
    atoms = _atoms(f"/s/{token}/download/", referer=f"https://desk.test/s/{token}/")
    logged = " ".join(str(v) for v in atoms.values())
    assert token not in logged
    assert atoms["r"] == "POST /s/…/download/ HTTP/1.1"
    assert atoms["U"] == "/s/…/download/" and atoms["f"] == "https://desk.test/s/…/"


def test_other_addresses_are_logged_as_they_are():
    path = "/f/hale-ortiz/documents/6f1c1f3e-0000-4000-8000-000000000000/shares/"
    assert _atoms(path)["U"] == path


def test_log_lines_of_the_app_write_the_share_path_without_its_token():
    import logging

    from firmdesk.web.documents.public_shares.redact import RedactShareTokens

    token = secrets.token_urlsafe(32)
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        (f"/s/{token}/download/",),
        None,
    )
    assert RedactShareTokens().filter(record)
    assert record.getMessage() == "Internal Server Error: /s/…/download/"
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    assert any(isinstance(f, RedactShareTokens) for f in handler.filters)
