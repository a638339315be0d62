"""Contacts, conflict checks and opening a matter through the pages."""

from django.urls import reverse

from firmdesk.conflicts import services as conflicts
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.matters.models import Contact, Matter, MatterParty


def _adverse_history(firm, firm_admin):
    robert = conflicts.contact_save(
        firm=firm, actor=firm_admin, kind="person", name="Robert Smith"
    )
    old = Matter.unscoped.create(
        firm=firm, number="M-2024-031", title="Smith v. Hale client", status="closed"
    )
    MatterParty.unscoped.create(firm=firm, matter=old, contact=robert, role="adverse")
    return robert


def test_check_decide_and_open_a_matter(client, firm, firm_admin, attorney):
    _adverse_history(firm, firm_admin)
    client.force_login(attorney)
    slug = firm.slug
    response = client.post(
        reverse("matters:conflict_check_new", args=[slug]),
        {"names": "Jane Roe\nBob Smyth", "purpose": "New matter: Roe v. Smyth"},
    )
    assert response.status_code == 302
    check = ConflictCheck.objects.for_firm(firm).get()
    page = client.get(response.url).content.decode()
    assert "Robert Smith" in page and "M-2024-031" in page
    assert check.decision == "pending"

    opening = reverse("matters:matter_open", args=[slug, check.public_id])
    refused = client.get(opening)
    assert refused.status_code == 302
    assert refused.url == reverse(
        "matters:conflict_check_detail", args=[slug, check.public_id]
    )

    waived = client.post(response.url, {"decision": "waived", "note": ""})
    assert "A waiver needs a note" in waived.content.decode()
    client.post(response.url, {"decision": "clear", "note": "Different person."})
    check.refresh_from_db()
    assert check.decision == "clear" and check.decided_by == attorney

    form = client.get(opening).content.decode()
    assert "Role of “Jane Roe”" in form
    done = client.post(
        opening,
        {
            "title": "Roe v. Smyth",
            "practice_area": "Personal injury",
            "responsible_attorney": attorney.pk,
            "party_0_role": "client",
            "party_0_kind": "person",
            "party_0_contact": "",
            "party_1_role": "adverse",
            "party_1_kind": "person",
            "party_1_contact": "",
        },
    )
    matter = Matter.objects.for_firm(firm).get(title="Roe v. Smyth")
    assert done.status_code == 302
    assert done.url == reverse("matters:matter_detail", args=[slug, matter.public_id])
    assert matter.status == "open" and matter.opened_on is not None
    roles = {
        (p.contact.name, p.role)
        for p in MatterParty.objects.for_firm(firm).filter(matter=matter)
    }
    assert roles == {("Jane Roe", "client"), ("Bob Smyth", "adverse")}
    detail = client.get(done.url).content.decode()
    assert "Jane Roe" in detail and "Bob Smyth" in detail


def test_non_attorney_staff_cannot_decide(client, firm, firm_staff):
    client.force_login(firm_staff)
    client.post(
        reverse("matters:conflict_check_new", args=[firm.slug]), {"names": "Jane Roe"}
    )
    check = ConflictCheck.objects.for_firm(firm).get()
    url = reverse("matters:conflict_check_detail", args=[firm.slug, check.public_id])
    assert "Record decision" not in client.get(url).content.decode()
    assert client.post(url, {"decision": "clear"}).status_code == 404
    check.refresh_from_db()
    assert check.decision == "pending"


def test_contact_form_keeps_input_and_normalises_phones(client, firm, firm_admin):
    client.force_login(firm_admin)
    url = reverse("matters:contact_new", args=[firm.slug])
    bad = client.post(url, {"kind": "person", "name": "", "phones": "212 555 0100"})
    assert bad.status_code == 200 and 'value="212 555 0100"' in bad.content.decode()
    client.post(
        url,
        {
            "kind": "person",
            "name": "Margaret Jones",
            "aliases": "Peggy Smith | maiden",
            "phones": "(212) 555-0100",
            "emails": "mj@example.com",
        },
    )
    contact = Contact.objects.for_firm(firm).get(name="Margaret Jones")
    assert contact.phones == ["+12125550100"]
    assert [(a.name, a.kind) for a in contact.aliases.all()] == [
        ("Peggy Smith", "maiden")
    ]


