"""A matter someone may not see leaves no trace on any page they may open.

Firm A has a matter, "Quarry Holdings", that the attorney Owen Ortiz is
screened from and that is not opened to any outside staff. It has parties with
an alias and a relationship, the conflict check that opened it, a later check
that found its client again, a task, an event, a telephone message, the lead it
came from, and a notification to Owen written before his screen. Then every
page of the route registry that each of these people may open, lists and
searches with the matter's words in the query, and the calendar feed are read,
and none may show the matter's number, title or any of its parties' names.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.conflicts import services as conflicts
from firmdesk.intake.models import CallLog, Lead
from firmdesk.matters.models import MatterParty, MatterScreen
from firmdesk.notify.services import notify
from firmdesk.scheduling.models import Event
from tests import factories as f

from .registry import ROUTES

NUMBER = "M-2026-077"
TITLE = "Quarry Holdings acquisition"
CLIENT = "Quentin Marlowe"
ALIAS = "Quentin Marlowe-Hayes"
ADVERSE = "Vandal Freight Corp"
RELATED = "Marlowe Family Trust"
MARKERS = (NUMBER, TITLE, "Quarry Holdings", CLIENT, ADVERSE, RELATED)

VIEWERS = (
    "attorney",
    "screened_admin",
    "intake_specialist",
    "assistant",
    "ungranted_assistant",
)


@pytest.fixture
def screened_admin(firm):
    """A second firm admin, screened like Owen: admins read more pages (the
    audit trail, people, engagements), and a screen walls them off too."""
    return f.member(
        firm, ["firm_admin", "attorney"], email="kim@hale.test", full_name="Kim Vo"
    )


@pytest.fixture
def hidden_matter(firm, firm_admin, attorney, firm_staff, screened_admin, engagement):
    """Firm A's matter that Owen is screened from, opened through the services
    as a firm would: check, decision, opening; then its other traces."""
    admin = resolve_scope(firm_admin, firm)
    client = conflicts.contact_save(
        firm=firm,
        actor=firm_admin,
        kind="person",
        name=CLIENT,
        aliases=[ALIAS],
    )
    adverse = conflicts.contact_save(
        firm=firm, actor=firm_admin, kind="organization", name=ADVERSE
    )
    trust = conflicts.contact_save(
        firm=firm, actor=firm_admin, kind="organization", name=RELATED
    )
    conflicts.relationship_add(
        firm=firm, actor=firm_admin, from_contact=trust, kind="payer", to_contact=client
    )
    opening = conflicts.conflict_check_run(
        scope=admin, names=[CLIENT, ADVERSE, RELATED], purpose="New matter"
    )
    conflicts.conflict_decide(
        scope=admin, check=opening, decision="clear", note="No conflict found."
    )
    matter = conflicts.matter_open(
        scope=admin,
        number=NUMBER,
        title=TITLE,
        responsible_attorney=firm_admin,
        parties=[(client, "client"), (adverse, "adverse"), (trust, "related")],
        check=opening,
    )
    assert MatterParty.unscoped.filter(matter=matter).count() == 3
    # A later search finds the client again (as an intake screen would).
    conflicts.conflict_check_run(scope=admin, names=["Quentin Marlow"])
    task = f.task(
        firm,
        matter=matter,
        assignee=firm_staff,
        requester=firm_admin,
        title="Prepare the Quarry Holdings disclosure schedule",
        due_at=timezone.now() + datetime.timedelta(hours=3),
    )
    now = timezone.now()
    Event.unscoped.create(
        firm=firm,
        kind="meeting",
        title="Quarry Holdings closing meeting",
        matter=matter,
        start=now + datetime.timedelta(hours=1),
        end=now + datetime.timedelta(hours=2),
        time_zone="America/New_York",
        owner=firm_admin,
        created_by=firm_admin,
    )
    CallLog.unscoped.create(
        firm=firm,
        caller_name=CLIENT,
        number="+12125550177",
        received_at=now,
        matter=matter,
        message="Quarry Holdings: asks when the closing is.",
        taken_by=firm_staff,
        recipient=firm_admin,
    )
    Lead.unscoped.create(
        firm=firm,
        source=Lead.Source.PHONE,
        practice_area="Corporate",
        name=CLIENT,
        adverse_parties=[ADVERSE],
        received_at=now - datetime.timedelta(days=3),
        status=Lead.Status.RETAINED,
        matter=matter,
        conflict_check=opening,
    )
    notify(
        user=attorney,
        firm=firm,
        about=matter,
        kind="task.assigned",
        title=f"New task on {NUMBER} {TITLE}",
        body=f"Call {CLIENT} about the schedule.",
        url=f"/f/{firm.slug}/matters/{matter.public_id}/",
    )
    _billing_traces(firm, matter, client, firm_staff, firm_admin)
    _provider_bill_line(firm, engagement, task)
    for person in (attorney, screened_admin):
        MatterScreen.unscoped.create(
            firm=firm, matter=matter, user=person, reason="Former client"
        )
    return matter


def _billing_traces(firm, matter, client, firm_staff, firm_admin):
    """Time, an expense, an invoice with its lines, a payment and a collection
    note, and the matter's and client's billing terms, all naming the matter."""
    from decimal import Decimal

    from firmdesk.billing import models as b

    today = timezone.localdate()
    b.MatterBilling.objects.create(
        firm=firm, matter=matter, client_matter_id="QH-ACQ", rate=Decimal("300")
    )
    b.ClientBillingTerms.objects.create(firm=firm, client=client, client_code="QMAR")
    b.Timekeeper.objects.create(
        firm=firm, user=firm_staff, code="FS", default_rate=Decimal("150")
    )
    entry = b.TimeEntry.objects.create(
        firm=firm,
        timekeeper=firm_staff,
        matter=matter,
        date=today,
        hours=Decimal("1.5"),
        rate=Decimal("150"),
        narrative="Drafted the Quarry Holdings disclosure schedule for Quentin Marlowe",
        status=b.TimeEntry.Status.SUBMITTED,
    )
    b.TimeEntry.objects.create(
        firm=firm,
        timekeeper=firm_staff,
        matter=matter,
        date=today,
        hours=Decimal("0.4"),
        rate=Decimal("150"),
        narrative="Quarry Holdings: call with Vandal Freight Corp counsel",
        status=b.TimeEntry.Status.REVIEWED,
    )
    expense = b.Expense.objects.create(
        firm=firm,
        matter=matter,
        incurred_by=firm_staff,
        date=today,
        expense_code="E112",
        description="Quarry Holdings filing fee",
        unit_cost=Decimal("75"),
        status=b.Expense.Status.SUBMITTED,
    )
    invoice = b.Invoice.objects.create(
        firm=firm,
        matter=matter,
        client=client,
        number="QH-1",
        status=b.Invoice.Status.SENT,
        period_start=today - datetime.timedelta(days=30),
        period_end=today,
        issued_on=today - datetime.timedelta(days=60),
        due_on=today - datetime.timedelta(days=45),
        description="Quarry Holdings acquisition: services",
        total=Decimal("300.00"),
        paid=Decimal("100.00"),
    )
    b.InvoiceLine.objects.create(
        firm=firm,
        invoice=invoice,
        position=1,
        kind="F",
        date=today,
        time_entry=entry,
        timekeeper_code="FS",
        timekeeper_name="Staff, Firm",
        description="Quarry Holdings disclosure schedule",
        units=Decimal("2"),
        unit_cost=Decimal("150"),
        total=Decimal("300.00"),
    )
    b.InvoiceLine.objects.create(
        firm=firm,
        invoice=invoice,
        position=2,
        kind="E",
        date=today,
        expense=expense,
        expense_code="E112",
        description="Quarry Holdings filing fee",
        units=Decimal("1"),
        total=Decimal("0.00"),
    )
    b.Payment.objects.create(
        firm=firm,
        invoice=invoice,
        received_on=today,
        amount=Decimal("100.00"),
        reference="Quentin Marlowe cheque",
    )
    b.CollectionNote.objects.create(
        firm=firm,
        invoice=invoice,
        author=firm_admin,
        text="Called Quentin Marlowe about the Quarry Holdings invoice.",
    )


def _provider_bill_line(firm, engagement, task):
    """The provider's bill names the hidden matter's work in its own words."""
    from decimal import Decimal

    from firmdesk.billing.models import ProviderBill, ProviderBillLine

    today = timezone.localdate()
    bill = ProviderBill.objects.create(
        firm=firm,
        engagement=engagement,
        number="NS-QH",
        period_start=today - datetime.timedelta(days=30),
        period_end=today,
        total=Decimal("90.00"),
        reconciled_total=Decimal("90.00"),
    )
    ProviderBillLine.objects.create(
        firm=firm,
        bill=bill,
        position=1,
        task=task,
        description="Quarry Holdings disclosure schedule for Quentin Marlowe",
        hours=Decimal("2"),
        amount=Decimal("90.00"),
    )


def _leaks(body: str) -> list[str]:
    return [m for m in MARKERS if escape(m) in body or m in body]


def _body(response) -> str:
    raw = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return raw.decode(errors="replace")


def _pages_for(fixtures, who):
    """(url, route name) of every GET page of the registry that the registry
    does not deny to ``who`` (whoever it says may open it: what answers 200 is
    read), and the pages without ids again with the hidden matter's words as
    the query. A denied page answers 404 (test_isolation.py proves it for each
    denied user), so it has nothing to read."""
    out = []
    for route in ROUTES.values():
        if route.method != "GET" or who in route.denied:
            continue
        url = reverse(route.name, kwargs=route.url_kwargs(fixtures))
        out.append((url, route.name))
        if not any(k.endswith("_id") for k in route.url_kwargs(fixtures)):
            # Never a marker itself: a search box shows back what was typed.
            for words in ("Quarry", "Marlowe", "Vandal", "2026-07"):
                out.append((f"{url}?q={words}", route.name))
    return out


@pytest.mark.parametrize("who", VIEWERS)
def test_a_hidden_matter_shows_on_no_page_the_person_may_open(
    client, fixtures, sign_in, hidden_matter, who
):
    fixtures.attorney_feed  # Owen's personal calendar feed (calendar_feed route)
    user = fixtures.user(who)
    assert not resolve_scope(user, fixtures.firm).can_see_matter(hidden_matter)
    sign_in(client, user)
    found = {}
    opened = 0
    for url, name in _pages_for(fixtures, who):
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        leaks = _leaks(_body(response))
        if leaks:
            found[url] = (name, leaks)
    assert opened > 20
    assert found == {}


def test_the_check_that_opened_a_hidden_matter_stays_listed_without_its_names(
    client, sign_in, firm, attorney, hidden_matter
):
    sign_in(client, attorney)
    body = client.get(
        reverse("matters:conflict_check_list", args=[firm.slug])
    ).content.decode()
    assert "this check opened a matter you cannot open" in body
    assert "Quentin Marlow</a>" in body  # the later search stays, with its words
    assert not _leaks(body)


@pytest.mark.parametrize("who", ["attorney", "intake_specialist"])
def test_a_search_for_a_hidden_party_says_there_is_a_hit_without_naming_it(
    client, sign_in, fixtures, firm, hidden_matter, who
):
    user = fixtures.user(who)
    scope = resolve_scope(user, firm)
    check = conflicts.conflict_check_run(scope=scope, names=["Vandal Freight"])
    sign_in(client, user)
    url = reverse("matters:conflict_check_detail", args=[firm.slug, check.public_id])
    body = client.get(url).content.decode()
    assert "a party of a matter you cannot open" in body
    assert "an attorney who can open it must review this hit" in body
    assert not _leaks(body)


def test_a_firm_member_without_the_screen_still_sees_every_name(
    client, sign_in, firm, firm_admin, hidden_matter
):
    sign_in(client, firm_admin)
    body = client.get(reverse("matters:conflict_check_list", args=[firm.slug])).content
    assert escape(f"{CLIENT}; {ADVERSE}; {RELATED}").encode() in body
    assert NUMBER.encode() in body


def test_the_audit_trail_keeps_every_event_and_hides_the_details_from_the_screened(
    client, sign_in, firm, firm_admin, screened_admin, hidden_matter
):
    url = reverse("audit:audit_log", args=[firm.slug])
    sign_in(client, firm_admin)
    full = client.get(url).content.decode()
    sign_in(client, screened_admin)
    walled = client.get(url).content.decode()
    assert not _leaks(walled)
    assert "About a matter you are screened from: details not shown." in walled
    # The same events, numbered the same: nothing missing from the chain.
    numbers = re.compile(r'<td class="text-end">(\d+)</td>')
    assert numbers.findall(walled) == numbers.findall(full)
    assert f"Opened {NUMBER} {TITLE}" in full


def test_outside_intake_staff_are_told_of_a_hit_on_a_contact_in_no_matter(
    firm, firm_admin, intake_specialist
):
    from firmdesk.conflicts.selectors import check_hits_for

    conflicts.contact_save(
        firm=firm,
        actor=firm_admin,
        kind="person",
        name="Priscilla Vantongeren",
        is_prospective=True,
    )
    specialist = resolve_scope(intake_specialist, firm)
    check = conflicts.conflict_check_run(
        scope=specialist, names=["Priscilla Vantongeren"]
    )
    (seen,) = check_hits_for(scope=specialist, check=check)
    assert seen["contact_name"] == "someone on the firm's file you cannot see"
    assert seen["matter"] == "" and "Vantongeren" not in seen["reason"]
    (admin_view,) = check_hits_for(scope=resolve_scope(firm_admin, firm), check=check)
    assert admin_view["contact_name"] == "Priscilla Vantongeren"


@pytest.mark.parametrize("who", VIEWERS)
def test_the_search_page_finds_nothing_of_a_hidden_matter(
    client, fixtures, sign_in, hidden_matter, who
):
    """The search page echoes what was typed, so the crawl above searches it
    with single words; here with whole names and the number, looking only at
    the results."""
    sign_in(client, fixtures.user(who))
    url = reverse("search:search", args=[fixtures.firm.slug])
    for words in (NUMBER, CLIENT, ALIAS, ADVERSE, RELATED, "Quarry Holdings"):
        body = _body(client.get(url, {"q": words}))
        assert not _leaks(body.split('id="search-results"', 1)[1]), (who, words)


def test_a_party_check_of_a_hidden_matter_names_nothing_and_cannot_be_decided(
    client, sign_in, firm, firm_admin, attorney, hidden_matter
):
    """Adding a party runs a check whose purpose names the matter and the
    party; the screened attorney sees that a check exists, not what it is
    about, and may not decide it (they cannot see its hits)."""
    _, check = conflicts.matter_party_add(
        scope=resolve_scope(firm_admin, firm),
        matter=hidden_matter,
        name="Quarry Holdings Lender LLC",
        kind="organization",
        role="related",
    )
    assert "Quarry" in check.purpose or NUMBER in check.purpose
    sign_in(client, attorney)
    url = reverse("matters:conflict_check_detail", args=[firm.slug, check.public_id])
    body = client.get(url).content.decode()
    assert not _leaks(body) and "Quarry" not in body
    assert "Record decision" not in body
    response = client.post(url, {"decision": "clear", "note": "Looks fine."})
    assert response.status_code == 404
    check.refresh_from_db()
    assert check.decision == "pending"
