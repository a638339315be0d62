"""gunicorn's access log without share-link tokens: ``firmdesk run`` serves with
``--logger-class`` naming ``AccessLog``. A token in the address is the key to a
client's file, so a log line keeps ``/s/…`` and drops the token itself — from
the request line, the path and the referring address alike."""

import re

from gunicorn.glogging import Logger

# token_urlsafe(32) is 43 characters; anything as long as 16 under /s/ is
# treated as one, so a shortened or mistyped token is not logged either.
SHARE_TOKEN = re.compile(r"/s/[A-Za-z0-9_-]{16,}")


def redact(value):
    return SHARE_TOKEN.sub("/s/…", value) if isinstance(value, str) else value


class AccessLog(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) for key, value in atoms.items()}
