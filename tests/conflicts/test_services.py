"""Service rules: the index moves with the contact, checks are recorded and
decided by people, matters open only on a cleared check."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, transaction

from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.conflicts import services
from firmdesk.conflicts.keys import contact_key_hashes, contact_keys, key_hash
from firmdesk.conflicts.models import ConflictCheck, ConflictKey
from firmdesk.conflicts.selectors import check_hits_for
from firmdesk.conflicts.services import (
    IndexedContact,
    conflict_check_run,
    conflict_decide,
    conflict_search,
    contact_alias_add,
    contact_alias_remove,
    contact_save,
    contacts_index_bulk,
    contacts_index_new,
    index_rebuild,
    index_rebuild_all,
    matter_import_pre_existing,
    matter_open,
    next_matter_number,
    prior_employers_check,
    relationship_add,
)
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    Matter,
    MatterParty,
    MatterScreen,
)
from firmdesk.orgs.models import StaffProfile
from tests import factories as f


def keys_of(contact):
    return set(
        ConflictKey.objects.filter(contact=contact).values_list("key", flat=True)
    )


def names_found(firm, name, **kw):
    return [h.contact_name for h in conflict_search(firm=firm, names=[name], **kw)]


def imported(firm, number, parties, *, closed=False):
    return matter_import_pre_existing(
        firm=firm,
        actor=None,
        number=number,
        title=f"Matter {number}",
        note="Imported from the old system",
        parties=parties,
        closed_on=datetime.date(2020, 1, 1) if closed else None,
    )


# --- The index moves with the contact ---------------------------------------


@pytest.mark.django_db
def test_saving_a_contact_writes_its_keys(firm, add_contact):
    contact = add_contact("Robert Smyth")
    assert keys_of(contact)
    assert names_found(firm, "Bob Smith") == ["Robert Smyth"]


@pytest.mark.django_db
def test_a_rolled_back_contact_leaves_no_keys(firm):
    with pytest.raises(RuntimeError), transaction.atomic():
        contact_save(firm=firm, actor=None, kind="person", name="Robert Smyth")
        assert ConflictKey.objects.filter(firm=firm).exists()
        raise RuntimeError("the caller's transaction fails later")
    assert not ConflictKey.objects.filter(firm=firm).exists()
    assert not Contact.objects.for_firm(firm).exists()


@pytest.mark.django_db
def test_a_failed_audit_write_undoes_the_contact_and_its_keys(firm, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        contact_save(firm=firm, actor=None, kind="person", name="Robert Smyth")
    assert not ConflictKey.objects.filter(firm=firm).exists()
    assert not Contact.objects.for_firm(firm).exists()


@pytest.mark.django_db
def test_deleting_a_contact_deletes_its_keys(firm, add_contact):
    contact = add_contact("Robert Smyth")
    keep = add_contact("Ann Lee")
    contact.delete()
    assert set(
        ConflictKey.objects.filter(firm=firm).values_list("contact", flat=True)
    ) == {keep.pk}


@pytest.mark.django_db
def test_renaming_a_contact_replaces_its_keys(firm, add_contact):
    contact = add_contact("Robert Smyth")
    contact_save(firm=firm, actor=None, contact=contact, kind="person", name="Ann Lee")
    assert names_found(firm, "Robert Smyth") == []
    assert names_found(firm, "Ann Lee") == ["Ann Lee"]


@pytest.mark.django_db
def test_aliases_are_indexed_for_the_same_contact(firm, add_contact):
    contact = add_contact("Margaret Olsen", aliases=[("Margaret Kowalczyk", "maiden")])
    hits = conflict_search(firm=firm, names=["Peggy Kowalczyk"])
    assert [(h.contact_name, h.matched_name, h.matched_as) for h in hits] == [
        ("Margaret Olsen", "Margaret Kowalczyk", "Maiden name")
    ]
    assert "maiden name on file" in hits[0].reason
    contact_save(
        firm=firm, actor=None, contact=contact, kind="person", name=contact.name
    )
    assert names_found(firm, "Margaret Kowalczyk") == []


@pytest.mark.django_db
def test_alias_writers_rebuild_the_keys(firm, add_contact):
    contact = add_contact("Oceanic Airlines Holdings Inc.", kind="organization")
    alias = contact_alias_add(
        firm=firm, actor=None, contact=contact, name="Oceanic Air Corp.", kind="former"
    )
    assert names_found(firm, "Oceanic Air Corporation") == [contact.name]
    contact_alias_remove(firm=firm, actor=None, alias=alias)
    assert names_found(firm, "Oceanic Air Corporation") == []


@pytest.mark.django_db
def test_phones_are_stored_in_e164_and_searchable(firm, add_contact):
    contact = add_contact("Robert Smyth", phones=["(212) 555-0100"], emails=["B@X.COM"])
    assert contact.phones == ["+12125550100"]
    assert contact.emails == ["b@x.com"]
    assert names_found(firm, "+1 212 555 0100") == ["Robert Smyth"]
    assert names_found(firm, "b@x.com") == ["Robert Smyth"]


@pytest.mark.django_db
def test_an_unreadable_phone_saves_nothing_and_says_why(firm, add_contact):
    with pytest.raises(ServiceError, match="not a phone number"):
        add_contact("Robert Smyth", phones=["call the office"])
    assert not Contact.objects.for_firm(firm).exists()


@pytest.mark.django_db
def test_saving_a_contact_writes_an_audit_event(firm, add_contact):
    contact = add_contact("Robert Smyth")
    event = AuditEvent.objects.filter(org=firm).latest("id")
    assert (event.action, event.object_id) == (
        "contact.created",
        str(contact.public_id),
    )


@pytest.mark.django_db
def test_index_rebuild_writes_the_same_keys_as_saving(firm, add_contact):
    a = add_contact("José García-López", aliases=["Pepe García"])
    b = add_contact("Acme, Inc.", kind="organization", phones=["+44 20 7946 0000"])
    before = {c.pk: keys_of(c) for c in (a, b)}
    written = index_rebuild(firm=firm)
    assert written == sum(len(k) for k in before.values())
    assert {c.pk: keys_of(c) for c in (a, b)} == before
    ConflictKey.objects.filter(contact=a).delete()
    assert contacts_index_bulk(firm=firm, contact_ids=[a.pk]) == len(before[a.pk])
    assert keys_of(a) == before[a.pk]


def test_bulk_indexing_hashes_the_keys_saving_a_contact_writes():
    """``contact_key_hashes`` (imports, the seed) remembers names' hashed keys;
    on a sample of the seed's names they are those of ``contact_keys``."""
    import random

    from firmdesk.demo.contacts import Names, acronym, nickname_alias

    names, rng = Names(seed=5, size=40), random.Random(5)
    for _ in range(300):
        person = names.person(rng)
        company = names.company(rng)
        for kind, all_names in (
            ("person", [person.name, nickname_alias(person) or ""]),
            ("organization", [company, acronym(company) or ""]),
        ):
            emails, phones = ["Info@Example.com "], ["+12125550100"]
            expected = {
                key_hash(k)
                for k in contact_keys(
                    kind=kind, names=all_names, emails=emails, phones=phones
                )
            }
            for _ in range(2):  # computed, then remembered
                assert (
                    contact_key_hashes(
                        kind=kind, names=all_names, emails=emails, phones=phones
                    )
                    == expected
                )


