"""``__among``: the integer-list lookup the conflict engine uses instead of
``__in`` (one array parameter on PostgreSQL). It must find exactly what
``__in`` finds, on both databases, in filters and in conditional sums."""

import pytest
from django.db.models import Case, IntegerField, Q, Sum, Value, When

from firmdesk.conflicts.keys import key_hash
from firmdesk.conflicts.models import ConflictKey
from firmdesk.matters.models import Contact, ContactRelationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(firm):
    return [
        Contact.objects.for_firm(firm).create(firm=firm, name=f"Person {n}")
        for n in range(5)
    ]


def test_finds_what_in_finds_and_nothing_else(firm, contacts):
    wanted = [contacts[1].pk, contacts[3].pk, contacts[3].pk, 10**12]
    among = set(
        Contact.objects.for_firm(firm)
        .filter(pk__among=wanted)
        .values_list("pk", flat=True)
    )
    assert among == {contacts[1].pk, contacts[3].pk}
    assert among == set(
        Contact.objects.for_firm(firm)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )


def test_an_empty_list_matches_nothing(firm, contacts):
    assert not Contact.objects.for_firm(firm).filter(pk__among=[]).exists()
    assert (
        Contact.objects.for_firm(firm)
        .filter(Q(pk__among=[]) | Q(pk=contacts[0].pk))
        .count()
        == 1
    )


def test_foreign_keys_and_signed_eight_byte_keys(firm, contacts):
    big, small = key_hash("smith"), key_hash("jones")
    assert big != small
    ConflictKey.objects.bulk_create(
        [
            ConflictKey(firm=firm, key=big, contact=contacts[0]),
            ConflictKey(firm=firm, key=small, contact=contacts[1]),
            ConflictKey(firm=firm, key=big, contact=contacts[2]),
        ]
    )
    rows = ConflictKey.objects.filter(firm=firm, key__among=[big])
    assert {r.contact_id for r in rows} == {contacts[0].pk, contacts[2].pk}
    by_contact = ConflictKey.objects.filter(contact_id__among=[contacts[1].pk])
    assert [r.key for r in by_contact] == [small]
    weighted = (
        ConflictKey.objects.filter(firm=firm)
        .values("contact_id")
        .annotate(
            w=Sum(
                Case(
                    When(key__among=[big], then=Value(5)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
        )
    )
    assert {r["contact_id"]: r["w"] for r in weighted} == {
        contacts[0].pk: 5,
        contacts[1].pk: 1,
        contacts[2].pk: 5,
    }


def test_either_end_of_a_relationship(firm, contacts):
    ContactRelationship.objects.for_firm(firm).create(
        firm=firm,
        from_contact=contacts[0],
        to_contact=contacts[1],
        kind=ContactRelationship.Kind.EMPLOYER,
    )
    found = ContactRelationship.objects.for_firm(firm).filter(
        Q(from_contact_id__among=[contacts[1].pk])
        | Q(to_contact_id__among=[contacts[1].pk])
    )
    assert found.count() == 1


def test_refuses_what_is_not_an_integer(firm, contacts):
    with pytest.raises(TypeError, match="integers"):
        list(Contact.objects.for_firm(firm).filter(pk__among=[str(contacts[0].pk)]))
