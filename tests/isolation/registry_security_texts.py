"""Isolation registry entries for issue 20 (texts): the engagement's
confidentiality text, its versions, publishing a new one, and the list of who
signed what (page and CSV). Engagements are the firm's business: its members
read them, its admins change the text; a provider admin reads their own
staff's signatures (format: registry.py)."""

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


def _other_engagement(f) -> dict:
    return {"firm_slug": f.firm.slug, "engagement_id": f.other_engagement.public_id}


def _version(f) -> dict:
    return {**_engagement(f), "version": f.texts_version.version}


def _other_version(f) -> dict:
    return {**_other_engagement(f), "version": f.texts_other_version.version}


ROUTES: list = [
    *(
        Route(
            name,
            kwargs=_engagement,
            foreign_kwargs=_other_engagement,
            allowed=FIRM_MEMBERS,
            denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
            why="the firm's members read the text and who signed it; staff "
            "read the text they sign from their own agreements page",
        )
        for name in (
            "engagements:agreement_text",
            "engagements:agreement_signatures",
            "engagements:agreement_signatures_csv",
        )
    ),
    Route(
        "engagements:agreement_text_version",
        kwargs=_version,
        foreign_kwargs=_other_version,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="a published version of firm A's text; firm B's version under "
        "firm A's slug is a 404",
    ),
    Route(
        "engagements:agreement_text_edit",
        kwargs=_engagement,
        foreign_kwargs=_other_engagement,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
        why="GET shows the form; publishing a text is the firm admin's",
    ),
    Route(
        "engagements:provider_agreement_signatures",
        kwargs=lambda f: {"provider_slug": f.provider.slug},
        allowed=("provider_admin",),
        denied=(
            ANONYMOUS,
            "assistant",
            "outsider",
            "firm_admin",
            "other_provider_admin",
        ),
        why="the provider admin's list of their own staff's signatures, with "
        "every firm; firm names and dates only",
    ),
]
