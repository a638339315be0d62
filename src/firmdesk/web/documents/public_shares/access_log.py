"""gunicorn's access log without share-link tokens: ``firmdesk run`` serves with
``--logger-class`` naming ``AccessLog``, which writes ``/s/…`` for the token in
the request line, the path and the referring address alike (redact.py)."""

from gunicorn.glogging import Logger

from .redact import redact


class AccessLog(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) for key, value in atoms.items()}
