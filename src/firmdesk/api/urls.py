"""/api/v1/: the API's routes, each wrapped for Idempotency-Key and marked so
the page middleware (sign-in redirect, the page Scope) leaves it alone: the
API signs in by token and answers 401 in its own error shape."""

from django.urls import URLPattern, URLResolver, path

from .docs import api_docs
from .idempotency import idempotent
from .main import api


def _api_view(view):
    wrapped = idempotent(view)
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
]
app_name = "api"  # ninja reverses its own routes in this namespace
