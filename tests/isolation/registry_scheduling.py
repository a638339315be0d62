"""Isolation registry entries for the calendar pages (format: registry.py)."""

from firmdesk.scheduling.models import CalendarFeed

from .registry import (
    ANONYMOUS,
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

# The hearing is on the matter granted to "assistant" and not to
# "ungranted_assistant"; both assistants' engagement covers scheduling.
SEE_THE_MATTER = (*FIRM_MEMBERS, "assistant")
NOT_THE_MATTER = (*NO_FIRM_ACCESS, "ungranted_assistant")


def _matter(f) -> dict:
    return {**_firm(f), "matter_id": f.matter.public_id}


def _other_matter(f) -> dict:
    return {**_firm(f), "matter_id": f.other_matter.public_id}


def _event(f) -> dict:
    return {**_firm(f), "event_id": f.event.public_id}


def _other_event(f) -> dict:
    return {**_firm(f), "event_id": f.other_event.public_id}


ROUTES = [
    Route(
        "scheduling:calendar",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="provider staff see events on matters opened to them and their own; "
        "see tests/web/test_calendar_pages.py",
    ),
    Route(
        "scheduling:matter_calendar",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        allowed=SEE_THE_MATTER,
        denied=NOT_THE_MATTER,
    ),
    Route(
        "scheduling:event_new",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="scheduling is in both assistants' engagement",
    ),
    Route(
        "scheduling:deadline_new",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
    ),
    Route(
        "scheduling:event_detail",
        kwargs=_event,
        foreign_kwargs=_other_event,
        allowed=SEE_THE_MATTER,
        denied=NOT_THE_MATTER,
    ),
    Route(
        "scheduling:event_edit",
        kwargs=_event,
        foreign_kwargs=_other_event,
        allowed=SEE_THE_MATTER,
        denied=NOT_THE_MATTER,
    ),
    Route(
        "scheduling:event_status",
        kwargs=_event,
        foreign_kwargs=_other_event,
        method="POST",
        success=302,
        allowed=SEE_THE_MATTER,
        denied=NOT_THE_MATTER,
        why="an empty POST is refused with a message and changes nothing; real "
        "status changes are in tests/web/test_event_pages.py",
    ),
    Route(
        "scheduling:deadline_trigger",
        kwargs=_event,
        foreign_kwargs=_other_event,
        method="POST",
        success=302,
        allowed=SEE_THE_MATTER,
        denied=NOT_THE_MATTER,
        why="a hearing has no trigger: refused with a message; recomputing is in "
        "tests/web/test_event_pages.py",
    ),
    Route(
        "scheduling:event_import",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        allowed=SEE_THE_MATTER,
        denied=NOT_THE_MATTER,
    ),
    Route(
        "scheduling:feed_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="each person sees and makes only their own feed addresses",
    ),
    Route(
        "scheduling:feed_revoke",
        kwargs=lambda f: {**_firm(f), "feed_id": f.attorney_feed.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "feed_id": f.other_feed.public_id},
        method="POST",
        success=302,
        state=lambda f: CalendarFeed.unscoped.get(pk=f.attorney_feed.pk).revoked_at,
        allowed=("attorney",),
        denied=(
            *NO_FIRM_ACCESS,
            "firm_admin",
            "firm_staff",
            *PROVIDER_STAFF_IN_FIRM,
        ),
        why="a feed address is its owner's alone",
    ),
    Route(
        "scheduling:calendar_feed",
        kwargs=lambda f: {"token": f.attorney_feed.token},
        allowed=(ANONYMOUS, "attorney", "outsider"),
        public=True,
        why="the secret address is the credential (calendar programs cannot sign "
        "in); a revoked, unknown or no-longer-entitled address answers 404: "
        "tests/web/test_event_pages.py",
    ),
]
