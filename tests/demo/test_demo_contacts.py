"""The demo's contacts and past matters: realistic, indexed, loaded once, and
with the near-duplicates that the conflict check in docs/demo.md finds."""

import datetime
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.db.models import F
from django.utils import timezone

from firmdesk.conflicts.models import ConflictKey
from firmdesk.conflicts.services import conflict_search, index_rebuild
from firmdesk.demo.contacts import (
    PAST_MATTERS,
    CurrentMatter,
    Names,
    demo_world,
    planted_number,
)
from firmdesk.demo.services import FAKER_SEED, PRE_EXISTING_NOTE, demo_load
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    Matter,
    MatterParty,
)
from firmdesk.orgs.models import Organization

DOCS = Path(__file__).resolve().parents[2] / "docs" / "demo.md"

# The check docs/demo.md tells the reader to run, and what it must find first.
HALE_CHECK = {
    "Bob Smyth": ("Robert J. Smith", "Adverse party", "smith", "closed"),
    "ACME Logistics, Inc.": (
        "Acme Logistics Corp.",
        "Adverse party",
        "acme",
        "pre-existing",
    ),
    "Globex Holdings": ("Globex Holdings Inc.", "No matter", None, ""),
}
BRANDT_CHECK = {
    "Peggy Nowak": ("Margaret A. Kowalski", "Adverse party", "kowalski", "closed"),
    "Tomasz Wisniewski": ("Tomasz Wiśniewski", "Prospective client", None, ""),
}


@pytest.fixture
def demo(demo_loaded, db):
    return {org.slug: org for org in Organization.objects.filter(kind="firm")}


def first_loaded(firm) -> datetime.date:
    return timezone.localdate(firm.created_at)


def hits_by_name(firm, names):
    hits = {}
    for hit in conflict_search(firm=firm, names=list(names)):
        hits.setdefault(hit.name, []).append(hit)
    return hits


@pytest.mark.parametrize(
    ("slug", "check"), [("hale-ortiz", HALE_CHECK), ("brandt-kimura", BRANDT_CHECK)]
)
def test_the_documented_conflict_check_finds_the_planted_hits_first(demo, slug, check):
    firm = demo[slug]
    hits = hits_by_name(firm, check)
    for name, (contact, role, planted, status) in check.items():
        top = hits[name][0]
        assert (top.contact_name, top.role) == (contact, role), (name, hits[name])
        assert top.score >= 80
        if planted:
            assert top.matter == planted_number(slug, planted, first_loaded(firm))
            assert top.matter_status == status
        # Documented, so the reader runs the same check the test does.
        assert name in DOCS.read_text()


def test_the_planted_hits_say_why_they_matched(demo):
    hits = hits_by_name(demo["hale-ortiz"], HALE_CHECK)
    assert "nickname: Bob = Robert" in hits["Bob Smyth"][0].reason
    assert "Smyth/Smith" in hits["Bob Smyth"][0].reason
    assert "legal form" in hits["ACME Logistics, Inc."][0].reason
    related = [h for h in hits["Globex Holdings"] if h.related]
    assert related[0].contact_name == "Acme Logistics Corp."
    assert related[0].path.startswith(
        "Globex Holdings Inc. → parent of → Acme Logistics Corp., adverse party in "
    )
    maiden = hits_by_name(demo["brandt-kimura"], ["Peggy Nowak"])["Peggy Nowak"][0]
    assert "maiden name on file: Margaret Nowak" in maiden.reason


def test_the_planted_searches_are_not_buried_in_noise(demo):
    for slug, check in (("hale-ortiz", HALE_CHECK), ("brandt-kimura", BRANDT_CHECK)):
        for name, hits in hits_by_name(demo[slug], check).items():
            assert len(hits) <= 3, (name, [h.contact_name for h in hits])


def test_loading_again_changes_no_contact_party_relationship_or_key(demo):
    def counts():
        return (
            Contact.unscoped.count(),
            ContactAlias.unscoped.count(),
            ContactRelationship.unscoped.count(),
            MatterParty.unscoped.count(),
            Matter.unscoped.count(),
            ConflictKey.objects.count(),
        )

    first = counts()
    assert demo_load() == 0
    assert counts() == first


