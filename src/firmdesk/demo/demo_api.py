"""The demo's API tokens (issue 21; docs/demo.md "Try the API").

Two tokens for Hale & Ortiz, made through ``integrations.tokens`` (so they
are listed, audited and revocable like any other): one of the attorney, one
of Northstar's assistant, who sees only what is opened to her. Their secrets
are fixed and published (``firmdesk demo`` and ``firmdesk run`` print them),
so they start ``fd_demo_`` and say what they are: demo only. Each is made
only when missing; one that someone revoked stays revoked (and is no longer
printed), as a revoked token does.
"""

from dataclasses import dataclass

from firmdesk.integrations import tokens
from firmdesk.integrations.models import ApiToken
from firmdesk.orgs.models import Organization, User

FIRM = "hale-ortiz"
TOKEN_NAME = "Demo: try the API"


@dataclass(frozen=True)
class DemoToken:
    email: str
    secret: str
    what: str


TOKENS = (
    DemoToken(
        f"attorney@{FIRM}.example",
        tokens.DEMO_PREFIX + "attorney_hale_ortiz_not_a_secret",
        "the attorney: every Hale & Ortiz matter and task",
    ),
    DemoToken(
        "assistant@northstar.example",
        tokens.DEMO_PREFIX + "assistant_hale_ortiz_not_a_secret",
        "Northstar's assistant: only what Hale & Ortiz opened to her",
    ),
)


def _live(secret: str) -> bool:
    return ApiToken.objects.filter(
        digest=tokens.digest_of(secret), revoked_at__isnull=True
    ).exists()


def api_load(loader) -> int:
    """Make the demo's tokens that are missing; return how many were made."""
    firm = loader.orgs[FIRM]
    made = 0
    for spec in TOKENS:
        if ApiToken.objects.filter(digest=tokens.digest_of(spec.secret)).exists():
            continue
        tokens.token_create(
            user=loader.people[spec.email],
            firm=firm,
            name=TOKEN_NAME,
            demo_secret=spec.secret,
        )
        made += 1
    return made


@dataclass(frozen=True)
class ApiTry:
    email: str
    token: str
    what: str


def demo_api_tries() -> tuple[str, list[ApiTry]]:
    """The firm slug and the demo's live tokens, to print after the sign-ins."""
    if not Organization.objects.filter(slug=FIRM).exists():
        return FIRM, []
    emails = set(
        User.objects.filter(email__in=[t.email for t in TOKENS]).values_list(
            "email", flat=True
        )
    )
    return FIRM, [
        ApiTry(spec.email, spec.secret, spec.what)
        for spec in TOKENS
        if spec.email in emails and _live(spec.secret)
    ]