def test_screened_member_gets_404_on_the_matter(
    client, firm, firm_admin, attorney, matter
):
    client.force_login(firm_admin)
    url = reverse("matters:matter_screens", args=[firm.slug, matter.public_id])
    client.post(url, {"user": attorney.pk, "reason": "Represented the other side"})
    client.force_login(attorney)
    detail = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    assert client.get(detail).status_code == 404
    listing = client.get(
        reverse("matters:matter_list", args=[firm.slug])
    ).content.decode()
    assert matter.number not in listing


def test_import_page_checks_first_then_imports_whole(client, firm, firm_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(firm_admin)
    url = reverse("matters:import_page", args=[firm.slug])
    good = (
        "kind,name,aliases,email,phone,matter_number,matter_title,role,matter_status\n"
        "person,Dana Whitfield,Dana Cole,dana@example.com,,2019-0042,"
        "Whitfield v. Orion,client,closed\n"
        "organization,Orion Freight LLC,,,,2019-0042,Whitfield v. Orion,adverse,"
        "closed\n"
    )
    bad = good + "person,Sam Bell,,,,2019-0042,Whitfield v. Orion,plaintif,closed\n"
    checked = client.post(
        url,
        {
            "kind": "matters",
            "layout": "firmdesk",
            "file": SimpleUploadedFile("old.csv", bad.encode()),
        },
    ).content.decode()
    assert "Line 4" in checked and "plaintif" in checked
    assert not Contact.objects.for_firm(firm).exists()

    checked = client.post(
        url,
        {
            "kind": "matters",
            "layout": "firmdesk",
            "file": SimpleUploadedFile("old.csv", good.encode()),
        },
    ).content.decode()
    assert "Import “old.csv” now" in checked
    assert not Contact.objects.for_firm(firm).exists()
    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302
    matter = Matter.objects.for_firm(firm).get(number="2019-0042")
    assert matter.status == "pre_existing"
    hits = conflicts.conflict_search(firm=firm, names=["Dana Cole"])
    assert hits and hits[0].contact_name == "Dana Whitfield"


def test_contact_export_downloads_csv(client, firm, firm_admin):
    conflicts.contact_save(
        firm=firm, actor=firm_admin, kind="person", name="Dana Whitfield"
    )
    client.force_login(firm_admin)
    response = client.get(reverse("matters:contact_export", args=[firm.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert "Dana Whitfield" in response.content.decode("utf-8-sig")


def test_assigning_staff_shows_hits_on_their_former_employers(
    client, firm, firm_admin, engagement, provider
):
    from firmdesk.orgs.models import StaffProfile
    from tests import factories as f

    acme = conflicts.contact_save(
        firm=firm, actor=firm_admin, kind="organization", name="Acme Logistics Corp."
    )
    old = Matter.unscoped.create(firm=firm, number="2025-0231", title="v. Acme")
    MatterParty.unscoped.create(firm=firm, matter=old, contact=acme, role="adverse")
    hire = f.member(provider, ["paralegal"], email="newhire@northstar.test")
    StaffProfile.objects.filter(user=hire).update(
        prior_employers=[{"name": "ACME Logistics, Inc."}]
    )
    client.force_login(firm_admin)
    response = client.post(
        reverse(
            "engagements:engagement_assign", args=[firm.slug, engagement.public_id]
        ),
        {"user": hire.pk, "functions": ["documents"]},
        follow=True,
    )
    page = response.content.decode()
    assert "former employers match" in page and "2025-0231" in page
