"""Isolation registry entries for signed agreements: keeping the master
agreement, reading a signed text in the firm's space, a provider admin reading
their staff's agreements, and a person's own agreements — signing theirs and
reading what they signed — outside any firm's space (format: registry.py)."""

from .registry import (
    ANONYMOUS,
    FIRM_MEMBERS,
    FIRM_NON_ADMINS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    SIGNED_IN_SAMPLE,
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
    # --- A person's own agreements: /agreements/ --------------------------
    Route(
        "engagements:my_agreements",
        allowed=(*SIGNED_IN_SAMPLE, "no_nda_assistant"),
        denied=(ANONYMOUS,),
        why="each person's own assignments and agreements only: firm names "
        "and the standard text, no firm's client data",
    ),
    Route(
        "engagements:agreement_sign",
        kwargs=lambda f: {"assignment_id": f.no_nda_assignment.public_id},
        foreign_kwargs=lambda f: {
            "assignment_id": f.assistant_other_assignment.public_id
        },
        allowed=("no_nda_assistant",),
        denied=(
            ANONYMOUS,
            "assistant",
            "ungranted_assistant",
            "firm_admin",
            "outsider",
            "provider_admin",
        ),
        why="only the person assigned signs their own agreement; the foreign "
        "case is someone else's assignment",
    ),
    Route(
        "engagements:my_agreement_text",
        kwargs=lambda f: {"agreement_id": f.signed_nda.public_id},
        foreign_kwargs=lambda f: {"agreement_id": f.ended_signed_nda.public_id},
        allowed=("assistant",),
        denied=(
            ANONYMOUS,
            "ungranted_assistant",
            "no_nda_assistant",
            "firm_admin",
            "attorney",
            "outsider",
            "provider_admin",
        ),
        why="the signer's own copy; the firm reads it in its own space "
        "(engagements:signed_agreement); the foreign case is another "
        "person's agreement",
    ),
]
