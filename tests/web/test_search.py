"""The search box: matters by number, title and any party's name, contacts,
tasks and leads, ranked, and never a row the viewer may not open."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.intake.models import Lead
from firmdesk.matters.models import Contact, ContactAlias, MatterParty, MatterScreen
from firmdesk.web.search import selectors
from tests import factories as f


def _party(matter, name, role="client", *, alias=""):
    contact = Contact.unscoped.create(firm=matter.firm, name=name)
    if alias:
        ContactAlias.unscoped.create(firm=matter.firm, contact=contact, name=alias)
    MatterParty.unscoped.create(
        firm=matter.firm, matter=matter, contact=contact, role=role
    )
    return contact


@pytest.fixture
def sims_matter(firm, attorney):
    matter = f.MatterFactory(
        firm=firm,
        number="2026-0001",
        title="Sims v. Craig-Klein",
        responsible_attorney=attorney,
    )
    _party(matter, "Henry Sims", alias="Hank Sims")
    _party(matter, "Craig-Klein Logistics", "adverse")
    return matter


def _search(client, firm, q):
    return client.get(reverse("search:search", args=[firm.slug]), {"q": q})


def test_a_partys_full_name_finds_the_matter_word_by_word(firm, attorney, sims_matter):
    scope = resolve_scope(attorney, firm)
    for q in ("Henry Sims", "sims henry", "Hank Sims", "Craig-Klein 0001"):
        assert list(selectors.matters_matching(scope, q)) == [sims_matter], q
    assert not selectors.matters_matching(scope, "Henry Craigslist").exists()


def test_the_matter_list_finds_a_matter_by_a_partys_name(
    client, firm, attorney, sims_matter
):
    f.sign_in(client, attorney)
    page = client.get(
        reverse("matters:matter_list", args=[firm.slug]), {"q": "Henry Sims"}
    )
    assert list(page.context["page"]) == [sims_matter]


def test_an_exact_number_comes_before_a_title_prefix_before_a_contains(firm, attorney):
    contains = f.MatterFactory(firm=firm, number="2026-0100", title="Appeal of Lopez 7")
    prefix = f.MatterFactory(firm=firm, number="2026-0101", title="Lopez 7 estate")
    exact = f.MatterFactory(firm=firm, number="LOPEZ 7", title="Zoning")
    scope = resolve_scope(attorney, firm)
    assert list(selectors.matters_matching(scope, "lopez 7")) == [
        exact,
        prefix,
        contains,
    ]
    ranked = selectors.contacts_matching(scope, "Lopez")
    Contact.unscoped.create(firm=firm, name="Maria Lopez")
    Contact.unscoped.create(firm=firm, name="Lopez Roofing LLC")
    assert [c.name for c in ranked] == ["Lopez Roofing LLC", "Maria Lopez"]


def test_one_page_shows_matters_contacts_tasks_and_leads(
    client, firm, attorney, sims_matter
):
    f.task(firm, matter=sims_matter, title="Serve the Sims complaint")
    Lead.unscoped.create(
        firm=firm,
        source=Lead.Source.PHONE,
        name="Henrietta Sims",
        received_at=timezone.now(),
    )
    f.sign_in(client, attorney)
    page = _search(client, firm, "Sims")
    kinds = {s["kind"]: [str(r) for r in s["rows"]] for s in page.context["sections"]}
    assert kinds["matters"] == [str(sims_matter)]
    assert kinds["contacts"] == ["Henry Sims"]
    assert kinds["tasks"] == ["Serve the Sims complaint"]
    assert kinds["leads"] == ["Henrietta Sims"]
    assert reverse(
        "matters:matter_detail", args=[firm.slug, sims_matter.public_id]
    ) in (page.content.decode())


def test_a_screened_attorney_finds_neither_the_matter_nor_its_people(
    client, firm, attorney, sims_matter
):
    MatterScreen.unscoped.create(
        firm=firm, matter=sims_matter, user=attorney, reason="Former client"
    )
    f.task(firm, matter=sims_matter, title="Serve the complaint")
    f.sign_in(client, attorney)
    for q in ("Henry Sims", "2026-0001", "Craig-Klein", "Serve the complaint"):
        page = _search(client, firm, q)
        assert page.context["found"] == 0, q
        results = page.content.decode().split('id="search-results"')[1]
        assert "Henry Sims" not in results and "Craig-Klein" not in results


def test_an_ungranted_assistant_finds_only_the_task_given_to_them(
    client, firm, ungranted_assistant, sims_matter
):
    f.task(
        firm,
        matter=sims_matter,
        assignee=ungranted_assistant,
        title="Calendar the Sims hearing",
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    f.sign_in(client, ungranted_assistant)
    page = _search(client, firm, "Sims")
    kinds = {s["kind"]: s["rows"] for s in page.context["sections"]}
    assert kinds["matters"] == [] and kinds["contacts"] == []
    assert [t.title for t in kinds["tasks"]] == ["Calendar the Sims hearing"]
    body = page.content.decode()
    assert "2026-0001" not in body and "a matter you cannot open" in body
    # The number of the matter behind the task is not a way in either.
    assert _search(client, firm, "2026-0001").context["found"] == 0
    assert "leads" not in {s["kind"] for s in page.context["sections"]}


def test_a_granted_assistant_finds_the_matter_by_its_client(
    client, firm, engagement, assistant, sims_matter
):
    f.grant(engagement, sims_matter, assistant)
    f.sign_in(client, assistant)
    page = _search(client, firm, "Henry Sims")
    kinds = {s["kind"]: s["rows"] for s in page.context["sections"]}
    assert kinds["matters"] == [sims_matter]


def test_an_outsider_gets_404(client, firm, outsider, sims_matter):
    f.sign_in(client, outsider)
    assert _search(client, firm, "Henry Sims").status_code == 404


def test_the_top_bar_box_searches_the_firm_being_viewed(client, firm, attorney):
    f.sign_in(client, attorney)
    body = client.get(reverse("today:firm_today", args=[firm.slug])).content.decode()
    assert f'action="{reverse("search:search", args=[firm.slug])}"' in body
    assert 'id="top-search"' in body


def test_an_empty_query_asks_for_words(client, firm, attorney):
    f.sign_in(client, attorney)
    page = _search(client, firm, "   ")
    assert page.status_code == 200 and page.context["sections"] == []
    assert "Type a matter number" in page.content.decode()
