"""Isolation registry entries for the playbooks pages (format: registry.py)."""

from firmdesk.work.models import Playbook, PlaybookAcknowledgement, Recurrence

from .registry import (
    ANONYMOUS,
    FIRM_MEMBERS,
    FIRM_NON_ADMINS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    SIGNED_IN_SAMPLE,
    Route,
    _engagement,
    _firm,
    _other_engagement,
)

# The people who do the work acknowledge playbooks: outside staff and the firm's
# in-house staff; attorneys and admins write them.
WORKERS_IN_FIRM = (*PROVIDER_STAFF_IN_FIRM, "firm_staff")


def _playbook(f) -> dict:
    return {**_firm(f), "playbook_id": f.playbook.public_id}


def _other_playbook(f) -> dict:
    return {**_firm(f), "playbook_id": f.other_playbook.public_id}


def _recurrence(f) -> dict:
    return {**_firm(f), "recurrence_id": f.recurrence.public_id}


def _other_recurrence(f) -> dict:
    return {**_firm(f), "recurrence_id": f.other_recurrence.public_id}


ROUTES: list = [
    Route(
        "playbooks:playbook_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="provider staff see the playbooks of their functions only; see "
        "test_provider_staff_see_only_playbooks_of_their_functions",
    ),
    Route(
        "playbooks:playbook_detail",
        kwargs=_playbook,
        foreign_kwargs=_other_playbook,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="a scheduling playbook: both assistants do scheduling",
    ),
    Route(
        "playbooks:playbook_new",
        kwargs=_firm,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
    ),
    Route(
        "playbooks:playbook_edit",
        kwargs=_playbook,
        foreign_kwargs=_other_playbook,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
    ),
    Route(
        "playbooks:playbook_install_starter",
        kwargs=_firm,
        method="POST",
        success=302,
        state=lambda f: Playbook.unscoped.filter(firm=f.firm).count(),
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
    ),
    Route(
        "playbooks:playbook_acknowledge",
        kwargs=_playbook,
        foreign_kwargs=_other_playbook,
        method="POST",
        success=302,
        state=lambda f: PlaybookAcknowledgement.unscoped.filter(
            playbook=f.playbook
        ).count(),
        allowed=WORKERS_IN_FIRM,
        denied=(*NO_FIRM_ACCESS, "firm_admin", "attorney"),
        why="attorneys and admins write playbooks; they have nothing to acknowledge",
    ),
    Route(
        "engagements:engagement_weekly",
        kwargs=_engagement,
        foreign_kwargs=_other_engagement,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="engagements are the firm's business",
    ),
    Route(
        "work:recurring_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="the firm's schedule of future work; outside staff see the tasks",
    ),
    Route(
        "work:recurring_stop",
        kwargs=_recurrence,
        foreign_kwargs=_other_recurrence,
        method="POST",
        success=302,
        state=lambda f: Recurrence.unscoped.get(pk=f.recurrence.pk).is_active,
        allowed=("firm_admin", "attorney"),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + ("firm_staff",),
        why="set up by the attorney; in-house staff may stop only their own",
    ),
    Route(
        "notifications:notifications",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="the user's own; those of a firm they lost access to are hidden, see "
        "test_notifications_of_a_firm_the_user_lost_are_hidden",
    ),
    Route(
        "notifications:notifications_read",
        method="POST",
        success=302,
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="marks the user's own notifications only",
    ),
]