@pytest.mark.django_db
def test_indexing_new_contacts_writes_the_keys_saving_them_wrote(
    firm, other_firm, add_contact
):
    a = add_contact(
        "José García-López",
        aliases=["Pepe García"],
        emails=["jose@example.com"],
        phones=["+1 212 555 0100"],
    )
    b = add_contact("Acme Logistics, Inc.", kind="organization")
    c = add_contact("Margaret Olsen")
    saved = {x.pk: keys_of(x) for x in (a, b, c)}
    aliases = ContactAlias.objects.for_firm(firm)
    ConflictKey.objects.filter(firm=firm).delete()
    written = contacts_index_new(
        firm_id=firm.pk,
        contacts=[
            IndexedContact(
                pk=x.pk,
                kind=x.kind,
                names=[
                    x.name,
                    *aliases.filter(contact=x).values_list("name", flat=True),
                ],
                emails=x.emails,
                phones=x.phones,
            )
            for x in (c, a, b)
        ],
    )
    assert {x.pk: keys_of(x) for x in (a, b, c)} == saved
    assert written == sum(len(k) for k in saved.values())
    assert not ConflictKey.objects.filter(firm=other_firm).exists()
    assert names_found(firm, "Peggy Olsen") == ["Margaret Olsen"]


@pytest.mark.django_db
def test_contacts_index_bulk_replaces_old_keys_and_keeps_the_callers_transaction(
    firm, add_contact
):
    a = add_contact("Robert Smyth")
    before = keys_of(a)
    Contact.objects.for_firm(firm).filter(pk=a.pk).update(name="Margaret Olsen")
    with pytest.raises(RuntimeError), transaction.atomic():
        contacts_index_bulk(firm=firm, contact_ids=[a.pk, a.pk])
        assert keys_of(a).isdisjoint(before)
        raise RuntimeError("the import fails after indexing")
    assert keys_of(a) == before
    contacts_index_bulk(firm=firm, contact_ids=[a.pk])
    assert names_found(firm, "Peggy Olsen") == ["Margaret Olsen"]
    assert names_found(firm, "Bob Smith") == []


