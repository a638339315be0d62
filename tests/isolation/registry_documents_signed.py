"""Isolation registry entries for signed agreements: keeping the master
agreement, reading a signed text in the firm's space, and a provider admin
reading their staff's agreements (format: registry.py)."""

from .registry import (
    ANONYMOUS,
    FIRM_MEMBERS,
    FIRM_NON_ADMINS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
)


def _engagement(f) -> dict:
    return {"firm_slug": f.firm.slug, "engagement_id": f.engagement.public_id}


def _staff_agreement(user: str, agreement: str):
    return lambda f: {
        "provider_slug": f.provider.slug,
        "user_id": getattr(f, user).public_id,
        "agreement_id": getattr(f, agreement).public_id,
    }


ROUTES: list = [
    Route(
        "engagements:engagement_master",
        kwargs=_engagement,
        foreign_kwargs=lambda f: {
            "firm_slug": f.firm.slug,
            "engagement_id": f.other_engagement.public_id,
        },
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
        why="GET shows the form; keeping the agreement is the firm admin's",
    ),
    Route(
        "engagements:signed_agreement",
        kwargs=lambda f: {
            "firm_slug": f.firm.slug,
            "agreement_id": f.signed_nda.public_id,
        },
        foreign_kwargs=lambda f: {
            "firm_slug": f.firm.slug,
            "agreement_id": f.other_signed_nda.public_id,
        },
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=(*NO_FIRM_ACCESS, "ungranted_assistant"),
        why="the firm's members, and the signer themself (the assistant); "
        "other staff of the same provider never; the foreign case is the same "
        "signer's agreement with firm B",
    ),
    Route(
        "engagements:provider_staff_agreement",
        kwargs=_staff_agreement("assistant", "signed_nda"),
        foreign_kwargs=_staff_agreement(
            "ended_engagement_assistant", "ended_signed_nda"
        ),
        allowed=("provider_admin",),
        denied=(
            ANONYMOUS,
            "assistant",
            "outsider",
            "firm_admin",
            "other_provider_admin",
        ),
        why="the provider admin reads their own staff's agreements, with any "
        "firm; the foreign case is another provider's staff member",
    ),
]
