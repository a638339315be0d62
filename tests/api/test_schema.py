"""Generated calls against the live OpenAPI file (schemathesis): for every
operation the API has when this runs, a bounded number of requests made from
its declared parameters and bodies, sent through the WSGI app with a token of
someone the isolation registry allows, on the isolation world's rows.

Each must answer without a server error, with a status the operation
declares, and with a body that matches the schema declared for that status.
Path parameters are fixed to the registry entry's ``kwargs`` (real rows of
firm A), or every generated call would be a 404 and prove nothing.

Examples are derandomized and kept in no database, so a failure here fails
the same way on every run and machine. ``SCHEMA_EXAMPLES`` (default 10) asks
for more when exploring.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, example, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from firmdesk.api.main import api
from tests.api.helpers import token_for
from tests.isolation.api_registry import API_ROUTES, NO_TOKEN
from tests.isolation.conftest import *  # noqa: F403  (the isolation world)

EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operations() -> dict[str, str]:
    """``"<METHOD> api:<url name>"`` → the operationId in the OpenAPI file."""
    found = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                name = getattr(op, "url_name", None) or op.view_func.__name__
                for method in op.methods:
                    found[f"{method} api:{name}"] = api.get_openapi_operation_id(op)
    return found


OPERATIONS = _operations()


@pytest.fixture
def wsgi(db):
    """The project's WSGI app, as a server runs it, inside the test's
    transaction: like Django's test client, it must not close the database
    connection at each request's start and end (that would end the test's
    transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def openapi(wsgi):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi)


def _caller(route) -> str:
    """A firm admin where they may call it, else the first person who may."""
    allowed = [who for who in route.allowed if who != NO_TOKEN]
    return "firm_admin" if "firm_admin" in allowed else allowed[0]


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_generated_calls_get_no_server_error_and_the_declared_answer(
    openapi, fixtures, settings_override, key
):
    route = API_ROUTES.get(key)
    if route is None:
        pytest.fail(f"{key} has no entry in tests/isolation/api_registry*.py")
    user = fixtures.user(_caller(route))
    home = fixtures.other_firm if _caller(route) == "outsider" else fixtures.firm
    headers = {"Authorization": f"Bearer {token_for(user, home)}"}
    path = {
        k: str(v) for k, v in (route.kwargs(fixtures) if route.kwargs else {}).items()
    }
    operation = openapi.find_operation_by_id(OPERATIONS[key])
    strategy = operation.as_strategy(path_parameters=path, headers=headers)
    known_good = _registry_call(operation, route, fixtures, path, headers)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def calls(case):
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    if known_good is not None:
        calls = example(case=known_good)(calls)
    calls()


def _registry_call(operation, route, fixtures, path, headers):
    """The isolation registry's own call, which succeeds, as the first example:
    random bodies rarely pass a service's checks, and the success answer's
    schema must be checked too. None for a body that is not JSON (uploads)."""
    kwargs = {"path_parameters": path, "headers": headers}
    if route.query:
        kwargs["query"] = route.query(fixtures)
    if route.body:
        if "application/json" not in [b.media_type for b in operation.body]:
            return None
        kwargs["body"] = route.body(fixtures)
        kwargs["media_type"] = "application/json"
    return operation.Case(**kwargs)


@pytest.fixture
def settings_override(settings):
    """Hundreds of calls with one token in a few seconds: no rate limit here
    (tests/api/test_rate_limit.py has it)."""
    settings.FIRMDESK_API_RATE_LIMIT = "1000000/min"
    return settings