@pytest.mark.django_db
def test_the_upgrade_rebuilds_every_firms_index(firm, other_firm, add_contact):
    """Migration 0004 empties the key table (new row format) and rebuilds
    every firm from its contacts and aliases."""
    from django.apps import apps

    a = add_contact("José García-López", aliases=["Pepe García"])
    b = contact_save(firm=other_firm, actor=None, kind="person", name="Robert Smyth")
    before = {c.pk: keys_of(c) for c in (a, b)}
    ConflictKey.objects.all().delete()
    written = index_rebuild_all(
        apps.get_model("matters", "Contact"),
        apps.get_model("matters", "ContactAlias"),
        conn=connection,
    )
    assert written == sum(len(k) for k in before.values())
    assert {c.pk: keys_of(c) for c in (a, b)} == before
    assert names_found(other_firm, "Bob Smith") == ["Robert Smyth"]


def test_key_hashes_stay_what_existing_indexes_hold():
    # Every firm's index holds these hashes: a change to key_hash (or to the
    # key texts) needs a migration that rebuilds the indexes, like 0004.
    assert key_hash("A:robert|smith") == 4886713555726721338
    assert key_hash("S:SM0") == 5130920546856666775


@pytest.mark.django_db
def test_a_search_never_sees_another_firms_contacts(firm, other_firm):
    contact_save(firm=other_firm, actor=None, kind="person", name="Robert Smyth")
    assert names_found(firm, "Robert Smyth") == []
    assert names_found(other_firm, "Robert Smyth") == ["Robert Smyth"]


# --- What a search covers ----------------------------------------------------


@pytest.mark.django_db
def test_search_covers_closed_matters_prospective_clients_and_bare_contacts(
    firm, add_contact
):
    former = add_contact("Harold Pemberton")
    imported(firm, "M-2015-001", [(former, "client")], closed=True)
    add_contact("Nadia Rahman", is_prospective=True)
    add_contact("Gwendolyn Abernathy")
    hit = conflict_search(firm=firm, names=["Hal Pemberton"])[0]
    assert (hit.matter, hit.role, hit.matter_status) == (
        "M-2015-001",
        "Client",
        "closed",
    )
    assert conflict_search(firm=firm, names=["Nadia Rahman"])[0].role == (
        "Prospective client"
    )
    assert conflict_search(firm=firm, names=["Gwen Abernathy"])[0].role == "No matter"


@pytest.mark.django_db
def test_related_parties_are_reported_with_the_path(firm, add_contact):
    acme = add_contact("Acme Corp", kind="organization")
    globex = add_contact("Globex Holdings", kind="organization")
    initech = add_contact("Initech LLC", kind="organization")
    imported(firm, "M-2024-031", [(acme, "adverse")])
    relationship_add(
        firm=firm, actor=None, from_contact=globex, kind="parent", to_contact=acme
    )
    relationship_add(
        firm=firm,
        actor=None,
        from_contact=initech,
        kind="subsidiary",
        to_contact=globex,
    )
    hits = conflict_search(firm=firm, names=["Globex Holdings Inc"])
    related = [h for h in hits if h.related]
    assert [h.path for h in related] == [
        "Globex Holdings → parent of → Acme Corp, adverse party in M-2024-031 "
        "(pre-existing)"
    ]
    assert related[0].contact_name == "Acme Corp"
    assert related[0].score < hits[0].score
    two_hops = [h for h in conflict_search(firm=firm, names=["Initech"]) if h.related]
    assert two_hops[0].path.startswith(
        "Initech LLC → subsidiary of → Globex Holdings → parent of → Acme Corp"
    )
    # And the other way: searching the party finds its parent's role.
    imported(firm, "M-2023-002", [(globex, "client")])
    from_acme = [h for h in conflict_search(firm=firm, names=["Acme"]) if h.related]
    assert from_acme[0].path.startswith("Acme Corp → subsidiary of → Globex Holdings")


