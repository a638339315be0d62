"""The JSON API at /api/v1/ (issue 21): one NinjaAPI, one router per area.

Every firm route lives under ``/api/v1/f/{firm_slug}/`` as the pages do under
``/f/<firm_slug>/``; ``api.auth.TokenAuth`` resolves the token's Scope for
that firm and puts it on ``request.scope``. Routes read rows only through it
(``Model.objects.in_scope(request.scope)`` or an ``access_*`` helper), so a
row outside it is a 404. Errors have one shape (``api.errors``); every token
has a rate limit (``FIRMDESK_API_RATE_LIMIT``).
"""

import logging
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.throttling import AuthRateThrottle
from redis.exceptions import RedisError

from firmdesk.common.db import close_broken_connections
from firmdesk.common.errors import ServiceError

from . import errors
from .auth import TokenAuth
from .rendering import RENDERER
from .routes import ROUTERS

logger = logging.getLogger(__name__)

DESCRIPTION = """\
FirmDesk's API for the tools a firm and its support provider already use.
Every route acts for one firm (`/api/v1/f/{firm_slug}/…`) with a personal
token's access: exactly what its person may see and do on the pages. See the
API guide (docs/api.md) for tokens, pagination, idempotency keys, ETags,
rate limits and webhooks.
"""


class TokenRateThrottle(AuthRateThrottle):
    """Per token (``ApiToken.__str__``), at ``FIRMDESK_API_RATE_LIMIT`` read on
    each request rather than once at import, so a changed setting (a test's
    small limit among them) applies at once."""

    def __init__(self):
        super().__init__(settings.FIRMDESK_API_RATE_LIMIT)

    def allow_request(self, request) -> bool:
        if self.rate != settings.FIRMDESK_API_RATE_LIMIT:
            self.rate = settings.FIRMDESK_API_RATE_LIMIT
            self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request)
        except (OSError, RedisError):
            # The shared cache (Redis) is down: the firm's integrations keep
            # working unthrottled rather than failing; /health reports the cache.
            logger.warning("API rate limit not counted: the cache is unavailable.")
            return True


api = NinjaAPI(
    title="FirmDesk API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=TokenRateThrottle(),
    docs_url=None,
    renderer=RENDERER,
)

for prefix, router in ROUTERS:
    api.add_router(prefix, router)


def _field_name(loc) -> str:
    """The field as the client names it: ninja's loc is ("body", <the route's
    body parameter>, "title", …) or ("query", "limit"); the client knows
    nothing of the parameter's name."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:]
    elif parts[:1] and parts[0] in (
        "query",
        "path",
        "header",
        "cookie",
        "form",
        "file",
    ):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _fields_from_ninja(exc: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        name = _field_name(error.get("loc", ()))
        fields.setdefault(name, []).append(error.get("msg", "Invalid."))
    return fields


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return errors.error_response(
        422, "Some values need correcting: see fields.", _fields_from_ninja(exc)
    )


@api.exception_handler(errors.ApiError)
def _api_error(request, exc: errors.ApiError):
    return errors.from_api_error(request, exc)


@api.exception_handler(ServiceError)
def _service_error(request, exc: ServiceError):
    fields = {exc.field: [exc.message]} if exc.field else {}
    return errors.error_response(422, exc.message, fields)


@api.exception_handler(DjangoValidationError)
def _django_invalid(request, exc: DjangoValidationError):
    if hasattr(exc, "message_dict"):
        fields = {k: list(v) for k, v in exc.message_dict.items()}
        return errors.error_response(422, "Some values need correcting.", fields)
    return errors.error_response(422, " ".join(exc.messages))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return errors.error_response(404, errors.NOT_FOUND)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    # The access rule answers 404 for anything outside the scope, never 403.
    return errors.error_response(404, errors.NOT_FOUND)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    response = errors.error_response(401, errors.UNAUTHORIZED)
    response["WWW-Authenticate"] = 'Bearer realm="FirmDesk API"'
    return response


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    response = errors.error_response(
        429,
        "Too many requests with this token: wait the seconds Retry-After gives, "
        "then go on. The limit is per token "
        f"({settings.FIRMDESK_API_RATE_LIMIT}).",
    )
    # ninja sets the header only when its throttle could say how long to wait
    # (not when the limit was lowered below what was already used): then the
    # whole window.
    _count, window = TokenRateThrottle().parse_rate(settings.FIRMDESK_API_RATE_LIMIT)
    wait = exc.wait if exc.wait is not None else window
    response["Retry-After"] = str(max(1, math.ceil(wait or 1)))
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:  # ninja: "Cannot parse request body"
        return errors.error_response(400, errors.UNREADABLE_BODY)
    return errors.error_response(exc.status_code, str(exc.message))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request, exc: Exception):
    """503, not 500: the database went away under the request (restarted, a
    connection cut). Each route writes in one transaction, rolled back with
    it (and so is its Idempotency-Key), so the client may send it again."""
    logger.warning(
        "Database unavailable on %s %s: %s", request.method, request.path, exc
    )
    close_broken_connections()
    response = errors.error_response(503, errors.DATABASE_UNAVAILABLE)
    response["Retry-After"] = "2"
    return response


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    # A client parses one shape even from a bug of ours; the traceback goes to
    # the log (Django's own 500 line would not carry it).
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return errors.error_response(500, errors.SERVER_ERROR)
