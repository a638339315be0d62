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


# Where links in e-mails point when neither FIRMDESK_BASE_URL nor a request
# says otherwise: `firmdesk run`'s own default address.
LOCAL_ADDRESS = "http://127.0.0.1:8000"


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` as a full address someone can open from outside FirmDesk.

    The configured public address (``FIRMDESK_BASE_URL``) wins: behind a proxy
    it is the one people reach. Without it, a page uses the address it was
    served from; a job, which has no request, the local default.
    """
    base = str(getattr(settings, "FIRMDESK_BASE_URL", "") or "").rstrip("/")
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return LOCAL_ADDRESS + path
