"""One error body for every refusal the API gives (issue 21):

    {"message": "What went wrong and what to do.",
     "fields": {"title": ["Give the matter a title."]}}

``fields`` is empty when no one field is to blame. Raise these from routes;
``api.main`` turns them, and Django's and ninja's own errors, into that body.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse

from .schema import Schema


class ErrorOut(Schema):
    message: str
    fields: dict[str, list[str]] = {}


class ApiError(Exception):
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class PreconditionFailed(ApiError):
    """If-Match named an ETag that is no longer the object's (a lost update)."""

    status = 412


class Conflict(ApiError):
    status = 409


class Unprocessable(ApiError):
    status = 422


def error_response(
    status: int, message: str, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    return JsonResponse({"message": message, "fields": fields or {}}, status=status)


def from_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.message, exc.fields)


NOT_FOUND = "Not found: it does not exist, or this token may not see it."
UNAUTHORIZED = (
    "Send a valid API token as “Authorization: Bearer fd_…”. Make one on your "
    "account's API tokens page; a revoked token stops working at once."
)
UNREADABLE_BODY = (
    "The body could not be read: send one JSON object, with the header "
    "“Content-Type: application/json”."
)
METHOD_NOT_ALLOWED = "This address does not take {method}: use {allowed}."
NO_SUCH_ROUTE = (
    "There is no API route at this address. The reference lists them all: /api/v1/docs."
)
DATABASE_UNAVAILABLE = (
    "FirmDesk's database did not answer for a moment (it may be restarting); "
    "nothing was changed. Send the same request again after the seconds "
    "Retry-After gives, with the same Idempotency-Key."
)
SERVER_ERROR = (
    "Something went wrong on FirmDesk's side; nothing you sent was at fault. "
    "Try again in a moment; if it keeps happening, tell the people who run "
    "FirmDesk the time and the address you called."
)
