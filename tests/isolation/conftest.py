"""Rows of firm A that the registry's URLs point at, the firm B rows swapped in
under firm A's slug, and signing in the way a real session is: provider staff
have passed two-factor."""

import pytest
from django.utils import timezone

from firmdesk.conflicts.models import ConflictCheck
from firmdesk.engagements.models import Assignment, MatterGrant
from firmdesk.matters.models import Contact, MatterParty, MatterScreen
from firmdesk.orgs.models import Organization, User
from tests import factories as f

from .fixtures_billing_imports import *  # noqa: F403
from .fixtures_billing_invoices import *  # noqa: F403
from .fixtures_billing_ledes import *  # noqa: F403
from .fixtures_billing_provider_bills import *  # noqa: F403
from .fixtures_billing_receivables import *  # noqa: F403
from .fixtures_billing_review import *  # noqa: F403
from .fixtures_billing_setup import *  # noqa: F403
from .fixtures_billing_time import *  # noqa: F403
from .fixtures_documents_exhibits import *  # noqa: F403
from .fixtures_documents_library import *  # noqa: F403
from .fixtures_documents_public_shares import *  # noqa: F403
from .fixtures_documents_shares import *  # noqa: F403
from .fixtures_documents_signed import *  # noqa: F403
from .fixtures_documents_templates import *  # noqa: F403
from .fixtures_insights_audit import *  # noqa: F403
from .fixtures_insights_costs import *  # noqa: F403
from .fixtures_insights_dashboard import *  # noqa: F403
from .fixtures_insights_fit import *  # noqa: F403
from .fixtures_insights_pilots import *  # noqa: F403
from .fixtures_insights_reports import *  # noqa: F403
from .fixtures_insights_scorecards import *  # noqa: F403
from .fixtures_intake import *  # noqa: F403
from .fixtures_integrations_tokens import *  # noqa: F403
from .fixtures_integrations_webhooks import *  # noqa: F403
from .fixtures_matters import *  # noqa: F403
from .fixtures_public_intake import *  # noqa: F403
from .fixtures_reception import *  # noqa: F403
from .fixtures_security_accounts import *  # noqa: F403
from .fixtures_security_audit import *  # noqa: F403
from .fixtures_security_consent import *  # noqa: F403
from .fixtures_security_ending import *  # noqa: F403
from .fixtures_security_incidents import *  # noqa: F403
from .fixtures_security_sensitive import *  # noqa: F403
from .fixtures_security_texts import *  # noqa: F403
from .registry import ANONYMOUS


class Fixtures:
    """Attribute access to fixtures, built only when a registry entry asks."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)

    def user(self, name):
        return None if name == ANONYMOUS else getattr(self, name)


@pytest.fixture
def fixtures(request, db):
    return Fixtures(request)


@pytest.fixture
def sign_in():
    """Sign ``user`` (None: nobody) in on ``client`` with two-factor passed."""

    def sign_in(client, user):
        return client if user is None else f.sign_in(client, user)

    return sign_in


@pytest.fixture
def assistant_task(firm, matter, assistant):
    return f.task(
        firm,
        matter=matter,
        assignee=assistant,
        title="Calendar the Lopez hearing",
        instructions="Hearing notice attached; put it on Owen's calendar.",
    )


@pytest.fixture
def ungranted_own_task(firm, matter, ungranted_assistant):
    """Task-only access: the matter is not granted, the task is theirs."""
    return f.task(
        firm, matter=matter, assignee=ungranted_assistant, title="Mail the notice"
    )


@pytest.fixture
def other_task(other_firm, other_matter, assistant):
    return f.task(
        other_firm, matter=other_matter, assignee=assistant, title="Brandt filing"
    )


@pytest.fixture
def assistant_assignment(engagement, assistant):
    return Assignment.unscoped.get(engagement=engagement, user=assistant)


@pytest.fixture
def other_assignment(other_engagement, assistant):
    return Assignment.unscoped.get(engagement=other_engagement, user=assistant)


@pytest.fixture
def assistant_grant(engagement, assistant, matter):
    return MatterGrant.unscoped.get(
        engagement=engagement, user=assistant, matter=matter
    )


@pytest.fixture
def other_grant(other_engagement, assistant):
    return MatterGrant.unscoped.get(engagement=other_engagement, user=assistant)


@pytest.fixture
def revocable_grant(firm, engagement, assistant):
    """A grant of its own, so revoking it leaves the assistant's matter alone."""
    spare = f.MatterFactory(firm=firm, number="M-2026-900", title="Spare matter")
    return f.grant(engagement, spare, assistant)


@pytest.fixture
def other_provider_admin(db):
    other = f.OrganizationFactory(
        kind=Organization.Kind.PROVIDER, name="Bygone Assist", slug="bygone"
    )
    return f.member(
        other, ["provider_admin"], email="padmin@bygone.test", full_name="Bo Vance"
    )


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        "root@firmdesk.test", f.PASSWORD, full_name="Site Operator"
    )