@pytest.mark.django_db
def test_at_most_limit_hits_per_name_best_first(firm, add_contact):
    for i in range(30):
        add_contact(f"Robert Smith{'e' if i % 2 else ''}")
    add_contact("Robert Smith", is_prospective=True)
    hits = conflict_search(firm=firm, names=["Robert Smith"], limit=20)
    assert len(hits) == 20
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].score == 100


@pytest.mark.django_db
def test_each_hit_says_what_a_reviewer_needs(firm, add_contact):
    bob = add_contact("Robert Smith")
    imported(firm, "M-2024-001", [(bob, "adverse")])
    (hit,) = conflict_search(firm=firm, names=["Bob Smyth"])
    data = hit.to_dict()
    assert data["name"] == "Bob Smyth"
    assert data["contact"] == str(bob.public_id)
    assert (data["matter"], data["role"]) == ("M-2024-001", "Adverse party")
    assert 70 <= data["score"] <= 100
    assert data["reason"] == (
        "nickname: Bob = Robert; surname sounds alike: Smyth/Smith"
    )


# --- Checks and decisions --------------------------------------------------------


@pytest.mark.django_db
def test_a_check_is_recorded_with_its_hits_and_waits_for_a_person(
    firm, add_contact, staff_scope
):
    add_contact("Robert Smith")
    check = conflict_check_run(scope=staff_scope, names=["Bob Smyth", " "])
    assert check.names == ["Bob Smyth"]
    assert check.hits[0]["contact_name"] == "Robert Smith"
    assert check.decision == ConflictCheck.Decision.PENDING
    assert check.run_by == staff_scope.user
    event = AuditEvent.objects.filter(org=firm).latest("id")
    assert event.action == "conflict.check_run"


@pytest.mark.django_db
def test_a_check_with_no_hits_is_not_cleared_by_itself(staff_scope):
    check = conflict_check_run(scope=staff_scope, names=["Nobody Anywhere"])
    assert check.hits == []
    assert check.decision == ConflictCheck.Decision.PENDING
    assert not check.allows_opening


@pytest.mark.django_db
def test_intake_staff_run_checks_other_provider_staff_do_not(
    intake_scope, assistant, firm, scope_of
):
    assert conflict_check_run(scope=intake_scope, names=["Acme"]).pk
    with pytest.raises(ServiceError, match="intake staff"):
        conflict_check_run(scope=scope_of(assistant, firm), names=["Acme"])


@pytest.mark.django_db
def test_only_attorneys_decide(staff_scope, intake_scope, attorney_scope):
    check = conflict_check_run(scope=staff_scope, names=["Acme"])
    for scope in (staff_scope, intake_scope):
        with pytest.raises(ServiceError, match="Only an attorney"):
            conflict_decide(scope=scope, check=check, decision="clear", note="")
    decided = conflict_decide(scope=attorney_scope, check=check, decision="clear")
    assert decided.decision == "clear"
    assert decided.decided_by == attorney_scope.user
    assert decided.decided_at is not None


@pytest.mark.django_db
def test_a_waiver_needs_a_consent_note(staff_scope, attorney_scope):
    check = conflict_check_run(scope=staff_scope, names=["Acme"])
    with pytest.raises(ServiceError, match="consent"):
        conflict_decide(scope=attorney_scope, check=check, decision="waived", note=" ")
    waived = conflict_decide(
        scope=attorney_scope,
        check=check,
        decision="waived",
        note="Both clients consented in writing on 3 May (letters on file).",
    )
    assert waived.allows_opening


@pytest.mark.django_db
def test_a_decision_is_one_of_clear_conflict_waived(staff_scope, attorney_scope):
    check = conflict_check_run(scope=staff_scope, names=["Acme"])
    for wrong in ("pending", "maybe", ""):
        with pytest.raises(ServiceError, match="clear, conflict or waived"):
            conflict_decide(scope=attorney_scope, check=check, decision=wrong)


@pytest.mark.django_db
def test_another_firms_attorney_cannot_decide(
    staff_scope, outsider, other_firm, scope_of
):
    check = conflict_check_run(scope=staff_scope, names=["Acme"])
    with pytest.raises(ServiceError, match="another firm"):
        conflict_decide(
            scope=scope_of(outsider, other_firm), check=check, decision="clear"
        )


