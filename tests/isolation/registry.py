"""Every route of FirmDesk and who may open it: the access rule, route by route.

``test_isolation.py`` walks the project's URL patterns and fails for any route
name missing here, so a new page cannot ship without saying who may see it.
Names carry their area's namespace, as ``reverse`` takes them: ``work:task_list``.
Add an entry to ``ROUTES`` with:

- ``kwargs``: how to build its URL from the shared fixtures (tests/conftest.py and
  tests/isolation/conftest.py), always pointing at a REAL row of firm A
  ("hale-ortiz"), so a 404 proves the rule and not a typo;
- ``allowed``: the fixtures (users) that must get ``success``;
- ``denied``: the users that must get 404 (``anonymous``: the sign-in page);
- ``foreign_kwargs`` for routes that take ids: the same URL with firm B's rows
  under firm A's slug, which every allowed user must get 404 for.

Users are fixture names; ``anonymous`` means no one is signed in.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from firmdesk.engagements.models import MatterGrant
from firmdesk.matters.models import MatterScreen

ANONYMOUS = "anonymous"

# Each fails exactly one condition of the access rule for firm A.
NO_FIRM_ACCESS = (
    ANONYMOUS,
    "outsider",  # member of another firm
    "unassigned_assistant",  # provider staff, not assigned to firm A
    "no_nda_assistant",  # assigned, no signed confidentiality agreement
    "ended_engagement_assistant",  # their engagement with firm A has ended
    "absent_assistant",  # recorded leave today
    "departed_assistant",  # marked as left by their provider
)
PROVIDER_STAFF_IN_FIRM = ("assistant", "ungranted_assistant")
FIRM_MEMBERS = ("firm_admin", "attorney", "firm_staff")
FIRM_NON_ADMINS = ("attorney", "firm_staff")
SIGNED_IN_SAMPLE = (
    "firm_admin",
    "attorney",
    "assistant",
    "outsider",
    "provider_admin",
    "departed_assistant",
)


def _firm(f) -> dict:
    return {"firm_slug": f.firm.slug}


def _engagement(f) -> dict:
    return {**_firm(f), "engagement_id": f.engagement.public_id}


def _other_engagement(f) -> dict:
    return {**_firm(f), "engagement_id": f.other_engagement.public_id}


def _staff_of(attr: str) -> Callable:
    return lambda f: {
        "provider_slug": f.provider.slug,
        "user_id": getattr(f, attr).public_id,
    }


def _grant_exists(f) -> bool:
    return MatterGrant.unscoped.filter(pk=f.revocable_grant.pk).exists()


@dataclass(frozen=True)
class Route:
    name: str
    allowed: tuple[str, ...]
    denied: tuple[str, ...] = ()
    kwargs: Callable | None = None
    method: str = "GET"
    success: int = 200
    foreign_kwargs: Callable | None = None
    # What a denied request must leave unchanged (POST routes).
    state: Callable | None = None
    public: bool = False
    why: str = ""

    def url_kwargs(self, f) -> dict:
        return self.kwargs(f) if self.kwargs else {}


@dataclass(frozen=True)
class RouteGroup:
    """A family of routes that share one rule, such as the Django admin."""

    namespace: str
    allowed: tuple[str, ...]
    denied: tuple[str, ...]
    expectation: str
    special: dict[str, str] = field(default_factory=dict)

    def covers(self, name: str) -> bool:
        return name.startswith(f"{self.namespace}:")


_ROUTES = [
    # --- Public and signed-in pages (no client data of their own) -----------
    Route("accounts:login", allowed=(ANONYMOUS,), public=True, why="the sign-in form"),
    Route(
        "accounts:logout",
        allowed=(ANONYMOUS, "firm_admin", "assistant"),
        method="POST",
        success=302,
        public=True,
        why="signing out is open to anyone and lands on the sign-in page",
    ),
    Route(
        "today:home",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        success=302,
        why="redirects to where the person's work is (today.views.landing_url)",
    ),
    Route(
        "today:today",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="each firm's rows found through that firm's Scope; see "
        "test_today_lists_firm_a_only_for_people_who_may_act_for_it",
    ),
    Route(
        "today:provider_team",
        kwargs=lambda f: {"provider_slug": f.provider.slug},
        allowed=("provider_admin",),
        denied=(ANONYMOUS, "firm_admin", "attorney", "assistant", "outsider"),
        why="the provider admin's landing page: numbers per person and firm, "
        "never a firm's rows",
    ),
    Route(
        "accounts:two_factor",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="the user's own authenticator device only",
    ),
    Route(
        "profile:settings",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="the user's own time zone only; no client data",
    ),
    # --- Firm pages: /f/<firm_slug>/ ----------------------------------------
    Route(
        "today:firm_today",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
    ),
    Route(
        "matters:matter_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="ungranted staff get the page with no matters on it",
    ),
    Route(
        "matters:matter_detail",
        kwargs=lambda f: {**_firm(f), "matter_id": f.matter.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "matter_id": f.other_matter.public_id},
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=(*NO_FIRM_ACCESS, "ungranted_assistant"),
    ),
    Route(
        "engagements:engagement_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="engagements are the firm's business",
    ),
    Route(
        "engagements:engagement_detail",
        kwargs=_engagement,
        foreign_kwargs=_other_engagement,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
    ),
    Route(
        "engagements:engagement_new",
        kwargs=_firm,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
    ),
    *(
        Route(
            name,
            kwargs=_engagement,
            foreign_kwargs=_other_engagement,
            allowed=("firm_admin",),
            denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
        )
        for name in (
            "engagements:engagement_edit",
            "engagements:engagement_assign",
            "engagements:engagement_nda",
            "engagements:engagement_grant",
            "engagements:engagement_end",
        )
    ),
    Route(
        "engagements:assignment_end",
        kwargs=lambda f: {
            **_engagement(f),
            "assignment_id": f.assistant_assignment.public_id,
        },
        foreign_kwargs=lambda f: {
            **_engagement(f),
            "assignment_id": f.other_assignment.public_id,
        },
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
        why="GET shows the confirmation; firm B's assignment under firm A's "
        "engagement is the foreign case",
    ),
    Route(
        "engagements:grant_revoke",
        kwargs=lambda f: {
            **_engagement(f),
            "grant_id": f.revocable_grant.public_id,
        },
        foreign_kwargs=lambda f: {
            **_engagement(f),
            "grant_id": f.other_grant.public_id,
        },
        method="POST",
        success=302,
        state=_grant_exists,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
        why="POST only, on a grant of its own so revoking it changes nothing else",
    ),
    Route(
        "engagements:people",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
    ),
    Route(
        "engagements:person_absences",
        kwargs=lambda f: {**_firm(f), "user_id": f.firm_admin.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "user_id": f.outsider.public_id},
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
        why="the foreign case is a member of firm B",
    ),
    Route(
        "audit:audit_log",
        kwargs=_firm,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
    ),
    # --- Contacts, conflict checks, opening matters, screens (issue 3) -------
    Route(
        "matters:contact_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="provider staff see only contacts on matters they may see",
    ),
    Route(
        "matters:contact_new",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="provider staff need the CRM or intake function",
    ),
    Route(
        "matters:contact_detail",
        kwargs=lambda f: {**_firm(f), "contact_id": f.contact.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "contact_id": f.other_contact.public_id},
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=(*NO_FIRM_ACCESS, "ungranted_assistant"),
        why="a party of a matter the ungranted assistant may not see",
    ),
    Route(
        "matters:contact_edit",
        kwargs=lambda f: {**_firm(f), "contact_id": f.contact.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "contact_id": f.other_contact.public_id},
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
    ),
    Route(
        "matters:contact_relationship_add",
        kwargs=lambda f: {**_firm(f), "contact_id": f.contact.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "contact_id": f.other_contact.public_id},
        method="POST",
        success=302,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
    ),
    Route(
        "matters:contact_export",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="the whole firm's contacts in one file stay with the firm",
    ),
    Route(
        "matters:import_page",
        kwargs=_firm,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
    ),
    Route(
        "matters:conflict_check_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="provider staff need the intake function",
    ),
    Route(
        "matters:conflict_check_new",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
    ),
    Route(
        "matters:conflict_check_detail",
        kwargs=lambda f: {**_firm(f), "check_id": f.conflict_check.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "check_id": f.other_check.public_id},
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
    ),
    Route(
        "matters:matter_open",
        kwargs=lambda f: {**_firm(f), "check_id": f.cleared_check.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "check_id": f.other_check.public_id},
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
    ),
    Route(
        "matters:matter_screens",
        kwargs=lambda f: {**_firm(f), "matter_id": f.matter.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "matter_id": f.other_matter.public_id},
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
    ),
    Route(
        "matters:matter_screen_delete",
        kwargs=lambda f: {
            **_firm(f),
            "matter_id": f.matter.public_id,
            "screen_id": f.screen.public_id,
        },
        foreign_kwargs=lambda f: {
            **_firm(f),
            "matter_id": f.other_matter.public_id,
            "screen_id": f.other_screen.public_id,
        },
        method="POST",
        success=302,
        state=lambda f: MatterScreen.unscoped.filter(pk=f.screen.pk).exists(),
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
    ),
    # --- Provider pages: /p/<provider_slug>/ --------------------------------
    Route(
        "engagements:provider_staff",
        kwargs=lambda f: {"provider_slug": f.provider.slug},
        allowed=("provider_admin",),
        denied=(
            ANONYMOUS,
            "assistant",
            "outsider",
            "firm_admin",
            "other_provider_admin",
        ),
    ),
    *(
        Route(
            name,
            kwargs=_staff_of("assistant"),
            foreign_kwargs=_staff_of("ended_engagement_assistant"),
            allowed=("provider_admin",),
            denied=(
                ANONYMOUS,
                "assistant",
                "outsider",
                "firm_admin",
                "other_provider_admin",
            ),
            why="the foreign case is another provider's staff member",
        )
        for name in (
            "engagements:provider_staff_absences",
            "engagements:provider_staff_left",
        )
    ),
]


def _more_routes():
    # The work pages keep their entries in files of their own.
    from . import (
        registry_bench,
        registry_billing_imports,
        registry_billing_invoices,
        registry_billing_ledes,
        registry_billing_provider_bills,
        registry_billing_receivables,
        registry_billing_review,
        registry_billing_setup,
        registry_billing_time,
        registry_documents_exhibits,
        registry_documents_library,
        registry_documents_public_shares,
        registry_documents_shares,
        registry_documents_signed,
        registry_documents_templates,
        registry_insights_audit,
        registry_insights_costs,
        registry_insights_dashboard,
        registry_insights_fit,
        registry_insights_home,
        registry_insights_pilots,
        registry_insights_reports,
        registry_insights_scorecards,
        registry_intake,
        registry_integrations_tokens,
        registry_integrations_webhooks,
        registry_matters,
        registry_playbooks,
        registry_public_intake,
        registry_reception,
        registry_scheduling,
        registry_search,
        registry_security_accounts,
        registry_security_audit,
        registry_security_consent,
        registry_security_ending,
        registry_security_incidents,
        registry_security_sensitive,
        registry_security_texts,
        registry_serving,
        registry_work,
    )

    return [
        *registry_work.ROUTES,
        *registry_serving.ROUTES,
        *registry_bench.ROUTES,
        *registry_playbooks.ROUTES,
        *registry_scheduling.ROUTES,
        *registry_reception.ROUTES,
        *registry_intake.ROUTES,
        *registry_public_intake.ROUTES,
        *registry_matters.ROUTES,
        *registry_search.ROUTES,
        *registry_billing_review.ROUTES,
        *registry_billing_provider_bills.ROUTES,
        *registry_billing_time.ROUTES,
        *registry_billing_setup.ROUTES,
        *registry_billing_receivables.ROUTES,
        *registry_billing_imports.ROUTES,
        *registry_billing_ledes.ROUTES,
        *registry_billing_invoices.ROUTES,
        *registry_insights_home.ROUTES,
        *registry_insights_audit.ROUTES,
        *registry_insights_fit.ROUTES,
        *registry_insights_costs.ROUTES,
        *registry_insights_scorecards.ROUTES,
        *registry_insights_pilots.ROUTES,
        *registry_insights_dashboard.ROUTES,
        *registry_insights_reports.ROUTES,
        *registry_documents_library.ROUTES,
        *registry_documents_templates.ROUTES,
        *registry_documents_exhibits.ROUTES,
        *registry_documents_shares.ROUTES,
        *registry_documents_public_shares.ROUTES,
        *registry_documents_signed.ROUTES,
        *registry_security_ending.ROUTES,
        *registry_security_texts.ROUTES,
        *registry_security_consent.ROUTES,
        *registry_security_audit.ROUTES,
        *registry_security_sensitive.ROUTES,
        *registry_security_incidents.ROUTES,
        *registry_security_accounts.ROUTES,
        *registry_integrations_tokens.ROUTES,
        *registry_integrations_webhooks.ROUTES,
    ]


ROUTES: dict[str, Route] = {route.name: route for route in [*_ROUTES, *_more_routes()]}

ADMIN = RouteGroup(
    namespace="admin",
    allowed=("superuser",),
    denied=(ANONYMOUS, "firm_admin", "attorney", "assistant", "provider_admin"),
    expectation=(
        "Django admin: superusers only. Everyone else is sent to a sign-in page "
        "(anonymous: /login/, signed-in non-staff: the admin's login)."
    ),
    special={
        "admin:login": "public: the admin's sign-in form",
        "admin:logout": "a redirect for everyone but staff: to the admin's "
        "sign-in form (anonymous) or the admin index (signed in, not staff)",
    },
)
API = RouteGroup(
    namespace="api",
    allowed=(),
    denied=(),
    expectation=(
        "The JSON API signs in by token, not by session: every operation is "
        "declared, with whose token may call it, in api_registry.py and proved "
        "by test_api_isolation.py."
    ),
)
GROUPS = (ADMIN, API)


@dataclass(frozen=True)
class Pattern:
    """One resolvable URL pattern: its full name (with namespaces) and route."""

    name: str | None
    route: str
    namespace: str | None
    pattern: URLPattern


def walk(urlconf=None) -> list[Pattern]:
    """Every URL pattern of ``urlconf`` (the project's by default), included
    ones too, with namespaced names such as ``admin:index``."""
    found: list[Pattern] = []

    def visit(resolver: URLResolver, namespace: str | None, prefix: str):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = (
                        f"{namespace}:{entry.namespace}"
                        if namespace
                        else entry.namespace
                    )
                visit(entry, inner, route)
            else:
                name = entry.name
                if name and namespace:
                    name = f"{namespace}:{name}"
                found.append(Pattern(name, route, namespace, entry))

    visit(get_resolver(urlconf), None, "")
    return found


def group_for(pattern: Pattern) -> RouteGroup | None:
    for group in GROUPS:
        top = (pattern.namespace or "").split(":")[0]
        if top == group.namespace:
            return group
    return None


def unregistered_routes(urlconf=None) -> list[str]:
    """Route names (or ``<unnamed> route`` for patterns without a name) that
    have no entry here. An unnamed pattern outside a group cannot be
    registered, so it is reported too: give it a name."""
    missing = []
    for pattern in walk(urlconf):
        if group_for(pattern) is not None:
            continue
        if pattern.name is None:
            missing.append(f"<unnamed> {pattern.route}")
        elif pattern.name not in ROUTES:
            missing.append(pattern.name)
    return sorted(set(missing))


def stale_entries(urlconf=None) -> list[str]:
    """Registry entries whose route no longer exists."""
    names = {p.name for p in walk(urlconf)}
    return sorted(name for name in ROUTES if name not in names)