@pytest.fixture
def contact(firm, matter):
    """The client of firm A's matter: visible to whoever may see the matter."""
    client_contact = Contact.unscoped.create(
        firm=firm, kind="person", name="Maria Lopez", tax_id="123-45-6789"
    )
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=client_contact, role="client"
    )
    return client_contact


@pytest.fixture
def other_contact(other_firm, other_matter):
    brandt_client = Contact.unscoped.create(
        firm=other_firm, kind="organization", name="Brandt Client Corp"
    )
    MatterParty.unscoped.create(
        firm=other_firm, matter=other_matter, contact=brandt_client, role="client"
    )
    return brandt_client


def _check(firm, decision="pending"):
    return ConflictCheck.unscoped.create(
        firm=firm,
        run_at=timezone.now(),
        names=["Maria Lopez", "Acme Logistics"],
        hits=[],
        decision=decision,
    )


@pytest.fixture
def conflict_check(firm):
    return _check(firm)


@pytest.fixture
def cleared_check(firm, attorney):
    return _check(firm, "clear")


@pytest.fixture
def other_check(other_firm):
    return _check(other_firm, "clear")


@pytest.fixture
def screen(firm, matter, provider_admin):
    """A screen of someone who would not see the matter anyway, so it changes
    nobody's access in the other tests."""
    return MatterScreen.unscoped.create(
        firm=firm, matter=matter, user=provider_admin, reason="Former employer"
    )


@pytest.fixture
def other_screen(other_firm, other_matter, provider_admin):
    return MatterScreen.unscoped.create(
        firm=other_firm, matter=other_matter, user=provider_admin, reason="x"
    )


# --- Playbooks, recurring work (registry_playbooks.py) ----------------------------


def _playbook(firm, function="scheduling", title="Calendar a court date"):
    from firmdesk.work.models import Playbook, PlaybookVersion

    playbook = Playbook.unscoped.create(firm=firm, function=function)
    version = PlaybookVersion.unscoped.create(
        firm=firm,
        playbook=playbook,
        number=1,
        title=title,
        steps="1. Read the notice.\n2. Put it on the calendar.",
        definition_of_done=["On the calendar", "Reminder set"],
    )
    playbook.current_version = version
    playbook.save(update_fields=["current_version"])
    return playbook


@pytest.fixture
def playbook(firm):
    return _playbook(firm)


@pytest.fixture
def other_playbook(other_firm):
    return _playbook(other_firm, title="Brandt docketing")


def _recurrence(firm, requester):
    import datetime

    from firmdesk.work.models import Recurrence

    return Recurrence.unscoped.create(
        firm=firm,
        title="Check the court's docket",
        function="scheduling",
        frequency="weekly",
        weekday=0,
        starts_on=datetime.date(2026, 1, 5),
        requester=requester,
    )


@pytest.fixture
def recurrence(firm, attorney):
    return _recurrence(firm, attorney)


@pytest.fixture
def other_recurrence(other_firm, outsider):
    return _recurrence(other_firm, outsider)


# --- Task pages (registry_work.py) -----------------------------------------------


def _attach_pdf(task, actor, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from firmdesk.documents.services import document_upload

    document = document_upload(
        firm=task.firm,
        actor=actor,
        uploaded_file=SimpleUploadedFile(name, b"%PDF-1.7\n%%EOF\n"),
        matter=task.matter,
    )
    task.attachments.add(document)
    return document


@pytest.fixture
def task_document(assistant_task, attorney, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return _attach_pdf(assistant_task, attorney, "hearing-notice.pdf")


@pytest.fixture
def other_task_document(other_task, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return _attach_pdf(other_task, outsider, "brandt-notice.pdf")


@pytest.fixture
def startable_task(firm, matter, assistant):
    """Open, given to the assistant: starting it is the allowed change."""
    return f.task(firm, matter=matter, assignee=assistant, title="Book the room")


@pytest.fixture
def bulk_task(firm, matter, assistant):
    return f.task(firm, matter=matter, assignee=assistant, title="Order the file")


# --- Calendar (registry_scheduling.py) --------------------------------------------


def _event(firm, matter, owner, title="Hearing on the motion to dismiss"):
    import datetime

    from firmdesk.scheduling.models import Event

    start = datetime.datetime(2026, 12, 14, 15, 0, tzinfo=datetime.UTC)
    return Event.unscoped.create(
        firm=firm,
        matter=matter,
        kind=Event.Kind.HEARING,
        title=title,
        start=start,
        end=start + datetime.timedelta(hours=1),
        time_zone="America/New_York",
        owner=owner,
        created_by=owner,
    )


@pytest.fixture
def event(firm, matter, attorney):
    return _event(firm, matter, attorney)


@pytest.fixture
def other_event(other_firm, other_matter, outsider):
    return _event(other_firm, other_matter, outsider, title="Brandt deposition")


@pytest.fixture
def attorney_feed(firm, attorney):
    from firmdesk.scheduling.models import CalendarFeed

    return CalendarFeed.unscoped.create(firm=firm, user=attorney, kind="personal")


@pytest.fixture
def other_feed(other_firm, outsider):
    from firmdesk.scheduling.models import CalendarFeed

    return CalendarFeed.unscoped.create(firm=other_firm, user=outsider, kind="personal")