@pytest.mark.django_db
def test_hits_on_screened_matters_are_shown_without_the_matter(
    firm, add_contact, attorney, firm_admin, scope_of
):
    acme = add_contact("Acme Corp", kind="organization")
    secret = imported(firm, "M-2024-099", [(acme, "adverse")])
    MatterScreen.unscoped.create(firm=firm, matter=secret, user=attorney)
    check = conflict_check_run(scope=scope_of(firm_admin, firm), names=["Acme"])
    (seen,) = check_hits_for(scope=scope_of(attorney, firm), check=check)
    # Acme is known to the firm only through the screened matter: the hit says
    # there is one, for an attorney who can open the matter, and names nothing.
    assert seen["name"] == "Acme"
    assert seen["contact_name"] == "a party of a matter you cannot open"
    assert seen["contact"] == ""
    assert seen["matter"] == "a matter you cannot open"
    assert seen["role"] == "Adverse party"
    assert "M-2024-099" not in str(seen) and "Acme Corp" not in str(seen)
    (admin_view,) = check_hits_for(scope=scope_of(firm_admin, firm), check=check)
    assert admin_view["matter"] == "M-2024-099"
    assert admin_view["contact_name"] == "Acme Corp"


@pytest.mark.django_db
def test_a_party_also_in_a_visible_matter_keeps_its_name_not_the_hidden_matter(
    firm, add_contact, attorney, firm_admin, scope_of
):
    acme = add_contact("Acme Corp", kind="organization")
    secret = imported(firm, "M-2024-099", [(acme, "adverse")])
    imported(firm, "M-2024-100", [(acme, "client")])
    MatterScreen.unscoped.create(firm=firm, matter=secret, user=attorney)
    check = conflict_check_run(scope=scope_of(firm_admin, firm), names=["Acme"])
    (seen,) = check_hits_for(scope=scope_of(attorney, firm), check=check)
    assert seen["contact_name"] == "Acme Corp"
    assert sorted(r["matter"] for r in seen["roles"]) == [
        "M-2024-100",
        "a matter you cannot open",
    ]
    assert "M-2024-099" not in str(seen)


# --- Opening matters ---------------------------------------------------------------


def cleared_check(staff_scope, attorney_scope, names, decision="clear"):
    check = conflict_check_run(scope=staff_scope, names=names)
    return conflict_decide(
        scope=attorney_scope, check=check, decision=decision, note="Reviewed."
    )


@pytest.mark.django_db
def test_a_matter_does_not_open_on_a_pending_or_conflicted_check(
    firm, add_contact, staff_scope, attorney_scope
):
    client = add_contact("Lucía Reyes")
    pending = conflict_check_run(scope=staff_scope, names=["Lucía Reyes"])
    conflicted = cleared_check(staff_scope, attorney_scope, ["Lucía Reyes"], "conflict")
    for check in (pending, conflicted):
        with pytest.raises(ServiceError, match="not been cleared"):
            matter_open(
                scope=staff_scope,
                title="Reyes estate",
                parties=[(client, "client")],
                check=check,
            )
    assert not Matter.objects.for_firm(firm).exists()


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC))
def test_a_cleared_check_opens_the_matter_with_its_parties(
    firm, add_contact, staff_scope, attorney_scope, attorney
):
    client = add_contact("Lucía Reyes")
    adverse = add_contact("Globex Holdings", kind="organization")
    check = cleared_check(staff_scope, attorney_scope, ["Lucia Reyes", "Globex"])
    matter = matter_open(
        scope=staff_scope,
        title="Reyes v. Globex",
        practice_area="Employment",
        responsible_attorney=attorney,
        parties=[(client, "client"), (adverse, "adverse")],
        check=check,
    )
    assert (matter.number, matter.status, matter.opened_on) == (
        "2026-0001",
        "open",
        datetime.date(2026, 3, 2),
    )
    assert set(
        MatterParty.objects.for_firm(firm)
        .filter(matter=matter)
        .values_list("contact__name", "role")
    ) == {("Lucía Reyes", "client"), ("Globex Holdings", "adverse")}
    check.refresh_from_db()
    assert check.matter == matter
    assert AuditEvent.objects.filter(org=firm).latest("id").action == "matter.opened"


