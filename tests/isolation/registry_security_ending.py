"""Isolation registry entries for ending an engagement (issue 20): exporting
its work and downloading the return-of-data certificate in the firm's space;
the provider admin certifying in the provider's (format: registry.py).
``engagements:engagement_end`` itself keeps its entry in registry.py."""

from .registry import (
    ANONYMOUS,
    FIRM_NON_ADMINS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
)

FIRM_ADMIN_ONLY = NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS
PROVIDER_DENIED = (
    ANONYMOUS,
    "assistant",
    "outsider",
    "firm_admin",
    "other_provider_admin",
)


def _engagement_of(closed: str):
    return lambda f: {
        "firm_slug": f.firm.slug,
        "engagement_id": getattr(f, closed).engagement.public_id,
    }


def _export_of(closed: str):
    return lambda f: {
        **_engagement_of(closed)(f),
        "export_id": getattr(f, closed).export.public_id,
    }


def _certificate_of(closed: str):
    return lambda f: {
        "provider_slug": f.provider.slug,
        "certificate_id": getattr(f, closed).certificate.public_id,
    }


ROUTES: list = [
    Route(
        "engagements:engagement_export_new",
        kwargs=_engagement_of("ending_certified"),
        foreign_kwargs=_engagement_of("ending_other_firm_certified"),
        allowed=("firm_admin",),
        denied=FIRM_ADMIN_ONLY,
        why="exporting an ended engagement's work is the firm admin's (and asks "
        "for the password again)",
    ),
    Route(
        "engagements:engagement_export_download",
        kwargs=_export_of("ending_certified"),
        foreign_kwargs=_export_of("ending_other_firm_certified"),
        allowed=("firm_admin",),
        denied=FIRM_ADMIN_ONLY,
        why="the encrypted zip of the engagement's work: firm admins only, "
        "audited; the foreign case is firm B's export under firm A's slug",
    ),
    Route(
        "engagements:engagement_return_certificate",
        kwargs=_engagement_of("ending_certified"),
        foreign_kwargs=_engagement_of("ending_other_firm_certified"),
        allowed=("firm_admin",),
        denied=FIRM_ADMIN_ONLY,
        why="the provider's signed certificate, downloaded by the firm's admins",
    ),
    Route(
        "engagements:provider_returns",
        kwargs=lambda f: {"provider_slug": f.provider.slug},
        allowed=("provider_admin",),
        denied=PROVIDER_DENIED,
        why="the provider admin's list of their ended engagements: firm and "
        "engagement names, no client data",
    ),
    Route(
        "engagements:provider_return_certify",
        kwargs=_certificate_of("ending_awaiting"),
        foreign_kwargs=_certificate_of("ending_other_provider_awaiting"),
        allowed=("provider_admin",),
        denied=PROVIDER_DENIED,
        why="the provider admin certifies for their own provider only; the "
        "foreign case is another provider's certificate with firm A",
    ),
    Route(
        "engagements:provider_return_pdf",
        kwargs=_certificate_of("ending_certified"),
        foreign_kwargs=_certificate_of("ending_other_provider_awaiting"),
        allowed=("provider_admin",),
        denied=PROVIDER_DENIED,
        why="the provider's own copy of what it signed",
    ),
]
