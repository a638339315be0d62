"""Facts about a request that several parts of FirmDesk need the same answer to."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address a request came from, for rate limits and the sign-in lockout.

    X-Forwarded-For is anyone's to write, so it counts only behind a proxy the
    settings say is there (``FIRMDESK_TRUST_X_FORWARDED_FOR``), and then only
    its last hop: the one that proxy added, whatever the client sent before it.
    """
    if getattr(settings, "FIRMDESK_TRUST_X_FORWARDED_FOR", False):
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if hops:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR", ""))