@pytest.mark.django_db
def test_a_waived_check_opens_the_matter(
    firm, add_contact, staff_scope, attorney_scope
):
    client = add_contact("Lucía Reyes")
    check = cleared_check(staff_scope, attorney_scope, ["Lucía Reyes"], "waived")
    matter = matter_open(
        scope=staff_scope, title="Reyes", parties=[(client, "client")], check=check
    )
    assert matter.status == Matter.Status.OPEN


@pytest.mark.django_db
def test_a_party_the_check_did_not_search_stops_the_opening(
    firm, add_contact, staff_scope, attorney_scope
):
    client = add_contact("Lucía Reyes")
    other = add_contact("Stark Industries", kind="organization")
    check = cleared_check(staff_scope, attorney_scope, ["Lucía Reyes"])
    with pytest.raises(ServiceError, match="did not search Stark Industries"):
        matter_open(
            scope=staff_scope,
            title="Reyes v. Stark",
            parties=[(client, "client"), (other, "adverse")],
            check=check,
        )


@pytest.mark.django_db
def test_one_check_opens_one_matter_and_then_cannot_be_redecided(
    firm, add_contact, staff_scope, attorney_scope
):
    check = cleared_check(staff_scope, attorney_scope, ["Lucía Reyes"])
    matter_open(scope=staff_scope, title="First", check=check)
    with pytest.raises(ServiceError, match="already opened a matter"):
        matter_open(scope=staff_scope, title="Second", check=check)
    with pytest.raises(ServiceError, match="run a new check"):
        conflict_decide(scope=attorney_scope, check=check, decision="conflict")


@pytest.mark.django_db
def test_matter_numbers_follow_the_firm_scheme(firm, staff_scope, attorney_scope):
    imported(firm, "M-2024-031", [])
    with time_machine.travel(datetime.datetime(2026, 12, 31, 15, tzinfo=datetime.UTC)):
        numbers = [
            matter_open(
                scope=staff_scope,
                title=f"Matter {i}",
                check=cleared_check(staff_scope, attorney_scope, [f"Client {i}"]),
            ).number
            for i in range(3)
        ]
    assert numbers == ["2026-0001", "2026-0002", "2026-0003"]
    with time_machine.travel(datetime.datetime(2027, 1, 4, 15, tzinfo=datetime.UTC)):
        assert next_matter_number(firm=firm) == "2027-0001"
        check = cleared_check(staff_scope, attorney_scope, ["Client 9"])
        with pytest.raises(ServiceError, match="M-2024-031 is taken"):
            matter_open(scope=staff_scope, title="X", number="M-2024-031", check=check)


@pytest.mark.django_db
def test_matter_numbers_grow_past_four_digits(firm):
    imported(firm, "2026-9999", [])
    assert next_matter_number(firm=firm, today=datetime.date(2026, 5, 1)) == (
        "2026-10000"
    )


@pytest.mark.django_db(transaction=True)
def test_matters_opened_at_the_same_time_get_different_numbers(
    firm, staff_scope, attorney_scope
):
    checks = [cleared_check(staff_scope, attorney_scope, [f"C{i}"]) for i in range(4)]
    numbers, errors = [], []
    start = threading.Barrier(len(checks))

    def open_one(check):
        try:
            start.wait()
            numbers.append(
                matter_open(scope=staff_scope, title="Race", check=check).number
            )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(c,)) for c in checks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(numbers)) == len(checks)


@pytest.mark.django_db
def test_pre_existing_matters_are_exempt_and_say_so(firm, add_contact):
    party = add_contact("Acme Corp", kind="organization")
    matter = imported(firm, "OLD-17", [(party, "adverse")])
    assert matter.status == Matter.Status.PRE_EXISTING
    assert matter.note == "Imported from the old system"
    assert AuditEvent.objects.filter(org=firm).latest("id").action == "matter.imported"
    with pytest.raises(ServiceError, match="where the matter comes from"):
        matter_import_pre_existing(
            firm=firm, actor=None, number="OLD-18", title="x", note=""
        )


@pytest.mark.django_db
def test_prior_employers_of_provider_staff_are_checked(firm, add_contact, assistant):
    add_contact("Globex Holdings Corporation", kind="organization")
    StaffProfile.objects.filter(user=assistant).update(
        prior_employers=["Globex Holdings Inc", "Nowhere Ltd"]
    )
    hits = prior_employers_check(firm=firm, user=assistant)
    assert [(h.name, h.contact_name) for h in hits] == [
        ("Globex Holdings Inc", "Globex Holdings Corporation")
    ]
    assert prior_employers_check(firm=firm, user=f.UserFactory()) == []
