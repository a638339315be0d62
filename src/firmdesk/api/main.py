"""The JSON API at /api/v1/ (issue 21): one NinjaAPI, one router per area.

Every firm route lives under ``/api/v1/f/{firm_slug}/`` as the pages do under
``/f/<firm_slug>/``; ``api.auth.TokenAuth`` resolves the token's Scope for
that firm and puts it on ``request.scope``. Routes read rows only through it
(``Model.objects.in_scope(request.scope)`` or an ``access_*`` helper), so a
row outside it is a 404. Errors have one shape (``api.errors``); every token
has a rate limit (``FIRMDESK_API_RATE_LIMIT``).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.throttling import AuthRateThrottle

from firmdesk.common.errors import ServiceError

from . import errors
from .auth import TokenAuth
from .routes import ROUTERS

DESCRIPTION = """\
FirmDesk's API for the tools a firm and its support provider already use.
Every route acts for one firm (`/api/v1/f/{firm_slug}/…`) with a personal
token's access: exactly what its person may see and do on the pages. See the
API guide (docs/api.md) for tokens, pagination, idempotency keys, ETags,
rate limits and webhooks.
"""

api = NinjaAPI(
    title="FirmDesk API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=AuthRateThrottle(settings.FIRMDESK_API_RATE_LIMIT),
    docs_url=None,
)

for prefix, router in ROUTERS:
    api.add_router(prefix, router)


def _fields_from_ninja(exc: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        # loc: ("body", "payload", "title") / ("query", "limit")
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "payload")]
        where = ("query", "path", "form", "file")
        name = ".".join(loc[1:] if loc and loc[0] in where else loc)
        fields.setdefault(name or "body", []).append(error.get("msg", "Invalid."))
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
    return errors.error_response(
        429,
        "Too many requests with this token: wait the seconds Retry-After gives, "
        "then go on. The limit is per token "
        f"({settings.FIRMDESK_API_RATE_LIMIT}).",
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return errors.error_response(exc.status_code, str(exc.message))
