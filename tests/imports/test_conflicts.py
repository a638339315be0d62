"""Imported contacts are in the conflict index as soon as the import commits,
with the same keys the engine itself would write."""

import pytest

from firmdesk.conflicts.models import ConflictKey
from firmdesk.conflicts.services import conflict_search, index_rebuild
from tests.imports.helpers import run

pytestmark = pytest.mark.django_db


def test_imported_contacts_are_found_by_the_conflict_search(firm):
    run(firm, "firmdesk_contacts.csv")
    bob = conflict_search(firm=firm, names=["Bob Smith"])
    assert bob[0].contact_name == "Robert Smith"
    assert {r["matter"] for r in bob[0].roles} == {"M-2019-014", "M-2022-007"}
    acme = conflict_search(firm=firm, names=["Acme Corporation"])
    assert acme[0].contact_name == "ACME, Inc."
    assert acme[0].role == "Adverse party"
    # A prospective client who never retained the firm, by her maiden name.
    maiden = conflict_search(firm=firm, names=["Margaret Baker"])
    assert maiden[0].contact_name == "Margaret Jones"
    assert maiden[0].role == "Prospective client"


def test_contacts_from_a_matters_file_are_found_with_their_role(firm):
    run(firm, "mycase_cases.csv", kind="matters", layout="mycase")
    hits = conflict_search(firm=firm, names=["Tom Wright"])
    assert hits and hits[0].contact_name == "Thomas Wright"
    assert {r["matter"] for r in hits[0].roles} == {"2024-LL-01", "MyCase-2002"}


def test_the_import_writes_the_same_keys_as_a_full_rebuild(firm):
    run(firm, "firmdesk_contacts.csv")
    run(firm, "clio_contacts_export.csv", layout="clio")
    run(firm, "mycase_clients.csv", layout="mycase")
    imported = set(
        ConflictKey.objects.filter(firm=firm).values_list("key", "contact_id")
    )
    assert imported
    index_rebuild(firm=firm)
    rebuilt = set(
        ConflictKey.objects.filter(firm=firm).values_list("key", "contact_id")
    )
    assert imported == rebuilt


def test_a_contact_gaining_an_alias_is_reindexed(firm):
    from firmdesk.conflicts.importing import import_file

    header = "kind,name,email,aliases\n"
    import_file(
        firm=firm,
        actor=None,
        kind="contacts",
        file=(header + "person,Ana Lima,ana@example.com,\n").encode(),
    )
    assert not conflict_search(firm=firm, names=["Ana Borges"])
    import_file(
        firm=firm,
        actor=None,
        kind="contacts",
        file=(
            header + "person,Ana Lima,ana@example.com,Ana Borges (maiden)\n"
        ).encode(),
    )
    assert (
        conflict_search(firm=firm, names=["Ana Borges"])[0].contact_name == "Ana Lima"
    )
