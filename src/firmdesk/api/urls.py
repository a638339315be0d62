"""/api/v1/: the API's routes, each wrapped for Idempotency-Key and marked so
the page middleware (sign-in redirect, the page Scope) leaves it alone: the
API signs in by token and answers 401 in its own error shape."""

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


def no_such_route(request, rest=""):
    return errors.error_response(404, errors.NO_SUCH_ROUTE)


def _api_view(view):
    wrapped = idempotent(_in_our_shape(view))
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
