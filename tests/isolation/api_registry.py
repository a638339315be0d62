"""Every API operation and whose token may call it: the access rule, route by
route, for the JSON API (issue 21). ``test_api_isolation.py`` enumerates the
API's operations and fails for any missing here.

Entries are keyed ``"<METHOD> api:<url name>"`` and say:

- ``kwargs``: the path's values from the isolation world's fixtures, always a
  REAL row of firm A ("hale-ortiz"), so a 404 proves the rule and not a typo;
- ``allowed``: users whose token for firm A gets ``success``;
- ``denied``: users whose token gets 404 (``NO_TOKEN``: no token, 401);
- ``foreign_kwargs``: the same path with firm B's rows under firm A's slug;
- ``body`` / ``query``: what to send (``f -> dict``), ``state``: what a denied
  write must leave unchanged;
- ``audit``: the event an allowed read must write (with ``audit_matter``: the
  fixture of the matter it names, or None), or ``no_audit`` saying why none:
  detail reads, downloads and exports must say one or the other.

Users who have no access to firm A have a token bound to firm A all the same
(made while they had access, say): the rule, not the token, refuses them.
The outsider's token is for firm B.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .registry import NO_FIRM_ACCESS

NO_TOKEN = "anonymous"
API_NO_FIRM_ACCESS = (*NO_FIRM_ACCESS, "provider_admin")
PROVIDER_STAFF_IN_FIRM = ("assistant", "ungranted_assistant")
FIRM_MEMBERS = ("firm_admin", "attorney", "firm_staff")
EVERYONE_IN_FIRM = FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM


def firm(f) -> dict:
    return {"firm_slug": f.firm.slug}


@dataclass(frozen=True)
class ApiRoute:
    key: str  # "GET api:list_matters"
    allowed: tuple[str, ...]
    denied: tuple[str, ...] = API_NO_FIRM_ACCESS
    kwargs: Callable | None = firm
    foreign_kwargs: Callable | None = None
    body: Callable | None = None
    query: Callable | None = None
    success: int = 200
    state: Callable | None = None
    audit: str = ""
    audit_matter: str | None = "matter"
    no_audit: str = ""
    # Content the body must be (a file's bytes are not JSON).
    json: bool = True
    why: str = ""

    @property
    def method(self) -> str:
        return self.key.split(" ", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(" ", 1)[1]


def _matter(f) -> dict:
    return {**firm(f), "matter_id": f.matter.public_id}


def _other_matter(f) -> dict:
    return {**firm(f), "matter_id": f.other_matter.public_id}


def _matter_title(f) -> str:
    f.matter.refresh_from_db()
    return f.matter.title


_ROUTES = [
    ApiRoute(
        "GET api:list_matters",
        allowed=EVERYONE_IN_FIRM,
        why="ungranted staff get an empty list",
    ),
    ApiRoute(
        "GET api:get_matter",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=(*API_NO_FIRM_ACCESS, "ungranted_assistant"),
        audit="matter.viewed",
    ),
    ApiRoute(
        "PATCH api:update_matter",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        body=lambda f: {"title": "Lopez v. Acme (renamed by API)"},
        allowed=("firm_admin", "attorney"),
        denied=(*API_NO_FIRM_ACCESS, "ungranted_assistant"),
        state=_matter_title,
        why="firm staff and the granted assistant see it but get 422 (only "
        "attorneys and admins change matters): see tests/api",
    ),
]


def _more_routes():
    from . import (
        api_registry_behaviour,
        api_registry_documents_billing,
        api_registry_matters,
        api_registry_scheduling_intake,
        api_registry_webhooks,
        api_registry_work,
    )

    return [
        *api_registry_matters.ROUTES,
        *api_registry_work.ROUTES,
        *api_registry_scheduling_intake.ROUTES,
        *api_registry_documents_billing.ROUTES,
        *api_registry_webhooks.ROUTES,
        *api_registry_behaviour.ROUTES,
    ]


API_ROUTES: dict[str, ApiRoute] = {r.key: r for r in [*_ROUTES, *_more_routes()]}

# The API's pages that are not operations: open to anyone, no firm data.
PUBLIC = {
    "api:docs": "the reference page",
    "api:openapi-json": "the OpenAPI file",
    "api:api-root": "ninja's anchor for the API's address: no route of its own",
}


def operations() -> list[str]:
    """``"<METHOD> api:<url name>"`` for every operation of the API."""
    from firmdesk.api.main import api

    keys = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                name = getattr(op, "url_name", None) or op.view_func.__name__
                keys += [f"{method} api:{name}" for method in op.methods]
    return sorted(keys)