def test_loading_a_year_later_finds_the_same_matters(demo):
    later = timezone.now() + datetime.timedelta(days=400)
    with time_machine.travel(later, tick=False):
        assert demo_load() == 0


def test_each_firm_has_a_few_hundred_contacts_all_in_the_index(demo):
    for firm in demo.values():
        contacts = Contact.objects.for_firm(firm)
        assert 200 <= contacts.count() <= 300
        kinds = Counter(contacts.values_list("kind", flat=True))
        assert kinds["person"] > 100 and kinds["organization"] > 40
        assert contacts.filter(is_prospective=True).count() >= 20
        indexed = ConflictKey.objects.filter(firm=firm).values("contact_id")
        assert not contacts.exclude(pk__in=indexed).exists()


def test_the_demo_index_is_what_the_engine_would_write(demo):
    firm = demo["hale-ortiz"]

    def keys():
        return set(
            ConflictKey.objects.filter(firm=firm).values_list("key", "contact_id")
        )

    loaded = keys()
    index_rebuild(firm=firm)
    assert keys() == loaded


def test_past_matters_are_pre_existing_with_every_kind_of_party(demo):
    for firm in demo.values():
        past = Matter.objects.for_firm(firm).exclude(
            number__startswith=f"{first_loaded(firm).year}-"
        )
        assert past.count() == PAST_MATTERS
        assert set(past.values_list("status", flat=True)) == {"pre_existing"}
        assert set(past.values_list("note", flat=True)) == {PRE_EXISTING_NOTE}
        assert past.filter(closed_on__isnull=False).count() >= PAST_MATTERS // 3
        assert past.filter(closed_on__isnull=True).exists()
        parties = MatterParty.objects.for_firm(firm)
        assert set(parties.values_list("role", flat=True)) >= {
            "client",
            "adverse",
            "opposing_counsel",
            "related",
            "witness",
            "expert",
        }
        # Every matter, the demo's working ones too, has its client.
        assert not (
            Matter.objects.for_firm(firm)
            .exclude(pk__in=parties.filter(role="client").values("matter_id"))
            .exists()
        )


def test_contacts_have_aliases_and_relationships_of_many_kinds(demo):
    aliases = set(ContactAlias.unscoped.values_list("kind", flat=True))
    assert aliases >= {"maiden", "acronym", "aka", "former"}
    kinds = set(ContactRelationship.unscoped.values_list("kind", flat=True))
    assert kinds >= {"parent", "spouse", "insurer", "employer", "family", "officer"}


def test_demo_rows_never_link_across_firms(demo):
    assert not MatterParty.unscoped.exclude(matter__firm=F("firm")).exists()
    assert not MatterParty.unscoped.exclude(contact__firm=F("firm")).exists()
    assert not ContactAlias.unscoped.exclude(contact__firm=F("firm")).exists()
    for side in ("from_contact", "to_contact"):
        assert not ContactRelationship.unscoped.exclude(
            **{f"{side}__firm": F("firm")}
        ).exists()


def test_other_names_from_faker_never_change_who_is_whose_party():
    """A Faker release that draws other names must not reshuffle the demo: a
    database loaded before would get parties that contradict it."""
    anchor = datetime.date(2026, 3, 2)
    current = [
        (f"2026-000{n}", CurrentMatter("Litigation", "A v. B", ("Lee", "Acme Co")))
        for n in range(1, 4)
    ]

    def shape(world):
        return (
            {ref: (c.kind, c.is_prospective) for ref, c in world.contacts.items()},
            world.parties,
            world.relationships,
            [(m.number, m.opened_on, m.closed_on) for m in world.matters],
        )

    ours = demo_world("brandt-kimura", anchor, Names(FAKER_SEED), current)
    theirs = demo_world("brandt-kimura", anchor, Names(FAKER_SEED + 1), current)
    assert shape(ours) == shape(theirs)
    assert [c.name for c in ours.contacts.values()] != [
        c.name for c in theirs.contacts.values()
    ]
