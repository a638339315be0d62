"""/api/v1/: the API's routes, each wrapped for Idempotency-Key and marked so
the page middleware (sign-in redirect, the page Scope) leaves it alone: the
API signs in by token and answers 401 in its own error shape."""

import json
from functools import wraps

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path, re_path

from . import errors
from .docs import api_docs
from .idempotency import idempotent
from .main import api


def _in_our_shape(view):
    """ninja answers a method a route does not take with its own plain-text
    405, outside the exception handlers: the same answer in the API's shape."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            ours = errors.error_response(
                405,
                errors.METHOD_NOT_ALLOWED.format(
                    method=request.method, allowed=" or ".join(allowed.split(", "))
                ),
            )
            ours["Allow"] = allowed
            return ours
        return response

    return wrapper


def _nul_in(value, name: str = "") -> str | None:
    """The field (dotted) of the first string holding a NUL character."""
    if isinstance(value, str):
        return (name or "body") if "\x00" in value else None
    if isinstance(value, dict):
        pairs = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        pairs = [(str(i), v) for i, v in enumerate(value)]
    else:
        return None
    for key, inner in pairs:
        inner_name = f"{name}.{key}" if name else key
        if "\x00" in key:
            return inner_name
        found = _nul_in(inner, inner_name)
        if found:
            return found
    return None


def _refuse_nul(view):
    """A NUL character (U+0000) is no text anyone types, and PostgreSQL cannot
    store it: refused up front, naming the field, for every route at once."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        field = next((k for k, v in request.GET.lists() if _nul_in([k, *v])), None)
        # JSON only: reading the body of a file upload would load it in memory.
        is_json = request.content_type == "application/json"
        if field is None and is_json and b"\\u0000" in request.body:
            try:
                field = _nul_in(json.loads(request.body))
            except ValueError:
                field = None  # not JSON: the route's parser answers 400
        if field is not None:
            return errors.error_response(
                422,
                "Text may not contain the NUL character (U+0000): remove it and "
                "send again.",
                {field: ["Contains a NUL character."]},
            )
        return view(request, *args, **kwargs)

    return wrapper


def no_such_route(request, rest=""):
    return errors.error_response(404, errors.NO_SUCH_ROUTE)


def _api_view(view):
    wrapped = idempotent(_refuse_nul(_in_our_shape(view)))
    wrapped.csrf_exempt = True  # a token, not a cookie: no CSRF to forge
    wrapped.login_required = False  # LoginRequiredMiddleware: the token decides
    wrapped.firmdesk_api = True  # ScopeMiddleware: api.auth resolves the Scope
    return wrapped


def _wrap(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            _wrap(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            entry.callback = _api_view(entry.callback)
    return patterns


_urls, _app, _namespace = api.urls
urlpatterns = [
    path("docs", api_docs, name="docs"),
    *_wrap(list(_urls)),
    # Last: any other address under /api/v1/ answers JSON, not the site's page.
    re_path(r"^(?P<rest>.*)$", _api_view(no_such_route)),
]
app_name = "api"  # ninja reverses its own routes in this namespace
